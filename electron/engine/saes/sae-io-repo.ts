/**
 * The store side of SAE import/export: imported rows (source 'imported', no activation run),
 * weight fingerprints, and the labels an import inherits from an earlier SAE with the same weights.
 */
import { createHash } from 'node:crypto';
import type { SaeSummary } from '../../common/contract.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import type { SqliteDatabase } from '../store/database.js';

/**
 * sha256 of the weight tensors in our layout: the same SAE gives the same value from any format.
 * TopK never uses its threshold (SAELens' topk format has none), so it is left out there.
 */
export function weightsFingerprint(weights: SaeWeights, architecture: SaeSummary['architecture']): string {
  const hash = createHash('sha256');
  hash.update(`${weights.dIn}x${weights.dSae}`);
  const tensors = [weights.W_enc, weights.b_enc, weights.W_dec, weights.b_dec, ...(architecture === 'batchtopk' ? [weights.threshold] : [])];
  for (const t of tensors) hash.update(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
  return hash.digest('hex');
}

export interface NewImportedSae {
  modelId: number;
  layer: number;
  architecture: SaeSummary['architecture'];
  k: number;
  width: number;
  seed: number;
  config: Record<string, unknown>;
  sourceFormat: NonNullable<SaeSummary['sourceFormat']>;
  sourcePath: string;
  fingerprint: string;
}

export class SaeIoRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** Inserts the row as 'incomplete' (its files are written next); returns its id. */
  insert(sae: NewImportedSae): number {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO saes (run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, source, source_format, source_path, fingerprint, created_at)
         VALUES (NULL, ?, ?, ?, ?, ?, ?, 'incomplete', ?, ?, 'imported', ?, ?, ?, ?)`,
      )
      .run(sae.modelId, sae.layer, sae.architecture, sae.k, sae.width, sae.seed, JSON.stringify(sae.config), `imported:${sae.fingerprint}`, sae.sourceFormat, sae.sourcePath, sae.fingerprint, new Date().toISOString());
    return Number(lastInsertRowid);
  }

  /** Marks the SAE complete at `folder` and copies the labels of the newest labelled SAE with the same fingerprint; returns how many. */
  complete(id: number, folder: string, fingerprint: string): number {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE saes SET status = 'complete', checkpoint_path = ?, finished_at = ? WHERE id = ?").run(folder, new Date().toISOString(), id);
      const donor = this.db
        .prepare('SELECT s.id FROM saes s WHERE s.fingerprint = ? AND s.id != ? AND EXISTS (SELECT 1 FROM feature_labels l WHERE l.sae_id = s.id) ORDER BY s.id DESC LIMIT 1')
        .get(fingerprint, id) as { id: number } | undefined;
      if (donor === undefined) return 0;
      return this.db
        .prepare(
          `INSERT INTO feature_labels (sae_id, feature, label, notes, confidence, tags, unclear, author, revision, updated_at)
           SELECT ?, feature, label, notes, confidence, tags, unclear, author, revision, updated_at FROM feature_labels WHERE sae_id = ?`,
        )
        .run(id, donor.id).changes;
    })();
  }

  /** Records the fingerprint of a trained SAE when it is exported, so a re-import finds its labels. */
  setFingerprintIfMissing(id: number, fingerprint: string): void {
    this.db.prepare('UPDATE saes SET fingerprint = ? WHERE id = ? AND fingerprint IS NULL').run(fingerprint, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM saes WHERE id = ?').run(id);
  }
}
