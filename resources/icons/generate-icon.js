#!/usr/bin/env node
// Writes resources/icons/icon.png (1024x1024 RGBA): a dark rounded square with a waveform of
// bars, a sparse few lit up (the "active features"). electron-builder derives the .ico and
// .icns from this PNG. Run: node resources/icons/generate-icon.js
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Signed distance from (x, y) to a rounded rectangle (negative inside). */
function roundedRectDistance(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - (halfW - radius);
  const qy = Math.abs(y - cy) - (halfH - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

const coverage = (distance) => Math.min(1, Math.max(0, 0.5 - distance));

function blend(pixels, index, [r, g, b], alpha) {
  if (alpha <= 0) return;
  const a0 = pixels[index + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  const mix = (src, dst) => Math.round((src * alpha + dst * a0 * (1 - alpha)) / a);
  pixels[index] = mix(r, pixels[index]);
  pixels[index + 1] = mix(g, pixels[index + 1]);
  pixels[index + 2] = mix(b, pixels[index + 2]);
  pixels[index + 3] = Math.round(a * 255);
}

export function drawIcon(size = SIZE) {
  const pixels = Buffer.alloc(size * size * 4);
  const s = size / 1024;
  const bars = 15;
  const barWidth = 34 * s;
  const gap = 20 * s;
  const left = size / 2 - ((bars * barWidth + (bars - 1) * gap) / 2);
  const heights = [0.18, 0.32, 0.5, 0.36, 0.62, 0.84, 0.56, 0.96, 0.7, 0.44, 0.78, 0.52, 0.3, 0.4, 0.2];
  const lit = new Set([5, 7, 10]);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const px = x + 0.5;
      const py = y + 0.5;
      const t = py / size;
      const background = [Math.round(16 + 10 * t), Math.round(28 + 30 * t), Math.round(40 + 44 * t)];
      blend(pixels, i, background, coverage(roundedRectDistance(px, py, size / 2, size / 2, 462 * s, 462 * s, 180 * s)));
      for (let b = 0; b < bars; b++) {
        const cx = left + b * (barWidth + gap) + barWidth / 2;
        const halfH = (heights[b] * 560 * s) / 2;
        const d = roundedRectDistance(px, py, cx, size / 2, barWidth / 2, halfH, barWidth / 2);
        if (d > 1) continue;
        blend(pixels, i, lit.has(b) ? [255, 176, 64] : [120, 214, 220], coverage(d));
      }
    }
  }
  return encodePng(size, size, pixels);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');
  writeFileSync(out, drawIcon());
  process.stdout.write(`Wrote ${out}\n`);
}
