import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollForWriteLock } from '../../../main/db/busy.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { tempDbPath } from '../../support/temp-db.ts';

/** Another connection, on a thread of its own, holds the write lock for `ms` and then commits. */
async function holdWriteLock(path: string, ms: number): Promise<Worker> {
  const thread = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require('better-sqlite3');
     const db = new Database(workerData.path);
     db.exec('BEGIN IMMEDIATE; INSERT INTO t (v) VALUES (1)');
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { path, ms } },
  );
  await once(thread, 'message');
  return thread;
}

describe('polling for the write lock', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  let db: Db;
  beforeEach(() => {
    tmp = tempDbPath();
    const setup = openDatabase(tmp.path);
    setup.exec('CREATE TABLE t (v INTEGER)');
    setup.close();
    db = openDatabase(tmp.path, { busyTimeoutMs: 0 });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });
  const insert = () => db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (2)').run()).immediate();

  it('takes the lock once the other connection lets go, and writes once', async () => {
    const thread = await holdWriteLock(tmp.path, 150);
    expect(insert).toThrow(/locked/); // a busy timeout of 0: SQLite itself does not wait
    let tries = 0;
    pollForWriteLock(() => {
      tries++;
      return insert();
    });
    expect(tries).toBeGreaterThan(1);
    expect(db.prepare('SELECT v FROM t ORDER BY rowid').pluck().all()).toEqual([1, 2]);
    await once(thread, 'exit');
  });

  it('gives up with the busy error after its timeout, having written nothing', async () => {
    const thread = await holdWriteLock(tmp.path, 400);
    expect(() => pollForWriteLock(insert, { timeoutMs: 50 })).toThrow(/locked/);
    await once(thread, 'exit');
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual([1]);
  });
});
