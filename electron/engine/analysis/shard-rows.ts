/**
 * Which clip frame each row of a shard holds, from its spans: frame f of span s is row
 * `s.rowOffset + f`, clip frame `s.firstFrame + f`, at `s.startSec + f / frameRateHz` seconds.
 */
import { AppError } from '../../common/errors.js';
import type { ActivationSpan } from '../extraction/activations-repo.js';

export interface ShardRowMap {
  clipIds: Int32Array;
  frames: Int32Array;
  times: Float64Array;
}

/** A view of rows [start, end) of a map. */
export interface RowRefs {
  clipIds: Int32Array;
  frames: Int32Array;
  times: Float64Array;
}

export function shardRowMap(shardName: string, rows: number, spans: readonly ActivationSpan[], frameRateHz: number): ShardRowMap {
  const map: ShardRowMap = { clipIds: new Int32Array(rows).fill(-1), frames: new Int32Array(rows), times: new Float64Array(rows) };
  for (const s of spans) {
    if (s.rowOffset < 0 || s.rowOffset + s.frames > rows) {
      throw new AppError('bad_input', `Activation shard ${shardName}: a span of clip ${s.clipId} covers rows ${s.rowOffset}..${s.rowOffset + s.frames}, beyond its ${rows} rows; re-extract the run.`);
    }
    for (let f = 0; f < s.frames; f++) {
      const row = s.rowOffset + f;
      map.clipIds[row] = s.clipId;
      map.frames[row] = s.firstFrame + f;
      map.times[row] = s.startSec + f / frameRateHz;
    }
  }
  const unmapped = map.clipIds.indexOf(-1);
  if (unmapped >= 0) throw new AppError('bad_input', `Activation shard ${shardName}: row ${unmapped} belongs to no clip span; re-extract the run.`);
  return map;
}

export function rowRefs(map: ShardRowMap, start: number, end: number): RowRefs {
  return { clipIds: map.clipIds.subarray(start, end), frames: map.frames.subarray(start, end), times: map.times.subarray(start, end) };
}
