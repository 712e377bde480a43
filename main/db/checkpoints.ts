import { once } from 'node:events';
import { startThread } from '../threads/entry.ts';
import { openDatabase, type Db } from './open.ts';

export interface BackgroundCheckpoints {
  /** Settles once the thread is up (or failed to start: the connection then checkpoints itself again). */
  ready: Promise<void>;
  /** False once stopped, or once the thread failed and the connection went back to its own checkpoints. */
  readonly running: boolean;
  /** Asks for a pass now; resolves with what it found (log frames, frames copied). */
  now(): Promise<{ log: number; checkpointed: number } | null>;
  stop(): Promise<void>;
}

export interface CheckpointOptions {
  /** The thread copies the log back once commits have paused this long (default 200 ms)… */
  idleMs?: number;
  /**
   * …or this long after the first uncopied commit, under steady writes (default 100 ms). Workers leave their
   * checkpoints to this thread (see WORKER_CHECKPOINT_PAGES): a pass copies what they wrote meanwhile, and a slower
   * rhythm let their log grow until their own safety checkpoint ran inside a commit.
   */
  maxDelayMs?: number;
  /**
   * The committing connection's own auto-checkpoint threshold, in pages: only a last resort should the thread stop
   * (default 262,144 pages = 1 GiB of log). SQLite's default of 1,000 made every ~4 MiB of writes pay for a
   * checkpoint inside a commit on the main thread; with a lower safety net, a worker's bulk writes could still make
   * a main-process commit copy tens of MiB back (measured: a 645 ms stall during an import).
   */
  safetyPages?: number;
  /** Where a failed thread is reported (default: stderr). */
  onError?: (message: string) => void;
}

const SQLITE_DEFAULT_PAGES = 1000;

/**
 * A worker's own auto-checkpoint threshold (16,384 pages: 128 MiB of log at 8 KiB pages, 64 MiB at 4). Under
 * SQLite's default of 1,000 pages every ~4 MiB a worker's commit stopped to copy the log back and fsync twice: ~1.2 µs
 * of an import's ~6.3 µs a row, on the thread that writes. The app's checkpoint thread copies those pages within
 * ~100 ms instead; this threshold only bounds the log, should that thread be gone or fall behind (once past it, the
 * worker's next commits copy and restart the log).
 */
export const WORKER_CHECKPOINT_PAGES = 16_384;

/** Moves WAL checkpoints of `db` (opened on `path`) to a worker thread with its own connection. */
export function startBackgroundCheckpoints(db: Db, path: string, opts: CheckpointOptions = {}): BackgroundCheckpoints {
  db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.floor(opts.safetyPages ?? 262_144))}`);
  const worker = startThread(new URL('./checkpoint-thread.ts', import.meta.url), 'checkpointer', {
    dbPath: path,
    idleMs: Math.max(20, opts.idleMs ?? 200),
    maxDelayMs: Math.max(20, opts.maxDelayMs ?? 100),
  });
  let stopped = false;
  let failed = false;
  let up!: () => void;
  const ready = new Promise<void>((resolve) => (up = resolve));
  // A thread that fails to start or dies is not fatal: the connection goes back to checkpointing itself as SQLite
  // does by default, and the reason is logged once.
  const fallBack = (reason: string) => {
    up();
    if (stopped || failed) return;
    failed = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    (opts.onError ?? ((m: string) => console.error(`[checkpoints] ${m}`)))(
      `the checkpoint thread stopped (${reason}); checkpoints run in commits again`,
    );
  };
  worker.on('error', (err: unknown) =>
    fallBack(err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err)),
  );
  worker.on('exit', (code) => fallBack(`exit code ${code}`));
  worker.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'ready') up();
    else if (m.type === 'failed') fallBack(m.message ?? 'unknown error');
  });
  return {
    ready,
    get running() {
      return !stopped && !failed;
    },
    async now() {
      if (stopped || failed) return null;
      worker.ref();
      const answer = new Promise<{ log: number; checkpointed: number } | null>((resolve) => {
        const done = (result: { log: number; checkpointed: number } | null) => {
          worker.off('message', on);
          worker.off('exit', gone);
          resolve(result);
        };
        const on = (m: { type: string; result?: { log: number; checkpointed: number } | null }) => {
          if (m.type === 'pass') done(m.result ?? null);
        };
        // A thread that dies before answering answers nothing: the caller gets null instead of waiting forever.
        const gone = () => done(null);
        worker.on('message', on);
        worker.on('exit', gone);
      });
      worker.postMessage({ type: 'now' });
      const result = await answer;
      worker.unref();
      return result;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (failed) return; // the thread is gone already
      const exited = once(worker, 'exit');
      // Held while it closes its connection: an unreferenced thread would let the process end mid-wait.
      worker.ref();
      worker.postMessage({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
    },
  };
}

/** Opens the app database as the engine runs it: checkpoints on their own thread, which is up when this resolves. */
export async function openWithCheckpoints(path: string): Promise<{ db: Db; checkpoints: BackgroundCheckpoints }> {
  const db = openDatabase(path);
  const checkpoints = startBackgroundCheckpoints(db, path);
  await checkpoints.ready;
  return { db, checkpoints };
}
