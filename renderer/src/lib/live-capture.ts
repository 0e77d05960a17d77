/**
 * Microphone capture for the Live page: getUserMedia -> an AudioWorklet (public/live-capture-worklet.js,
 * served from the app's origin) -> 16 kHz (live-resampler.ts) -> batches of ~250 ms handed to
 * `onChunk`, with the level of each block for the meter. Echo cancellation, noise suppression
 * and gain control are off: the model should hear the room as it is.
 */
import { StreamingResampler, levelOf } from './live-resampler.js';

export { microphoneProblem } from './live-microphone-errors.js';

export const CHUNK_SEC = 0.25;

export interface CaptureCallbacks {
  /** 16 kHz mono samples, about CHUNK_SEC at a time. */
  onChunk: (samples: Float32Array) => void;
  onLevel: (level: { rms: number; peak: number }) => void;
}

export interface Capture {
  readonly inputRate: number;
  stop(): Promise<void>;
}

function unsupported(message: string): Error {
  const error = new Error(message);
  error.name = 'Unsupported';
  return error;
}

export async function startCapture(callbacks: CaptureCallbacks): Promise<Capture> {
  if (!navigator.mediaDevices?.getUserMedia) throw unsupported('This page cannot use a microphone: it needs a secure context (the desktop app, or https/localhost).');
  if (typeof AudioWorkletNode === 'undefined') throw unsupported('This browser lacks AudioWorklet, which live capture needs.');
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(new URL('live-capture-worklet.js', document.baseURI).href);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'live-capture', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
    const resampler = new StreamingResampler(context.sampleRate);
    const chunkSamples = Math.round(CHUNK_SEC * resampler.outputRate);
    let pending: Float32Array[] = [];
    let pendingLength = 0;
    node.port.onmessage = (event: MessageEvent<Float32Array>) => {
      const block = event.data;
      callbacks.onLevel(levelOf(block));
      const out = resampler.push(block);
      if (out.length === 0) return;
      pending.push(out);
      pendingLength += out.length;
      if (pendingLength < chunkSamples) return;
      const chunk = new Float32Array(pendingLength);
      let at = 0;
      for (const part of pending) {
        chunk.set(part, at);
        at += part.length;
      }
      pending = [];
      pendingLength = 0;
      callbacks.onChunk(chunk);
    };
    source.connect(node);
    if (context.state === 'suspended') await context.resume();
    return {
      inputRate: context.sampleRate,
      async stop() {
        node.port.onmessage = null;
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
    throw error;
  }
}
