import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import { FINISHED_STATUSES, type JobStatus, type QueueEvent } from '../queue/types.ts';
import { legacyStagingDir, stagingDir } from './data-paths.ts';

// Every file SQLite may keep for a staging database: the journal above all, as staging runs in PERSIST journal mode
// (the journal stays at its largest size, ~10 MB for a 150k-row file), and the WAL pair a former version used.
const SUFFIXES = ['', '-journal', '-wal', '-shm'] as const;
const STAGING_FILE = /^import-(\d+)\.db(?:-journal|-wal|-shm)?$/;

/** The staging database of import `importId` of database `dbPath`, in that database's own staging folder. */
export function stagingPath(dbPath: string, importId: number): string {
  return join(stagingDir(dbPath), `import-${importId}.db`);
}

/**
 * Moves a staging database an earlier version left in the shared `staging` folder to this database's own folder, so
 * an import started before an update resumes with its staged rows. Only for an import resuming with staged rows:
 * the shared folder cannot tell which database a file belongs to.
 */
export function adoptLegacyStaging(dbPath: string, importId: number): void {
  const to = stagingPath(dbPath, importId);
  const from = join(legacyStagingDir(dbPath), `import-${importId}.db`);
  if (existsSync(to) || !existsSync(from)) return;
  mkdirSync(stagingDir(dbPath), { recursive: true });
  // The journal first: SQLite must never see the database without the journal that rolls it back.
  for (const suffix of [...SUFFIXES].reverse()) if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
}

/** Removes a staging database and every file SQLite keeps beside it. Only once no connection has it open. */
export function removeStaging(path: string): void {
  for (const suffix of SUFFIXES) rmSync(path + suffix, { force: true });
}

/**
 * Whether import `importId` may still read its staging file: its job has not finished, or it stopped (cancelled, or
 * failed) with staged rows its checkpoint counts on, which `pallet retry` resumes from. Completed, undone or unknown
 * imports, and those whose job is gone, need nothing.
 */
export function stagingNeeded(db: Db, importId: number): boolean {
  const row = db
    .prepare<[number], { imp: string; job: JobStatus | null; checkpoint: string | null }>(
      'SELECT i.status AS imp, j.status AS job, j.checkpoint AS checkpoint FROM imports i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = ?',
    )
    .get(importId);
  if (!row || !row.job || ['completed', 'undoing', 'undone'].includes(row.imp)) return false;
  if (!FINISHED_STATUSES.includes(row.job)) return true;
  if (row.job === 'completed') return false;
  const cp = parseCheckpoint(row.checkpoint);
  return cp?.phase === 'merging' || (cp?.phase === 'reading' && (cp.staged ?? 0) > 0);
}

/** An import job's checkpoint, as far as staging goes (null when absent or unreadable). */
function parseCheckpoint(text: string | null): { phase?: string; staged?: number } | null {
  try {
    return text ? (JSON.parse(text) as { phase?: string; staged?: number }) : null;
  } catch {
    return null;
  }
}

/** Removes the staging files of import `importId` unless it still needs them (see stagingNeeded). */
export function releaseStaging(db: Db, dbPath: string, importId: number): boolean {
  if (stagingNeeded(db, importId)) return false;
  removeStaging(stagingPath(dbPath, importId));
  return true;
}

/**
 * Removes every staging file of database `dbPath` that belongs to no import still needing it; returns the imports
 * swept. In the shared folder of earlier versions it removes only files of imports this database knows and no longer
 * needs: an unknown number may be another database's import.
 */
export function sweepStaging(db: Db, dbPath: string): number[] {
  const known = db.prepare<[number], number>('SELECT 1 FROM imports WHERE id = ?').pluck();
  const own = sweepFolder(stagingDir(dbPath), (id) => !stagingNeeded(db, id));
  const legacy = sweepFolder(legacyStagingDir(dbPath), (id) => known.get(id) !== undefined && !stagingNeeded(db, id));
  return [...new Set([...own, ...legacy])];
}

/** Removes the staging files in `dir` of the imports `done` says are over; returns those imports. */
function sweepFolder(dir: string, done: (importId: number) => boolean): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const ids = new Set(names.flatMap((n) => STAGING_FILE.exec(n)?.[1] ?? []).map(Number));
  return [...ids].filter((id) => {
    try {
      if (!done(id)) return false;
      removeStaging(join(dir, `import-${id}.db`));
      return true;
    } catch {
      // A file another process still holds open (Windows) waits for a later sweep; the engine starts regardless.
      return false;
    }
  });
}

/**
 * Releases an import's staging files as soon as its job ends (completed, cancelled, failed for good) or its undo
 * completes, in the process running the queue; returns the unsubscribe. What ends elsewhere, the start sweep takes.
 */
export function releaseStagingOnEnd(queue: Queue, db: Db, dbPath: string): () => void {
  const importOf = db.prepare<[number], number>('SELECT id FROM imports WHERE job_id = ?').pluck();
  const onEvent = (e: QueueEvent) => {
    if (e.type !== 'completed' && e.type !== 'failed' && e.type !== 'cancelled') return;
    const importId =
      e.job.kind === 'import'
        ? importOf.get(e.job.id)
        : e.job.kind === 'import_undo' && e.type === 'completed'
          ? (e.job.payload as { importId?: number }).importId
          : undefined;
    if (typeof importId !== 'number') return;
    try {
      releaseStaging(db, dbPath, importId);
    } catch {
      // A file still held open (Windows) stays until the next start's sweep; the queue's event must not fail.
    }
  };
  queue.events.on('event', onEvent);
  return () => void queue.events.off('event', onEvent);
}
