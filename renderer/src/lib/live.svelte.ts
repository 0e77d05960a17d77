/**
 * The Live page's state: pickers (Whisper model, SAE, preset or typed features, alpha), the
 * microphone capture and its level, the engine session and its latest update, latencies, and
 * the takes recorded. Alpha and feature changes are sent with live.configure and apply to the
 * next window. A session belongs to the connection: if the engine restarts, it is gone.
 */
import type { LiveSessionInfo, LiveTake, LiveUpdate, ModelRow, SaeSummary, SteeringPreset } from '../../../electron/common/contract.js';
import { onEngineEvent } from './api.js';
import { datasets } from './datasets.svelte.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { liveApi } from './live-api.js';
import { microphoneProblem, startCapture, type Capture } from './live-capture.js';
import { parseFeatureList } from './live-features.js';
import { float32Bytes, meterFraction } from './live-resampler.js';
import { nav } from './nav.svelte.js';

export type LivePhase = 'idle' | 'starting' | 'running' | 'stopping';
const LATENCY_HISTORY = 30;
const CONFIGURE_DELAY_MS = 150;
/** Pushes waiting for an answer before audio is dropped (a stalled engine must not grow memory). */
const MAX_PUSHES_IN_FLIGHT = 16;

class LiveStore {
  #models = $state.raw<ModelRow[]>([]);
  #saes = $state.raw<SaeSummary[]>([]);
  #presets = $state.raw<SteeringPreset[]>([]);
  #modelId = $state<number | null>(null);
  #saeId = $state<number | null>(null);
  #presetId = $state<number | null>(null);
  #featuresText = $state('');
  #alpha = $state(1);
  #windowSec = $state(5);

  #phase = $state<LivePhase>('idle');
  #session = $state.raw<LiveSessionInfo | null>(null);
  #update = $state.raw<LiveUpdate | null>(null);
  #latencies = $state.raw<number[]>([]);
  #level = $state(0);
  #peak = $state(0);
  #micProblem = $state<string | null>(null);
  #error = $state<ErrorDescription | null>(null);
  #takes = $state.raw<LiveTake[]>([]);
  #recording = $state(false);
  #dropped = $state(0);

  #capture: Capture | null = null;
  #inFlight = 0;
  #configureTimer: ReturnType<typeof setTimeout> | null = null;

