import type { Migration } from '../migrate.ts';

const ACTIVE = `'scheduled','queued','running','retry_pending','waiting_network','paused'`;

/** The durable job queue: jobs, their user-facing errors, queue-wide state and recurring definitions. */
export const jobsMigration: Migration = {
  version: 1,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id               INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        status           TEXT    NOT NULL CHECK (status IN (${ACTIVE},'completed','failed','cancelled')),
        priority         INTEGER NOT NULL DEFAULT 0,
        payload          TEXT    NOT NULL DEFAULT 'null',
        progress         TEXT,
        checkpoint       TEXT,
        result           TEXT,
        error            TEXT,
        attempts         INTEGER NOT NULL DEFAULT 0,
        max_attempts     INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
        run_at           INTEGER NOT NULL,
        lease_owner      TEXT,
        lease_token      TEXT,
        lease_expires_at INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        pause_requested  INTEGER NOT NULL DEFAULT 0,
        parent_id        INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
        dedupe_key       TEXT,
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        finished_at      INTEGER,
        updated_at       INTEGER NOT NULL
      );
      -- Ready jobs only: delayed ones live under 'scheduled'/'retry_pending' so they never sit in the claim path.
      CREATE INDEX jobs_claim    ON jobs(kind, priority DESC, id) WHERE status = 'queued';
      CREATE INDEX jobs_due      ON jobs(run_at) WHERE status IN ('scheduled','retry_pending');
      CREATE INDEX jobs_leases   ON jobs(lease_expires_at) WHERE status = 'running';
      CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN (${ACTIVE});
      CREATE INDEX jobs_finished ON jobs(finished_at) WHERE status IN ('completed','failed','cancelled');
      CREATE INDEX jobs_parent   ON jobs(parent_id) WHERE parent_id IS NOT NULL;

      CREATE TABLE job_errors (
        id         INTEGER PRIMARY KEY,
        job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        row_number INTEGER,
        code       TEXT    NOT NULL,
        message    TEXT    NOT NULL,
        raw        TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX job_errors_job ON job_errors(job_id, id);

      CREATE TABLE queue_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE recurring_jobs (
        name        TEXT PRIMARY KEY,
        kind        TEXT    NOT NULL,
        payload     TEXT    NOT NULL DEFAULT 'null',
        priority    INTEGER NOT NULL DEFAULT 0,
        interval_ms INTEGER NOT NULL CHECK (interval_ms >= 1000),
        next_run_at INTEGER NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 1
      ) WITHOUT ROWID;
    `);
  },
};
