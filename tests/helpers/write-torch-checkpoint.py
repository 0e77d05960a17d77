"""Writes a state_dict file laid out exactly as torch.save does, with the Python standard library
only (no torch): an independent writer to check our reader against.

Usage: python3 write-torch-checkpoint.py spec.json
spec: {"out": path, "archive": "ae", "tensors": [{"name", "dtype": float32|float16|int32|int64,
       "shape": [...], "values": [row-major numbers], "layout": "contiguous"|"transposed"|"offset"}],
       "extra": {name: plain value}}

As in torch.save (protocol 2): a zip with <archive>/data.pkl, <archive>/byteorder,
<archive>/data/<key> (raw little-endian storages), <archive>/version; the pickle is an
OrderedDict (with a `_metadata` attribute, as Module.state_dict() sets) whose tensors reduce to
torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict()) and
whose storages are persistent ids ('storage', torch.<Type>Storage, key, 'cpu', numel).
"""
import collections
import io
import json
import pickle
import struct
import sys
import types
import zipfile

# Stand-ins registered under torch's names, so pickle records `torch._utils._rebuild_tensor_v2`
# and `torch.FloatStorage` just as the real classes would be recorded.
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise RuntimeError("only used as a name to pickle")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2

STORAGE_TYPES = {}
FORMATS = {"float32": ("FloatStorage", "<f"), "float16": ("HalfStorage", "<e"), "int32": ("IntStorage", "<i"), "int64": ("LongStorage", "<q")}
for dtype, (type_name, _) in FORMATS.items():
    cls = type(type_name, (), {"__module__": "torch"})
    setattr(torch, type_name, cls)
    STORAGE_TYPES[dtype] = cls


class Storage:
    def __init__(self, key, dtype, values):
        self.key = key
        self.dtype = dtype
        self.values = values

    def to_bytes(self):
        fmt = FORMATS[self.dtype][1]
        return b"".join(struct.pack(fmt, v) for v in self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, self.args)


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", STORAGE_TYPES[obj.dtype], obj.key, "cpu", len(obj.values))
        return None


def contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.insert(0, step)
        step *= n
    return strides


def build(spec):
    state = collections.OrderedDict()
    storages = []
    for entry in spec["tensors"]:
        shape, values, dtype = entry["shape"], entry["values"], entry["dtype"]
        if dtype.startswith("int"):
            values = [int(v) for v in values]
        layout = entry.get("layout", "contiguous")
        key = str(len(storages))
        if layout == "transposed":
            # Store the transpose contiguously; the tensor is a strided (column-major) view of it.
            rows, cols = shape
            data = [values[r * cols + c] for c in range(cols) for r in range(rows)]
            tensor_args = (0, shape, [1, rows])
        elif layout == "offset":
            # The tensor starts part-way into a larger storage (as a slice of a bigger tensor).
            pad = 3
            data = [values[0]] * pad + values + [values[-1]] * 2
            tensor_args = (pad, shape, contiguous_strides(shape))
        else:
            data = values
            tensor_args = (0, shape, contiguous_strides(shape))
        storage = Storage(key, dtype, data)
        storages.append(storage)
        state[entry["name"]] = Tensor(storage, *tensor_args)
    for name, value in spec.get("extra", {}).items():
        state[name] = value
    state._metadata = collections.OrderedDict([("", {"version": 1})])
    return state, storages


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    state, storages = build(spec)
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    archive = spec.get("archive", "archive")
    with zipfile.ZipFile(spec["out"], "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(f"{archive}/data.pkl", buffer.getvalue())
        z.writestr(f"{archive}/byteorder", "little")
        for storage in storages:
            z.writestr(f"{archive}/data/{storage.key}", storage.to_bytes())
        z.writestr(f"{archive}/version", "3\n")


main()