  readonly whisperModels = $derived(this.#models.filter((m) => m.architecture === 'whisper-encoder'));
  readonly saeChoices = $derived(this.#saes.filter((s) => s.modelId === this.#modelId && s.checkpointPath !== null));
  readonly parsedFeatures = $derived(parseFeatureList(this.#featuresText));
  readonly latency = $derived(this.#latencies.length === 0 ? null : { latest: this.#latencies.at(-1)!, mean: this.#latencies.reduce((a, b) => a + b, 0) / this.#latencies.length });

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'live.update' && event.update.sessionId === this.#session?.sessionId) {
        this.#update = event.update;
        this.#latencies = [...this.#latencies, event.update.latencyMs].slice(-LATENCY_HISTORY);
      } else if (event.type === 'live.error' && event.sessionId === this.#session?.sessionId) {
        this.#error = { message: `Live transcription stopped: ${event.message}`, details: [], code: null };
        void this.#teardown();
      } else if (event.type === 'saes.changed' || event.type === 'models.changed') {
        void this.refresh();
      }
    });
    engine.onReady(() => {
      if (this.#session) {
        this.#error = { message: 'The connection to the engine was lost, which ended the live session. Start it again.', details: [], code: null };
        void this.#teardown();
      }
      void this.refresh();
    });
  }

  get models(): ModelRow[] { return this.whisperModels; }
  get presets(): SteeringPreset[] { return this.#presets; }
  get modelId(): number | null { return this.#modelId; }
  get saeId(): number | null { return this.#saeId; }
  get presetId(): number | null { return this.#presetId; }
  get featuresText(): string { return this.#featuresText; }
  get alpha(): number { return this.#alpha; }
  get windowSec(): number { return this.#windowSec; }
  get phase(): LivePhase { return this.#phase; }
  get running(): boolean { return this.#phase === 'running'; }
  get session(): LiveSessionInfo | null { return this.#session; }
  get update(): LiveUpdate | null { return this.#update; }
  get level(): number { return this.#level; }
  get peak(): number { return this.#peak; }
  get micProblem(): string | null { return this.#micProblem; }
  get error(): ErrorDescription | null { return this.#error; }
  get takes(): LiveTake[] { return this.#takes; }
  get recording(): boolean { return this.#recording; }
  get dropped(): number { return this.#dropped; }

  dismissError(): void {
    this.#error = null;
    this.#micProblem = null;
  }

  async refresh(): Promise<void> {
    try {
      const [models, saes] = await Promise.all([liveApi.listModels(), liveApi.listSaes()]);
      this.#models = models;
      this.#saes = saes;
      if (this.#modelId === null || !this.whisperModels.some((m) => m.id === this.#modelId)) this.#modelId = this.whisperModels[0]?.id ?? null;
      if (this.#saeId !== null && !this.saeChoices.some((s) => s.id === this.#saeId)) this.#saeId = null;
      if (this.#saeId === null) this.#saeId = this.saeChoices[0]?.id ?? null;
      await this.#loadPresets();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  pickModel(id: number): void {
    this.#modelId = id;
    this.#saeId = this.saeChoices[0]?.id ?? null;
    this.#presetId = null;
    void this.#loadPresets();
  }

  pickSae(id: number | null): void {
    this.#saeId = id;
    this.#presetId = null;
    void this.#loadPresets();
  }

  pickPreset(id: number | null): void {
    this.#presetId = id;
    this.#sendSteering({ features: true });
  }

  setFeaturesText(text: string): void {
    this.#featuresText = text;
  }

  /** Sends the typed features to a running session (the field's change event). */
  applyFeatures(): void {
    if (this.#presetId === null) this.#sendSteering({ features: true });
  }

  setAlpha(alpha: number): void {
    this.#alpha = alpha;
    this.#sendSteering({ features: false });
  }

  setWindowSec(seconds: number): void {
    this.#windowSec = seconds;
  }

  async start(): Promise<void> {
    if (this.#phase !== 'idle' || this.#modelId === null) return;
    this.dismissError();
    const parsed = this.parsedFeatures;
    if (!parsed.ok) {
      this.#error = { message: parsed.message, details: [], code: null };
      return;
    }
    this.#phase = 'starting';
    this.#update = null;
    this.#latencies = [];
    this.#dropped = 0;
    try {
      const steering =
        this.#saeId === null
          ? {}
          : this.#presetId !== null
            ? { saeId: this.#saeId, presetId: this.#presetId }
            : { saeId: this.#saeId, ...(parsed.features.length > 0 ? { features: parsed.features } : {}) };
      this.#session = await liveApi.start({ modelId: this.#modelId, alpha: this.#alpha, windowSec: this.#windowSec, hopSec: 1, ...steering });
    } catch (error) {
      this.#error = describeError(error);
      this.#phase = 'idle';
      return;
    }
    try {
      this.#capture = await startCapture({
        onChunk: (samples) => this.#push(samples),
        onLevel: ({ rms, peak }) => {
          this.#level = meterFraction(rms);
          this.#peak = peak;
        },
      });
      this.#phase = 'running';
    } catch (error) {
      this.#micProblem = microphoneProblem(error);
      await this.#teardown();
    }
  }

  async stop(): Promise<void> {
    if (this.#phase !== 'running') return;
    this.#phase = 'stopping';
    await this.#teardown();
  }

  async recordTake(seconds?: number): Promise<void> {
    const session = this.#session;
    if (!session || this.#recording) return;
    this.#recording = true;
    try {
      const take = await liveApi.saveTake(session.sessionId, seconds);
      this.#takes = [take, ...this.#takes].slice(0, 20);
    } catch (error) {
      this.#error = describeError(error);
    } finally {
      this.#recording = false;
    }
  }

  /** Shows a take's clip in the dataset browser. */
  async openTake(take: LiveTake): Promise<void> {
    await datasets.refresh();
    await datasets.select(take.datasetId);
    datasets.selectClip(take.clip.id);
    nav.go('datasets');
  }

  #push(samples: Float32Array): void {
    const session = this.#session;
    if (!session || this.#phase !== 'running') return;
    if (this.#inFlight >= MAX_PUSHES_IN_FLIGHT) {
      this.#dropped += samples.length;
      return;
    }
    this.#inFlight++;
    liveApi
      .push(session.sessionId, float32Bytes(samples))
      .catch((error: unknown) => {
        if (this.#session?.sessionId !== session.sessionId) return;
        this.#error = describeError(error);
        void this.#teardown();
      })
      .finally(() => this.#inFlight--);
  }

  #sendSteering(what: { features: boolean }): void {
    if (!this.#session) return;
    if (this.#configureTimer) clearTimeout(this.#configureTimer);
    this.#configureTimer = setTimeout(() => {
      this.#configureTimer = null;
      const session = this.#session;
      if (!session || session.steering.saeId === null) return;
      const parsed = this.parsedFeatures;
      const change = !what.features
        ? {}
        : this.#presetId !== null
          ? { presetId: this.#presetId }
          : parsed.ok && parsed.features.length > 0
            ? { features: parsed.features }
            : {};
      if (what.features && !parsed.ok && this.#presetId === null) {
        this.#error = { message: parsed.message, details: [], code: null };
        return;
      }
      liveApi.configure({ sessionId: session.sessionId, alpha: this.#alpha, ...change }).then(
        (info) => {
          if (this.#session?.sessionId === info.sessionId) this.#session = info;
        },
        (error: unknown) => (this.#error = describeError(error)),
      );
    }, CONFIGURE_DELAY_MS);
  }

  async #loadPresets(): Promise<void> {
    const saeId = this.#saeId;
    if (saeId === null) {
      this.#presets = [];
      return;
    }
    try {
      const presets = await liveApi.presets(saeId);
      if (this.#saeId === saeId) this.#presets = presets;
    } catch {
      // Presets are optional: without them the page steers typed features.
      this.#presets = [];
    }
  }

  async #teardown(): Promise<void> {
    const capture = this.#capture;
    const session = this.#session;
    this.#capture = null;
    this.#session = null;
    this.#level = 0;
    this.#peak = 0;
    this.#phase = 'stopping';
    await capture?.stop().catch(() => undefined);
    if (session) await liveApi.stop(session.sessionId).catch(() => undefined);
    this.#phase = 'idle';
  }
}

export const live = new LiveStore();
