/**
 * The engine's live sessions: loads a session's models (log-mel, steered encoder or plain
 * encoder, decoder), caps how many run at once, routes pushes and configuration, sends updates
 * to the owning connection only, and stops a connection's sessions when it closes.
 */
import type { LiveSessionInfo, LiveSteering, LiveTake, ModelRow, SaeSummary } from '../../common/contract.js';
import { LIVE_MAX_TAKE_SEC, LIVE_SAMPLE_RATE } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { Disposable } from '../../common/lifecycle.js';
import { WhisperDecoder } from '../../../native-models/decoders/whisper-decoder.js';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor } from '../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import { SteeredWhisperEncoder } from '../../../native-models/steering/steered-whisper-encoder.js';
import type { LoadedModels } from '../models/loaded-models.js';
import type { ClientContext } from '../rpc/rpc-server.js';
import type { DatasetsRepo } from '../store/datasets-repo.js';
import { LiveSession } from './live-session.js';
import { saveTake } from './save-take.js';
import { maxNewTokensFor, plainTranscriber, steeredTranscriber, type WindowTranscriber } from './window-transcriber.js';

export const MAX_LIVE_SESSIONS = 4;
export const MAX_LIVE_SESSIONS_PER_CLIENT = 2;

export interface LivePreset {
  id: number;
  name: string;
  saeId: number;
  features: number[];
}

export interface LiveSessionsDeps {
  model: (id: number) => ModelRow | undefined;
  sae: (id: number) => SaeSummary | undefined;
  /** Steering presets, when the store has them. */
  preset?: (id: number) => LivePreset | undefined;
  models: LoadedModels;
  datasets: DatasetsRepo;
  /** `<data dir>/recordings`. */
  recordingsDir: string;
  /** A take was saved (the Recordings dataset changed). */
  onTake?: () => void;
  /** Loads the transcriber (tests replace it). */
  loadTranscriber?: (model: ModelRow, sae: SaeSummary | null, windowSec: number) => Promise<WindowTranscriber>;
}

export interface LiveStartParams {
  modelId: number;
  saeId?: number;
  features?: number[];
  presetId?: number;
  alpha: number;
  windowSec: number;
  hopSec: number;
}

interface Entry {
  session: LiveSession;
  clientId: number;
  closeListener: Disposable;
}

export class LiveSessions implements Disposable {
  readonly #entries = new Map<number, Entry>();
  #starting = 0;
  #nextId = 1;

  constructor(private readonly deps: LiveSessionsDeps) {}

  get count(): number {
    return this.#entries.size;
  }

