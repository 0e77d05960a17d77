/**
 * Schema migrations, applied in order inside one transaction each. `PRAGMA user_version`
 * records the last applied one. Never edit a migration that has shipped: add a new one.
 */
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /**
   * The migration rebuilds a table that others reference: it runs with foreign keys off (SQLite's
   * documented 12-step table rebuild; otherwise DROP TABLE would cascade), checked before commit.
   */
  rebuildsTables?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, datasets, clips, models',
    sql: `
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
        params TEXT NOT NULL,
        progress TEXT NOT NULL,
        result TEXT,
        error TEXT,
        resumed_from INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_status ON jobs(status);

      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        root_path TEXT NOT NULL,
        import_job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL
      );

      CREATE TABLE clips (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        relative_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        duration_sec REAL NOT NULL CHECK (duration_sec > 0),
        sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
        channels INTEGER NOT NULL CHECK (channels > 0),
        labels TEXT NOT NULL DEFAULT '{}',
        UNIQUE (dataset_id, relative_path)
      );
      CREATE INDEX clips_sha256 ON clips(dataset_id, sha256);

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        repo_id TEXT NOT NULL,
        revision TEXT NOT NULL,
        commit_sha TEXT NOT NULL,
        architecture TEXT NOT NULL,
        snapshot_dir TEXT NOT NULL,
        n_mels INTEGER NOT NULL,
        d_model INTEGER NOT NULL,
        layers INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (repo_id, revision)
      );
    `,
  },
  {
    version: 2,
    description: 'dataset layouts and import status, clip format/labels/transcripts (FTS5), import failures',
    sql: `
      ALTER TABLE datasets ADD COLUMN layout TEXT NOT NULL DEFAULT 'generic';
      ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('importing','ready'));
      ALTER TABLE clips ADD COLUMN format TEXT NOT NULL DEFAULT 'wav';
      ALTER TABLE clips ADD COLUMN transcript TEXT;
      CREATE INDEX clips_dataset_duration ON clips(dataset_id, duration_sec, id);

      CREATE TABLE clip_labels (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (clip_id, key, value)
      ) WITHOUT ROWID;
      CREATE INDEX clip_labels_key_value ON clip_labels(key, value, clip_id);

      CREATE VIRTUAL TABLE clip_transcripts USING fts5(transcript, content='clips', content_rowid='id');
      CREATE TRIGGER clips_transcript_insert AFTER INSERT ON clips WHEN new.transcript IS NOT NULL BEGIN
        INSERT INTO clip_transcripts(rowid, transcript) VALUES (new.id, new.transcript);
      END;
      CREATE TRIGGER clips_transcript_delete AFTER DELETE ON clips WHEN old.transcript IS NOT NULL BEGIN
        INSERT INTO clip_transcripts(clip_transcripts, rowid, transcript) VALUES ('delete', old.id, old.transcript);
      END;
      CREATE TRIGGER clips_transcript_update AFTER UPDATE OF transcript ON clips BEGIN
        INSERT INTO clip_transcripts(clip_transcripts, rowid, transcript)
          SELECT 'delete', old.id, old.transcript WHERE old.transcript IS NOT NULL;
        INSERT INTO clip_transcripts(rowid, transcript) SELECT new.id, new.transcript WHERE new.transcript IS NOT NULL;
      END;

      CREATE TABLE import_failures (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        job_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX import_failures_dataset ON import_failures(dataset_id);
    `,
  },
  {
    version: 3,
    description: 'activation runs, their shards and the clip/window -> shard rows index',
    sql: `
      CREATE TABLE activation_runs (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        layers TEXT NOT NULL,
        dtype TEXT NOT NULL CHECK (dtype IN ('float16','float32')),
        d_model INTEGER NOT NULL,
        frame_rate_hz REAL NOT NULL,
        dir TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','incomplete','complete')),
        device TEXT NOT NULL DEFAULT 'cpu',
        frames INTEGER NOT NULL DEFAULT 0,
        audio_sec REAL NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX activation_runs_key ON activation_runs(dataset_id, model_id, dtype, status);

      CREATE TABLE activation_shards (
        run_id INTEGER NOT NULL REFERENCES activation_runs(id) ON DELETE CASCADE,
        shard_index INTEGER NOT NULL,
        file TEXT NOT NULL,
        frames INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (run_id, shard_index)
      ) WITHOUT ROWID;

      CREATE TABLE activation_spans (
        run_id INTEGER NOT NULL REFERENCES activation_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        clip_id INTEGER NOT NULL,
        window_index INTEGER NOT NULL,
        first_frame INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        start_sec REAL NOT NULL,
        shard_index INTEGER NOT NULL,
        row_offset INTEGER NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX activation_spans_clip ON activation_spans(run_id, clip_id, window_index);
    `,
  },
  {
    version: 4,
    description: "models' size on disk; why an activation run fell back from the requested device",
    sql: `
      ALTER TABLE models ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE activation_runs ADD COLUMN device_fallback TEXT;
    `,
  },
  {
    version: 5,
    description: 'SAEs trained on activation runs, and their metrics every N steps',
    sql: `
      CREATE TABLE saes (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES activation_runs(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        layer INTEGER NOT NULL,
        architecture TEXT NOT NULL,
        k INTEGER NOT NULL,
        width INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('training','incomplete','complete')),
        config TEXT NOT NULL,
        train_key TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        checkpoint_path TEXT,
        final_metrics TEXT,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX saes_resume ON saes(train_key, status);

      CREATE TABLE sae_metrics (
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        loss REAL NOT NULL,
        mse REAL NOT NULL,
        fvu REAL NOT NULL,
        explained_variance REAL NOT NULL,
        l0 REAL NOT NULL,
        dead_fraction REAL NOT NULL,
        aux_loss REAL NOT NULL,
        lr REAL NOT NULL,
        PRIMARY KEY (sae_id, step)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    description: 'imported SAEs (no activation run), feature statistics and examples, feature labels (FTS5) with history',
    rebuildsTables: true,
    sql: `
      CREATE TABLE saes_v6 (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES activation_runs(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        layer INTEGER NOT NULL,
        architecture TEXT NOT NULL,
        k INTEGER NOT NULL,
        width INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('training','incomplete','complete')),
        config TEXT NOT NULL,
        train_key TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        checkpoint_path TEXT,
        final_metrics TEXT,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        source TEXT NOT NULL DEFAULT 'trained' CHECK (source IN ('trained','imported')),
        source_format TEXT,
        source_path TEXT,
        fingerprint TEXT
      );
      INSERT INTO saes_v6 (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, step, checkpoint_path, final_metrics, job_id, created_at, finished_at)
        SELECT id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, step, checkpoint_path, final_metrics, job_id, created_at, finished_at FROM saes;
      DROP TABLE saes;
      ALTER TABLE saes_v6 RENAME TO saes;
      CREATE INDEX saes_resume ON saes(train_key, status);
      CREATE INDEX saes_fingerprint ON saes(fingerprint);

      CREATE TABLE sae_analyses (
        sae_id INTEGER PRIMARY KEY REFERENCES saes(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES activation_runs(id) ON DELETE CASCADE,
        frames INTEGER NOT NULL,
        top_n INTEGER NOT NULL,
        histogram TEXT NOT NULL,
        job_id INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE TABLE sae_feature_stats (
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        feature INTEGER NOT NULL,
        density REAL NOT NULL,
        mean_activation REAL NOT NULL,
        max_activation REAL NOT NULL,
        suggested_label TEXT,
        PRIMARY KEY (sae_id, feature)
      ) WITHOUT ROWID;
      CREATE INDEX sae_feature_stats_density ON sae_feature_stats(sae_id, density);
      CREATE TABLE sae_feature_examples (
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        feature INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('top','quantile')),
        rank INTEGER NOT NULL,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        frame INTEGER NOT NULL,
        time_sec REAL NOT NULL,
        value REAL NOT NULL,
        quantile REAL,
        PRIMARY KEY (sae_id, feature, kind, rank)
      ) WITHOUT ROWID;

      CREATE TABLE feature_labels (
        id INTEGER PRIMARY KEY,
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        feature INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        confidence TEXT CHECK (confidence IN ('low','medium','high')),
        tags TEXT NOT NULL DEFAULT '[]',
        unclear INTEGER NOT NULL DEFAULT 0,
        author TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL,
        UNIQUE (sae_id, feature)
      );
      CREATE TABLE feature_label_history (
        id INTEGER PRIMARY KEY,
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        feature INTEGER NOT NULL,
        label TEXT NOT NULL,
        notes TEXT NOT NULL,
        confidence TEXT,
        tags TEXT NOT NULL,
        unclear INTEGER NOT NULL,
        author TEXT NOT NULL,
        revision INTEGER NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX feature_label_history_feature ON feature_label_history(sae_id, feature, id);
      CREATE VIRTUAL TABLE feature_labels_fts USING fts5(label, notes, tags, content='feature_labels', content_rowid='id');
      CREATE TRIGGER feature_labels_fts_insert AFTER INSERT ON feature_labels BEGIN
        INSERT INTO feature_labels_fts(rowid, label, notes, tags) VALUES (new.id, new.label, new.notes, new.tags);
      END;
      CREATE TRIGGER feature_labels_fts_delete AFTER DELETE ON feature_labels BEGIN
        INSERT INTO feature_labels_fts(feature_labels_fts, rowid, label, notes, tags) VALUES ('delete', old.id, old.label, old.notes, old.tags);
      END;
      CREATE TRIGGER feature_labels_fts_update AFTER UPDATE OF label, notes, tags ON feature_labels BEGIN
        INSERT INTO feature_labels_fts(feature_labels_fts, rowid, label, notes, tags) VALUES ('delete', old.id, old.label, old.notes, old.tags);
        INSERT INTO feature_labels_fts(rowid, label, notes, tags) VALUES (new.id, new.label, new.notes, new.tags);
      END;
    `,
  },
  {
    version: 7,
    description: 'steering: feature discoveries (non-speech vs speech scores) and steering presets',
    sql: `
      CREATE TABLE feature_discoveries (
        id INTEGER PRIMARY KEY,
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        params TEXT NOT NULL,
        summary TEXT NOT NULL,
        created_at TEXT NOT NULL,
        job_id INTEGER,
        heldout_accuracy REAL
      );
      CREATE INDEX feature_discoveries_sae ON feature_discoveries(sae_id, id);
      CREATE TABLE feature_discovery_scores (
        discovery_id INTEGER NOT NULL REFERENCES feature_discoveries(id) ON DELETE CASCADE,
        feature INTEGER NOT NULL,
        firing_rate_pos REAL NOT NULL,
        firing_rate_neg REAL NOT NULL,
        mean_pos REAL NOT NULL,
        mean_neg REAL NOT NULL,
        auroc REAL NOT NULL,
        probe_weight REAL NOT NULL,
        rank INTEGER NOT NULL,
        PRIMARY KEY (discovery_id, feature)
      ) WITHOUT ROWID;
      CREATE INDEX feature_discovery_scores_rank ON feature_discovery_scores(discovery_id, rank);
      CREATE TABLE steering_presets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        features TEXT NOT NULL,
        created_at TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 8,
    description: 'steering evaluations: alpha sweeps (FPR on non-speech, WER on speech) and their per-clip transcripts',
    sql: `
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'steering',
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        sae_id INTEGER NOT NULL REFERENCES saes(id) ON DELETE CASCADE,
        layer INTEGER NOT NULL,
        params TEXT NOT NULL,
        eval_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','complete')),
        clips_total INTEGER NOT NULL,
        summary TEXT,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX evaluations_key ON evaluations(eval_key, status);
      CREATE TABLE evaluation_results (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        clip_set TEXT NOT NULL CHECK (clip_set IN ('speech','nonspeech')),
        variant INTEGER NOT NULL,
        alpha REAL,
        text TEXT NOT NULL,
        normalized TEXT NOT NULL,
        substitutions INTEGER,
        deletions INTEGER,
        insertions INTEGER,
        reference_words INTEGER,
        PRIMARY KEY (evaluation_id, clip_id, variant)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    description: "the paper's evaluations (stability, probing, phonemes, domains, EEG) and forced alignments of clips",
    sql: `
      CREATE TABLE paper_evaluations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        params TEXT NOT NULL,
        eval_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','complete','failed')),
        result TEXT,
        summary TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        job_id INTEGER,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX paper_evaluations_kind ON paper_evaluations(kind, id);
      CREATE INDEX paper_evaluations_key ON paper_evaluations(eval_key, status);
      CREATE TABLE clip_alignments (
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        tier TEXT NOT NULL,
        start_sec REAL NOT NULL,
        end_sec REAL NOT NULL,
        label TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (clip_id, tier, start_sec)
      ) WITHOUT ROWID;
      CREATE INDEX clip_alignments_tier ON clip_alignments(tier, label);
    `,
  },
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'unavailable',
      `The database was written by a newer AudioSAE Lab (schema ${current}, this build knows ${latest}). Update the app.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new AppError('internal', `Migration ${migration.version} left ${broken.length} broken foreign key(s); nothing was changed.`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } finally {
      if (migration.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}
