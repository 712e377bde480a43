import type { Db } from '../db/open.ts';
import { jobFromRow, type JobRow } from '../queue/rows.ts';
import { ACTIVE_STATUSES, statusIsSql, type Job } from '../queue/types.ts';
import { fileIdentity } from './store.ts';

/** An import of the same file that has not finished: the one a new request for that file must resume. */
export interface UnfinishedImport {
  job: Job;
  /** Null when the job never got as far as recording its import (killed while planning). */
  importId: number | null;
  fileName: string;
  /** How far it got (of the current phase), or null before any progress. */
  percent: number | null;
}

const UNFINISHED = statusIsSql(ACTIVE_STATUSES, 'j.status');

const percentOf = (job: Job) =>
  job.progress?.total ? Math.min(100, Math.floor((job.progress.done / job.progress.total) * 100)) : null;

async function identityOrNull(path: string): Promise<{ size: number; hash: string } | null> {
  try {
    return await fileIdentity(path);
  } catch {
    return null;
  }
}

/**
 * The unfinished import of the file at `path` (same size and first-MiB hash as the import recorded, wherever the file
 * now lives), or null. A job killed before it recorded its import is matched by the identity of the file it names.
 */
export async function findUnfinishedImport(db: Db, path: string): Promise<UnfinishedImport | null> {
  const id = await identityOrNull(path);
  // An unreadable file has nothing to match; the import itself reports why it cannot read it.
  if (!id) return null;
  const recorded = db
    .prepare(
      `SELECT j.*, i.id AS import_id, i.file_name AS import_file FROM imports i JOIN jobs j ON j.id = i.job_id
              WHERE i.file_size = ? AND i.file_hash = ? AND j.kind = 'import' AND ${UNFINISHED} ORDER BY j.id LIMIT 1`,
    )
    .get(id.size, id.hash) as (JobRow & { import_id: number; import_file: string }) | undefined;
  if (recorded) {
    const job = jobFromRow(recorded);
    return { job, importId: recorded.import_id, fileName: recorded.import_file, percent: percentOf(job) };
  }
  const unrecorded = db
    .prepare(
      `SELECT j.* FROM jobs j WHERE j.kind = 'import' AND ${UNFINISHED} AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.job_id = j.id) ORDER BY j.id`,
    )
    .all() as JobRow[];
  for (const row of unrecorded) {
    const job = jobFromRow(row);
    const other = (job.payload as { path?: unknown } | null)?.path;
    if (typeof other !== 'string') continue;
    const otherId = await identityOrNull(other);
    if (otherId && otherId.size === id.size && otherId.hash === id.hash) {
      return { job, importId: null, fileName: other.split(/[\\/]/).pop() ?? other, percent: percentOf(job) };
    }
  }
  return null;
}

/** `Resuming import #1 of supplier.csv (52%)`: what a user who asked for the file again is told. */
export function describeResume(u: UnfinishedImport): string {
  const what =
    u.importId !== null ? `import #${u.importId} of ${u.fileName}` : `the import of ${u.fileName} (job #${u.job.id})`;
  return `Resuming ${what}${u.percent !== null ? ` (${u.percent}%)` : ''}`;
}
