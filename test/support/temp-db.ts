import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../main/db/open.ts';
import type { JobKinds, KindMap } from '../../main/queue/kinds.ts';
import { createQueue, type Clock, type QueueOptions } from '../../main/queue/queue.ts';

/** A fresh database file in its own temp folder; call cleanup() in afterEach. `file()` writes a file beside it. */
export function tempDbPath(): {
  dir: string;
  path: string;
  cleanup: () => void;
  file: (name: string, content: string | Buffer) => string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'pallet-test-'));
  return {
    dir,
    path: join(dir, 'pallet.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
  };
}

/** What openTestQueue returns, for a test's `let t: TestQueue<AnyKinds>`. */
export type TestQueue<M extends KindMap = JobKinds> = ReturnType<typeof openTestQueue<M>>;

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void; set(t: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (v) => void (t = v) };
}

/** Opens a real SQLite file with a queue over it; `openTestQueue<AnyKinds>()` for a test of ad-hoc kinds. */
export function openTestQueue<M extends KindMap = JobKinds>(opts: Partial<Omit<QueueOptions, 'db'>> = {}) {
  const tmp = tempDbPath();
  const db: Db = openDatabase(tmp.path);
  const clock = opts.clock ?? manualClock();
  const queue = createQueue<M>({ db, clock, backoff: { baseMs: 1000, maxMs: 60_000, random: () => 0.5 }, ...opts });
  return {
    ...tmp,
    db,
    clock: clock as ReturnType<typeof manualClock>,
    queue,
    close: () => {
      db.close();
      tmp.cleanup();
    },
  };
}
