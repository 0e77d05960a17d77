/**
 * The engine calls of the Features pages and the clip view's feature strip, typed by the contract.
 * (The shared api.ts covers the other pages; these are kept beside the stores that use them.)
 */
import type { LabelExportFormat, RpcParams } from '../../../electron/common/contract.js';
import type { CallOptions } from '../../../electron/common/rpc-client.js';
import { rpc } from './rpc.js';

export type LabelPatch = RpcParams<'labels.set'>['patch'];

export const featuresApi = {
  listSaes: () => rpc.call('saes.list', {}),
  listModels: () => rpc.call('models.list', {}),
  activationRuns: () => rpc.call('activations.runs', {}),
  analysis: (saeId: number, options?: CallOptions) => rpc.call('saes.analysis', { saeId }, options),
  analyze: (saeId: number) => rpc.call('saes.analyze', { saeId }),

  list: (params: RpcParams<'features.list'>, options?: CallOptions) => rpc.call('features.list', params, options),
  get: (saeId: number, feature: number, options?: CallOptions) => rpc.call('features.get', { saeId, feature }, options),
  clipActivations: (params: RpcParams<'features.clipActivations'>, options?: CallOptions) =>
    rpc.call('features.clipActivations', params, options),

  setLabel: (saeId: number, feature: number, patch: LabelPatch) => rpc.call('labels.set', { saeId, feature, patch }),
  history: (saeId: number, feature: number, options?: CallOptions) => rpc.call('labels.history', { saeId, feature }, options),
  undo: (saeId: number, feature: number) => rpc.call('labels.undo', { saeId, feature }),
  exportLabels: (saeId: number, format: LabelExportFormat) => rpc.call('labels.export', { saeId, format }),
  importLabels: (saeId: number, format: 'csv' | 'json', text: string) => rpc.call('labels.import', { saeId, format, text, mode: 'merge' }),

  clipAudio: (clipId: number, window: { startSec?: number; durationSec?: number }, options?: CallOptions) =>
    rpc.call('clips.audio', { clipId, ...window }, options),
  clipPeaks: (clipId: number, points: number, options?: CallOptions) => rpc.call('clips.peaks', { clipId, points }, options),
};
