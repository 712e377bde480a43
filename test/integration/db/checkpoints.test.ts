import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startBackgroundCheckpoints,
  WORKER_CHECKPOINT_PAGES,
  type BackgroundCheckpoints,
} from '../../../main/db/checkpoints.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('background checkpoints', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  let db: Db;
  let checkpoints: BackgroundCheckpoints | null;
  beforeEach(() => {
    tmp = tempDbPath();
    db = openDatabase(tmp.path);
    checkpoints = null;
  });
  afterEach(async () => {
    await checkpoints?.stop();
    db.close();
    tmp.cleanup();
  });

  const write = (n: number) =>
    db.transaction(() => {
      const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < n; i++) ins.run('x'.repeat(200));
    })();

  it('a thread copies the log into the database file; the committing connection no longer does', async () => {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    // Long delays: the test asks for the pass itself.
    checkpoints = startBackgroundCheckpoints(db, tmp.path, { idleMs: 60_000, maxDelayMs: 60_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(262_144);
    const before = statSync(tmp.path).size;
    write(40_000); // ~9 MiB: more than SQLite's default threshold of 1,000 pages
    expect(statSync(tmp.path).size).toBe(before); // nothing copied back inside the commit
    const pass = await checkpoints.now();
    expect(pass!.log).toBeGreaterThan(1000);
    expect(pass!.checkpointed).toBe(pass!.log);
    expect(statSync(tmp.path).size).toBeGreaterThan(8 * 1024 * 1024);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(40_000);
  });

  it('copies the log back by itself once commits pause', async () => {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    checkpoints = startBackgroundCheckpoints(db, tmp.path, { idleMs: 50 });
    const before = statSync(tmp.path).size;
    write(20_000); // ~4.5 MiB
    const deadline = Date.now() + 10_000;
    while (statSync(tmp.path).size < before + 3 * 1024 * 1024 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(statSync(tmp.path).size).toBeGreaterThan(before + 3 * 1024 * 1024);
  });

  it("copies a worker's steady commits back while they go on, with no pause needed", async () => {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    checkpoints = startBackgroundCheckpoints(db, tmp.path);
    await checkpoints.ready;
    // A second connection, as a worker opens it: it leaves checkpoints to the thread.
    const worker = openDatabase(tmp.path);
    worker.pragma(`wal_autocheckpoint = ${WORKER_CHECKPOINT_PAGES}`);
    try {
      const ins = worker.prepare('INSERT INTO t (v) VALUES (?)');
      const commit = worker.transaction(() => {
        for (let i = 0; i < 200; i++) ins.run('x'.repeat(200));
      });
      const before = statSync(tmp.path).size;
      let commits = 0;
      // Commits every few milliseconds never leave the thread an idle moment; it copies on its own rhythm.
      while (statSync(tmp.path).size <= before && commits < 1000) {
        commit();
        commits++;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(statSync(tmp.path).size).toBeGreaterThan(before);
      expect(commits).toBeLessThan(1000); // ~44 MiB by then: below the worker's own threshold
    } finally {
      worker.close();
    }
  });

  it('stops cleanly and keeps the safety threshold; a stopped checkpointer answers null', async () => {
    checkpoints = startBackgroundCheckpoints(db, tmp.path, { idleMs: 20, safetyPages: 5000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(5000);
    await checkpoints.stop();
    expect(await checkpoints.now()).toBeNull();
  });

  it('a thread that cannot open the database hands checkpoints back to the connection and says why', async () => {
    const messages: string[] = [];
    checkpoints = startBackgroundCheckpoints(db, `${tmp.path}.missing`, { onError: (m) => messages.push(m) });
    await checkpoints.ready;
    await new Promise((r) => setTimeout(r, 50));
    expect(checkpoints.running).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^the checkpoint thread stopped \(.+\); checkpoints run in commits again$/);
    expect(messages[0]).not.toMatch(/undefined/);
    expect(messages[0]).toMatch(/unable to open|cannot open|no such file|SQLITE_CANTOPEN/i);
    expect(await checkpoints.now()).toBeNull();
  });
});
