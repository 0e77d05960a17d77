/** Runs tests/helpers/write-torch-checkpoint.py (stdlib-only Python) to write a torch.save-style state_dict. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TensorSpec {
  name: string;
  dtype: 'float32' | 'float16' | 'int32' | 'int64';
  shape: number[];
  values: ArrayLike<number>;
  layout?: 'contiguous' | 'transposed' | 'offset';
}

const SCRIPT = join(import.meta.dirname, 'write-torch-checkpoint.py');

/** Why the writer cannot run here, or undefined when python3 is available. */
export function pythonMissing(): string | undefined {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3 is not installed: the torch.save fixture writer needs it (CI installs it).';
}

export function writeTorchCheckpoint(out: string, tensors: readonly TensorSpec[], options: { archive?: string; extra?: Record<string, unknown> } = {}): void {
  const specPath = `${out}.spec.json`;
  const spec = { out, archive: options.archive ?? 'ae', tensors: tensors.map((t) => ({ ...t, values: Array.from(t.values) })), extra: options.extra ?? {} };
  writeFileSync(specPath, JSON.stringify(spec));
  const result = spawnSync('python3', [SCRIPT, specPath], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`write-torch-checkpoint.py failed: ${result.stderr}`);
}
