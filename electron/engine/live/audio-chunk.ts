/** A live.push payload: float32 little-endian mono samples, checked before they reach a session. */
import { AppError } from '../../common/errors.js';
import { LIVE_MAX_PUSH_SAMPLES } from '../../common/contract.js';

export function decodeFloat32Chunk(bytes: Uint8Array, maxSamples = LIVE_MAX_PUSH_SAMPLES): Float32Array {
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
    throw new AppError('bad_input', `Live audio must be float32 little-endian bytes (a non-empty multiple of 4); got ${bytes.byteLength} bytes.`);
  }
  const count = bytes.byteLength / 4;
  if (count > maxSamples) throw new AppError('bad_input', `A live audio chunk carries at most ${maxSamples} samples; got ${count}. Send smaller chunks.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const value = view.getFloat32(i * 4, true);
    if (!Number.isFinite(value)) throw new AppError('bad_input', `Live audio sample ${i} is not a finite number (${value}).`);
    // Clipped microphones can overshoot slightly; anything far outside [-1, 1] is not audio.
    if (Math.abs(value) > 16) throw new AppError('bad_input', `Live audio sample ${i} is ${value}: samples are floats in [-1, 1].`);
    out[i] = value;
  }
  return out;
}

/** The inverse (tests, and the renderer's encoder does the same). */
export function encodeFloat32Chunk(samples: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true);
  return bytes;
}
