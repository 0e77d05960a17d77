/**
 * What `music-metadata` gets wrong about AAC in MP4 (.m4a), read from the boxes themselves:
 *
 * - channels: MP4 writers (ffmpeg among them) put the spec's template value 2 in the `mp4a`
 *   sample entry whatever the stream holds; the real count is the AudioSpecificConfig's
 *   channelConfiguration in `esds`.
 * - duration: the media duration includes the encoder's priming samples (1024 for AAC) and the
 *   last frame's padding; the edit list (`elst`) gives the presented duration, which is what the
 *   decoder outputs.
 *
 * Only the `moov` box is read. Anything unexpected gives `null` fields (the caller keeps the
 * values it had).
 */
import { open } from 'node:fs/promises';

export interface Mp4AudioInfo {
  channels: number | null;
  durationSec: number | null;
}

interface Box {
  type: string;
  /** Body start and end, relative to the buffer. */
  start: number;
  end: number;
}

/** moov bodies larger than this are not read (a sample table of days of audio). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

function* boxes(buffer: Buffer, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    let size = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(buffer: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  for (const box of boxes(buffer, parent.start + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** The `moov` box's bytes (with its 8-byte header), found by walking the top-level boxes. */
async function readMoov(path: string): Promise<Buffer | null> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= size) {
      const { bytesRead } = await handle.read(head, 0, 16, at);
      if (bytesRead < 8) return null;
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) {
        if (bytesRead < 16) return null;
        boxSize = Number(head.readBigUInt64BE(8));
      } else if (boxSize === 0) {
        boxSize = size - at;
      }
      if (boxSize < 8) return null;
      if (type === 'moov') {
        if (boxSize > MAX_MOOV_BYTES || at + boxSize > size) return null;
        const moov = Buffer.alloc(boxSize);
        await handle.read(moov, 0, boxSize, at);
        return moov;
      }
      at += boxSize;
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** An MPEG-4 descriptor's tag, body start and body end. */
function descriptor(buffer: Buffer, at: number, end: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > end) return null;
  const tag = buffer[at]!;
  let length = 0;
  let i = at + 1;
  for (let n = 0; n < 4 && i < end; n++) {
    const byte = buffer[i++]!;
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return i + length <= end ? { tag, start: i, end: i + length } : null;
}

/** channelConfiguration of the AudioSpecificConfig inside an `esds` box body. */
function esdsChannels(buffer: Buffer, esds: Box): number | null {
  const es = descriptor(buffer, esds.start + 4, esds.end); // after version + flags
  if (!es || es.tag !== 0x03) return null;
  let at = es.start + 2; // ES_ID
  const flags = buffer[at++]!;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40) at += 1 + (buffer[at] ?? 0); // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  const config = descriptor(buffer, at, es.end);
  if (!config || config.tag !== 0x04) return null;
  const specific = descriptor(buffer, config.start + 13, config.end);
  if (!specific || specific.tag !== 0x05 || specific.end - specific.start < 2) return null;
  // AudioSpecificConfig: audioObjectType (5 bits, 31 = escape + 6), frequency index (4, 15 = + 24 bits), channels (4).
  let bit = specific.start * 8;
  const bits = (n: number): number => {
    let value = 0;
    for (let k = 0; k < n; k++, bit++) value = (value << 1) | ((buffer[bit >> 3]! >> (7 - (bit & 7))) & 1);
    return value;
  };
  if (bits(5) === 31) bits(6);
  if (bits(4) === 15) bits(24);
  if (bit + 4 > specific.end * 8) return null;
  const configuration = bits(4);
  if (configuration >= 1 && configuration <= 6) return configuration;
  if (configuration === 7) return 8;
  return null;
}

export async function readMp4AudioInfo(path: string): Promise<Mp4AudioInfo> {
  const info: Mp4AudioInfo = { channels: null, durationSec: null };
  const buffer = await readMoov(path);
  if (!buffer) return info;
  const moov: Box = { type: 'moov', start: 8, end: buffer.length };
  const mvhd = child(buffer, moov, 'mvhd');
  if (!mvhd) return info;
  const movieScale = buffer.readUInt32BE(mvhd.start + (buffer[mvhd.start] === 1 ? 20 : 12));
  for (const trak of boxes(buffer, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = child(buffer, trak, 'mdia');
    const hdlr = mdia && child(buffer, mdia, 'hdlr');
    if (!mdia || !hdlr || buffer.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'soun') continue;

    const elst = child(buffer, child(buffer, trak, 'edts') ?? { type: '', start: 0, end: 0 }, 'elst');
    if (elst && movieScale > 0) {
      const v1 = buffer[elst.start] === 1;
      const count = buffer.readUInt32BE(elst.start + 4);
      const entry = v1 ? 20 : 12;
      if (elst.start + 8 + count * entry <= elst.end) {
        let presented = 0;
        for (let e = 0; e < count; e++) {
          const at = elst.start + 8 + e * entry;
          const duration = v1 ? Number(buffer.readBigUInt64BE(at)) : buffer.readUInt32BE(at);
          const mediaTime = v1 ? Number(buffer.readBigInt64BE(at + 8)) : buffer.readInt32BE(at + 4);
          if (mediaTime >= 0) presented += duration; // -1: an empty edit (a delay), not decoded audio
        }
        if (presented > 0) info.durationSec = presented / movieScale;
      }
    }

    const stsd = ['minf', 'stbl', 'stsd'].reduce<Box | undefined>((box, type) => box && child(buffer, box, type), mdia);
    const entry = stsd && child(buffer, stsd, 'mp4a', 8); // after version, flags, entry count
    if (entry) {
      const version = buffer.readUInt16BE(entry.start + 8);
      const fields = 28 + (version === 1 ? 16 : version === 2 ? 36 : 0);
      const esds = child(buffer, entry, 'esds', fields);
      if (esds) info.channels = esdsChannels(buffer, esds);
    }
    return info; // the first sound track is the one decoded
  }
  return info;
}
