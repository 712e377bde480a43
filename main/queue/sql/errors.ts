// The user-facing errors recorded for a job (row errors, lookup failures): the job_errors table.
import type { JobErrorEntry, JobErrorRecord } from '../interface.ts';
import type { QueueContext } from './common.ts';

/** Builds addErrors, recentErrors, errorCount and trimErrorsAfterRow. */
export function errorOps(ctx: QueueContext) {
  const { db, clock } = ctx;
  const stmt = {
    addError: db.prepare(
      'INSERT INTO job_errors (job_id, row_number, code, message, raw, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    recentErrors: db.prepare(
      'SELECT row_number, code, message, raw, created_at FROM job_errors WHERE job_id = ? ORDER BY id DESC LIMIT ?',
    ),
    count: db.prepare('SELECT count(*) FROM job_errors WHERE job_id = ?').pluck(),
    trimAfterRow: db.prepare('DELETE FROM job_errors WHERE job_id = ? AND row_number > ?'),
  };

  const addErrorsTx = db.transaction((jobId: number, entries: readonly JobErrorEntry[], now: number) => {
    for (const e of entries) stmt.addError.run(jobId, e.rowNumber ?? null, e.code, e.message, e.raw ?? null, now);
  });

  /** Records user-facing errors (row errors, lookup failures) for a job. */
  function addErrors(jobId: number, entries: readonly JobErrorEntry[]): void {
    addErrorsTx(jobId, entries, clock.now());
  }

  /** The latest errors recorded for a job, newest first. */
  function recentErrors(jobId: number, limit = 50): JobErrorRecord[] {
    return stmt.recentErrors.all(jobId, limit) as JobErrorRecord[];
  }

  /** How many errors are recorded for a job. */
  function errorCount(jobId: number): number {
    return (stmt.count.get(jobId) as number) ?? 0;
  }

  /** Deletes a job's errors recorded past a row: a resumed import reads those rows, and finds their errors, again. */
  function trimErrorsAfterRow(jobId: number, rowNumber: number): number {
    return stmt.trimAfterRow.run(jobId, rowNumber).changes;
  }

  return { addErrors, recentErrors, errorCount, trimErrorsAfterRow };
}
