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

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `write` — a write transaction that begins with BEGIN IMMEDIATE, on a connection opened with a busy timeout of
 * 0 — and while another connection holds the write lock tries again every `pollMs`, for up to `timeoutMs`. A
 * transaction refused with SQLITE_BUSY did nothing (refused at its BEGIN) or was rolled back whole, so `write` must
 * have no effect outside the database. SQLite's own busy handler sleeps 1, 2, 5, 10 … ms: two workers taking turns
 * at the lock lost most of a turn that way. Blocks its thread: workers only.
 */
export function pollForWriteLock<T>(write: () => T, opts: { pollMs?: number; timeoutMs?: number } = {}): T {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    try {
      return write();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, opts.pollMs ?? 0.5);
    }
  }
}
