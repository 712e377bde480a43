// The checkpoint thread: its own connection copies the write-ahead log back into the database file, so the fsyncs
// of a checkpoint never run on the thread that commits (the main process's event loop).
import type Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './native-binding.ts';

const { dbPath, idleMs, maxDelayMs } = workerData as { dbPath: string; idleMs: number; maxDelayMs: number };
let opened: Database.Database;
try {
  opened = openSqlite(dbPath, { fileMustExist: true });
  opened.pragma('busy_timeout = 5000');
} catch (err) {
  // Said in a message: an error thrown across the thread boundary may arrive without its text.
  parentPort!.postMessage({ type: 'failed', message: (err as Error).message });
  process.exit(1);
}
const db = opened;

function checkpoint(): { log: number; checkpointed: number } | null {
  try {
    // PASSIVE never waits for or blocks a writer: whatever it cannot copy now, the next pass will.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return r ? { log: r.log, checkpointed: r.checkpointed } : null;
  } catch {
    return null; // busy or locked: the next pass tries again
  }
}

// Checkpoint when writes pause (copying competes with a burst of commits for the disk and the second core), and at
// least every maxDelayMs under steady writes. data_version changes whenever any connection, in any process, commits.
const version = () => db.pragma('data_version', { simple: true }) as number;
let seen = version();
// Commits made before this thread was up are not seen as changes: start dirty so they are copied back too.
let dirtySince = Date.now();
let lastChange = dirtySince;
const timer = setInterval(
  () => {
    const now = Date.now();
    const v = version();
    if (v !== seen) {
      seen = v;
      lastChange = now;
      if (dirtySince === 0) dirtySince = now;
    }
    if (dirtySince !== 0 && (now - lastChange >= idleMs || now - dirtySince >= maxDelayMs)) {
      checkpoint();
      dirtySince = 0;
    }
  },
  Math.max(5, Math.min(50, Math.floor(idleMs / 4), Math.floor(maxDelayMs / 4))),
);

parentPort!.postMessage({ type: 'ready' });
parentPort!.on('message', (m: { type: 'now' | 'stop' }) => {
  if (m.type === 'now') parentPort!.postMessage({ type: 'pass', result: checkpoint() });
  else {
    clearInterval(timer);
    db.close();
    parentPort!.close();
  }
});
