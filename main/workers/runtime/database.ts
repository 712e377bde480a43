import { dirname } from 'node:path';
import { WORKER_CHECKPOINT_PAGES } from '../../db/checkpoints.ts';
import { openDatabase, type Db } from '../../db/open.ts';
import { createQueue, type Queue } from '../../queue/queue.ts';
import { TaskError } from './task.ts';

let shared: { db: Db; queue: Queue } | null = null;

/** The database file this worker serves, as the supervisor passed it (PALLET_DB_PATH). */
export function workerDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.PALLET_DB_PATH;
  if (!path)
    throw new TaskError(
      'worker_misconfigured',
      'This worker was started without PALLET_DB_PATH: it cannot reach the database.',
    );
  return path;
}

/** Opens a connection to the app database as workers do: its WAL checkpoints are left to the app's checkpoint thread. */
export function openWorkerDatabase(path: string): Db {
  const db = openDatabase(path);
  db.pragma(`wal_autocheckpoint = ${WORKER_CHECKPOINT_PAGES}`);
  return db;
}

/** The worker's one connection to the app database (opened on first use) and a queue over it. */
export function workerDatabase(): { db: Db; queue: Queue } {
  if (!shared) {
    const db = openWorkerDatabase(workerDbPath());
    // SQLite's default page cache (2 MiB): imports append or merge in key order, and a worker's memory is budgeted.
    shared = { db, queue: createQueue({ db }) };
  }
  return shared;
}

/** The folder holding the database (the image store lives under it). */
export function workerDataDir(): string {
  return dirname(workerDbPath());
}
