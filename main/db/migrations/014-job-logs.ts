import type { Migration } from '../migrate.ts';

/**
 * The log tail of each job (the Jobs view's detail): lines a task wrote through `ctx.log` and the queue's own
 * lifecycle lines (started, retry, waiting for the network…). Capped per job by its writer (main/queue/job-log.ts),
 * so a chatty task cannot grow the file; the rows go with their job when it is purged.
 */
export const jobLogsMigration: Migration = {
  version: 14,
  name: 'job-logs',
  up(db) {
    db.exec(`
      CREATE TABLE job_logs (
        id         INTEGER PRIMARY KEY,
        job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        level      TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
        message    TEXT    NOT NULL,
        -- What the line is about when the window acts on it ('rate_limited': the Jobs view's "waiting for the rate limit").
        code       TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX job_logs_job ON job_logs(job_id, id);
    `);
  },
};