  async start(params: LiveStartParams, client: ClientContext): Promise<LiveSessionInfo> {
    const model = this.deps.model(params.modelId);
    if (!model) throw new AppError('not_found', `No model with id ${params.modelId}.`);
    if (model.architecture !== 'whisper-encoder') throw new AppError('bad_input', `Live transcription needs a Whisper model; ${model.repoId} is a ${model.architecture}.`);
    const sae = params.saeId === undefined ? null : this.deps.sae(params.saeId) ?? null;
    if (params.saeId !== undefined && !sae) throw new AppError('not_found', `No SAE with id ${params.saeId}.`);
    if (sae && sae.modelId !== model.id) throw new AppError('bad_input', `SAE ${sae.id} belongs to model ${sae.modelId}, not ${model.repoId} (id ${model.id}); pick one of this model's SAEs.`);
    const chosen = this.#features(sae, params.features, params.presetId);
    const mine = [...this.#entries.values()].filter((e) => e.clientId === client.id).length;
    if (mine >= MAX_LIVE_SESSIONS_PER_CLIENT) throw new AppError('conflict', `This window already runs ${mine} live sessions; stop one first.`);
    if (this.#entries.size + this.#starting >= MAX_LIVE_SESSIONS) throw new AppError('conflict', `The engine already runs ${MAX_LIVE_SESSIONS} live sessions; stop one (or close another window) first.`);

    this.#starting++;
    let transcriber: WindowTranscriber;
    try {
      transcriber = await (this.deps.loadTranscriber ?? this.#loadTranscriber)(model, sae, params.windowSec);
    } finally {
      this.#starting--;
    }
    const id = this.#nextId++;
    const steering: LiveSteering = { saeId: sae?.id ?? null, ...chosen, alpha: params.alpha, version: 0 };
    let session: LiveSession;
    try {
      session = new LiveSession({
        id,
        modelId: model.id,
        sampleRate: LIVE_SAMPLE_RATE,
        windowSec: params.windowSec,
        hopSec: params.hopSec,
        keepSec: LIVE_MAX_TAKE_SEC,
        steering,
        transcriber,
        emit: (update) => client.send({ type: 'live.update', update }),
        onError: (message) => {
          client.send({ type: 'live.error', sessionId: id, message });
          this.#forget(id);
        },
      });
    } catch (error) {
      await transcriber.dispose();
      throw error;
    }
    const closeListener = client.onClose(() => void this.stop(id).catch(() => undefined));
    this.#entries.set(id, { session, clientId: client.id, closeListener });
    return this.#info(session);
  }

  push(sessionId: number, samples: Float32Array, client: ClientContext): { bufferedSec: number } {
    const { session } = this.#own(sessionId, client);
    session.push(samples);
    return { bufferedSec: session.bufferedSec };
  }

  configure(sessionId: number, change: { alpha?: number; features?: number[]; presetId?: number }, client: ClientContext): LiveSessionInfo {
    const { session } = this.#own(sessionId, client);
    if (change.features !== undefined || change.presetId !== undefined) {
      const sae = session.steering.saeId === null ? null : this.deps.sae(session.steering.saeId) ?? null;
      const chosen = this.#features(sae, change.features, change.presetId);
      session.configure({ alpha: change.alpha, ...chosen });
    } else {
      session.configure({ alpha: change.alpha });
    }
    return this.#info(session);
  }

  async stop(sessionId: number, client?: ClientContext): Promise<{ stopped: boolean }> {
    const entry = this.#entries.get(sessionId);
    if (!entry || (client && entry.clientId !== client.id)) return { stopped: false };
    this.#forget(sessionId);
    await entry.session.stop();
    return { stopped: true };
  }

  async saveTake(sessionId: number, seconds: number | undefined, client: ClientContext): Promise<LiveTake> {
    const { session } = this.#own(sessionId, client);
    const samples = session.audio(seconds);
    if (samples.length < LIVE_SAMPLE_RATE * 0.1) throw new AppError('bad_input', 'Nothing recorded yet: the session holds less than 0.1 s of audio. Speak, then record a take.');
    const model = this.deps.model(session.modelId);
    const take = await saveTake(
      { datasets: this.deps.datasets, recordingsDir: this.deps.recordingsDir, transcribe: (window) => session.transcribe(window) },
      { samples, sampleRate: session.sampleRate, sessionId, steering: session.steering, modelRepo: model?.repoId ?? `model ${session.modelId}` },
    );
    this.deps.onTake?.();
    return take;
  }

  /** Stops every session (engine shutdown). */
  async close(): Promise<void> {
    const entries = [...this.#entries.keys()];
    await Promise.all(entries.map((id) => this.stop(id)));
  }

  dispose(): void {
    void this.close();
  }

  #own(sessionId: number, client: ClientContext): Entry {
    const entry = this.#entries.get(sessionId);
    if (!entry || entry.clientId !== client.id) throw new AppError('not_found', `No live session ${sessionId} on this connection (it stopped, or the page reconnected); start a new one.`);
    return entry;
  }

  #forget(sessionId: number): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    entry.closeListener.dispose();
  }

  #features(sae: SaeSummary | null, features: number[] | undefined, presetId: number | undefined): Pick<LiveSteering, 'features' | 'presetId' | 'presetName'> {
    if (presetId === undefined) return { features: features ?? [], presetId: null, presetName: null };
    const preset = this.deps.preset?.(presetId);
    if (!preset) throw new AppError('not_found', `No steering preset with id ${presetId}.`);
    if (!sae || preset.saeId !== sae.id) throw new AppError('bad_input', `Preset "${preset.name}" steers SAE ${preset.saeId}; start the session with that SAE.`);
    return { features: [...preset.features], presetId: preset.id, presetName: preset.name };
  }

  #info(session: LiveSession): LiveSessionInfo {
    return { sessionId: session.id, modelId: session.modelId, windowSec: session.windowSec, hopSec: session.hopSec, sampleRate: session.sampleRate, steering: session.steering };
  }

  readonly #loadTranscriber = async (model: ModelRow, sae: SaeSummary | null, windowSec: number): Promise<WindowTranscriber> => {
    const logMel = await this.deps.models.logMel(model.nMels);
    const decoder = await WhisperDecoder.load(model.snapshotDir);
    const maxNewTokens = maxNewTokensFor(windowSec);
    try {
      if (!sae) return plainTranscriber({ logMel, decoder, encoder: await this.deps.models.encoder(model), maxNewTokens, owned: [decoder] });
      if (sae.checkpointPath === null) throw new AppError('not_found', `SAE ${sae.id} has no saved weights yet; wait for its training to write a checkpoint.`);
      const { weights } = await loadSaeCheckpoint(sae.checkpointPath);
      const selection = inferenceSelectionFor(saeArchitecture(sae.architecture).inferenceSelection, sae.k);
      const encoder = await SteeredWhisperEncoder.load(model.snapshotDir, { layer: sae.layer, sae: weights, selection });
      return steeredTranscriber({ logMel, decoder, encoder, maxNewTokens, owned: [encoder, decoder] });
    } catch (error) {
      await decoder.dispose();
      throw error;
    }
  };
}
