import type { Db } from './open.ts';

/**
 * Runs one write waiting at most `waitMs` for another process's lock ('busy' if it is still taken then), or as long
 * as the connection's busy timeout says when `waitMs` is undefined. Main's event loop writes this way: SQLite's busy
 * handler sleeps in growing steps (1, 2, 5 … 100 ms), so waiting behind a worker that commits back to back stalled
 * the loop for hundreds of milliseconds.
 */
export function writeWaitingAtMost<T>(db: Db, waitMs: number | undefined, write: () => T): T | 'busy' {
  if (waitMs === undefined) return write();
  const busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
  try {
    return write();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return 'busy';
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}
