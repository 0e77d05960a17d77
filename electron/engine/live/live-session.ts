/**
 * One live microphone session: pushed audio fills a ring buffer; whenever `hopSec` of new audio
 * has arrived and no window is being transcribed, the newest `windowSec` is transcribed (original
 * and steered) and an update is emitted. A slow model therefore skips hops instead of falling
 * behind: each update is about the newest audio. Steering changes apply to the next window.
 */
import type { LiveSteering, LiveUpdate } from '../../common/contract.js';
import { AppError, toErrorShape } from '../../common/errors.js';
import { steeringScale } from '../../../native-models/steering/sae-splice.js';
import { SampleRing } from './ring-buffer.js';
import type { WindowTranscriber, WindowTranscription } from './window-transcriber.js';

export interface LiveSessionOptions {
  id: number;
  modelId: number;
  sampleRate: number;
  windowSec: number;
  hopSec: number;
  /** Audio kept for takes (at least one window). */
  keepSec: number;
  steering: LiveSteering;
  transcriber: WindowTranscriber;
  emit: (update: LiveUpdate) => void;
  /** A window failed: the session stops itself and reports why. */
  onError: (message: string) => void;
  now?: () => number;
}

export class LiveSession {
  readonly id: number;
  readonly modelId: number;
  readonly sampleRate: number;
  readonly windowSec: number;
  readonly hopSec: number;
  readonly #ring: SampleRing;
  readonly #transcriber: WindowTranscriber;
  readonly #options: LiveSessionOptions;
  readonly #now: () => number;
  #steering: LiveSteering;
  /** Session audio time (samples) of the last transcribed window's end. */
  #lastWindowEnd = 0;
  #lastPushAt = 0;
  #running: Promise<void> | null = null;
  /** Serializes model use: windows and take transcriptions never overlap. */
  #exclusive: Promise<unknown> = Promise.resolve();
  #stopped = false;
  #last: LiveUpdate | null = null;

  constructor(options: LiveSessionOptions) {
    this.#options = options;
    this.id = options.id;
    this.modelId = options.modelId;
    this.sampleRate = options.sampleRate;
    this.windowSec = options.windowSec;
    this.hopSec = options.hopSec;
    this.#steering = options.steering;
    this.#transcriber = options.transcriber;
    this.#now = options.now ?? (() => performance.now());
    this.#ring = new SampleRing(Math.ceil(Math.max(options.keepSec, options.windowSec) * options.sampleRate));
    checkFeatures(options.steering.features, options.transcriber.dSae);
  }

  get steering(): LiveSteering {
    return this.#steering;
  }

  get lastUpdate(): LiveUpdate | null {
    return this.#last;
  }

  get bufferedSec(): number {
    return this.#ring.length / this.sampleRate;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  push(samples: Float32Array): void {
    if (this.#stopped) throw new AppError('not_found', `Live session ${this.id} has stopped; start a new one.`);
    this.#ring.append(samples);
    this.#lastPushAt = this.#now();
    this.#schedule();
  }

  /** New steering for the next window (the one being transcribed keeps its settings). */
  configure(change: { alpha?: number; features?: number[]; presetId?: number | null; presetName?: string | null }): LiveSteering {
    const features = change.features ?? this.#steering.features;
    checkFeatures(features, this.#transcriber.dSae);
    this.#steering = {
      ...this.#steering,
      alpha: change.alpha ?? this.#steering.alpha,
      features,
      presetId: change.features !== undefined ? (change.presetId ?? null) : this.#steering.presetId,
      presetName: change.features !== undefined ? (change.presetName ?? null) : this.#steering.presetName,
      version: this.#steering.version + 1,
    };
    return this.#steering;
  }

  /** The newest `seconds` of audio held (all of it when omitted). */
  audio(seconds?: number): Float32Array {
    return this.#ring.latest(seconds === undefined ? this.#ring.length : Math.round(seconds * this.sampleRate));
  }

  /** Transcribes arbitrary audio with this session's models and current steering (a take). */
  transcribe(samples: Float32Array): Promise<WindowTranscription> {
    const steering = this.#steering;
    return this.#withModel(() => this.#transcriber.transcribe(samples, this.#scale(steering)));
  }

  /** Resolves when no window is being transcribed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.idle();
    await this.#exclusive.catch(() => undefined);
    await this.#transcriber.dispose();
  }

  #schedule(): void {
    if (this.#running || this.#stopped) return;
    const hop = Math.round(this.hopSec * this.sampleRate);
    if (this.#ring.totalWritten - this.#lastWindowEnd < hop) return;
    this.#running = this.#runWindow().finally(() => {
      this.#running = null;
      this.#schedule();
    });
  }

  async #runWindow(): Promise<void> {
    const end = this.#ring.totalWritten;
    const arrivedAt = this.#lastPushAt;
    const window = this.#ring.latest(Math.round(this.windowSec * this.sampleRate));
    this.#lastWindowEnd = end;
    const steering = this.#steering;
    try {
      const started = this.#now();
      const result = await this.#withModel(() => this.#transcriber.transcribe(window, this.#scale(steering)));
      if (this.#stopped) return;
      const now = this.#now();
      const update: LiveUpdate = {
        sessionId: this.id,
        original: result.original,
        steered: result.steered,
        latencyMs: now - arrivedAt,
        computeMs: now - started,
        windowEndSec: end / this.sampleRate,
        windowSec: window.length / this.sampleRate,
        featureActivity: result.meanCodes ? steering.features.map((f) => result.meanCodes![f] ?? 0) : [],
        steering,
      };
      this.#last = update;
      this.#options.emit(update);
    } catch (error) {
      if (this.#stopped) return;
      this.#options.onError(toErrorShape(error).message);
      void this.stop();
    }
  }

  #withModel<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#exclusive.catch(() => undefined).then(work);
    this.#exclusive = next;
    return next;
  }

  #scale(steering: LiveSteering): Float32Array | null {
    const { dSae } = this.#transcriber;
    if (dSae === null) return null;
    // The paper's steering: selected features scaled by -alpha (alpha 0 removes them), others 1.
    return steeringScale(dSae, steering.features, -steering.alpha);
  }
}

function checkFeatures(features: readonly number[], dSae: number | null): void {
  if (features.length === 0) return;
  if (dSae === null) throw new AppError('bad_input', 'Steering features need an SAE: pick one, or leave the features empty.');
  const bad = features.filter((f) => f >= dSae);
  if (bad.length > 0) throw new AppError('bad_input', `Features ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''} do not exist: this SAE has features 0..${dSae - 1}.`);
}
