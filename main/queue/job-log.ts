// Each job's log tail: the job_logs table (migration 014). Lines are appended in batches and capped per job, so the
// table holds at most JOB_LOG_CAP lines of any job however much its task writes.
import type { Db } from '../db/open.ts';

/** The most lines kept per job: the newest win. */
export const JOB_LOG_CAP = 200;
/** Longer messages are cut here (a stack trace or a provider's page must not bloat the file). */
export const JOB_LOG_MESSAGE_MAX = 2_000;

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line to append. */
export interface JobLogEntry {
  jobId: number;
  level: JobLogLevel;
  message: string;
  at: number;
  /** What the line is about, for lines the window acts on (e.g. throttle.ts `RATE_LIMITED`). */
  code?: string | null;
}

/** One stored line, as the window shows it. */
export interface JobLogLine {
  level: JobLogLevel;
  message: string;
  at: number;
}

export interface JobLogStore {
  /** Appends lines in one transaction and trims each job they touch to the cap; lines of vanished jobs are dropped. */
  append(lines: readonly JobLogEntry[]): void;
  /** The newest `limit` lines of a job, oldest first (a tail reads top to bottom). */
  tail(jobId: number, limit?: number): JobLogLine[];
  /** When the job's newest line with this code was written, or null. */
  lastOf(jobId: number, code: string): number | null;
}

/** The job log over one connection; `cap` is lines kept per job. */
export function createJobLogStore(db: Db, cap = JOB_LOG_CAP): JobLogStore {
  if (!Number.isInteger(cap) || cap < 1) throw new Error(`The job log cap must be a whole number ≥ 1, not ${cap}.`);
  const stmt = {
    // A job purged (or cancelled and purged) between the line and its flush: nothing to attach the line to.
    insert: db.prepare(
      `INSERT INTO job_logs (job_id, level, message, code, created_at)
       SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)`,
    ),
    trim: db.prepare(
      `DELETE FROM job_logs WHERE job_id = ? AND id <= (
         SELECT id FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    // Over the job's own lines (at most the cap) through job_logs_job.
    lastOf: db.prepare('SELECT max(created_at) FROM job_logs WHERE job_id = ? AND code = ?').pluck(),
    tail: db.prepare('SELECT level, message, created_at AS at FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?'),
  };
  const appendTx = db.transaction((lines: readonly JobLogEntry[]) => {
    const touched = new Set<number>();
    for (const l of lines) {
      const message =
        l.message.length > JOB_LOG_MESSAGE_MAX ? `${l.message.slice(0, JOB_LOG_MESSAGE_MAX)}…` : l.message;
      if (stmt.insert.run(l.jobId, l.level, message, l.code ?? null, l.at, l.jobId).changes) touched.add(l.jobId);
    }
    // The cap-th newest line's id and every older one go: one index range per job touched.
    for (const id of touched) stmt.trim.run(id, id, cap);
  });
  return {
    append(lines) {
      if (lines.length) appendTx(lines);
    },
    tail(jobId, limit = 50) {
      const n = Math.max(1, Math.min(cap, Math.floor(limit)));
      return (stmt.tail.all(jobId, n) as JobLogLine[]).reverse();
    },
    lastOf(jobId, code) {
      return (stmt.lastOf.get(jobId, code) as number | null) ?? null;
    },
  };
}
