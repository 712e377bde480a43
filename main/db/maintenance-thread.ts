// A short-lived thread for the slow work on the database file — an integrity check, a backup — so it never runs on
// main's event loop: its own connection, one task, its answer in a message, then it closes and ends.
import type Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { writeBackup } from './backups.ts';
import { checkIntegrity } from './health.ts';
import { openSqlite } from './native-binding.ts';
import type { MaintenanceTask } from './maintenance.ts';

const task = workerData as MaintenanceTask;
let db: Database.Database | null = null;
try {
  db = openSqlite(task.dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const answer =
    task.op === 'backup'
      ? { type: 'backup', path: await writeBackup(db, task.dbPath, { now: task.now, keep: task.keep }) }
      : { type: 'check', result: checkIntegrity(db, task.op === 'quick_check' ? 'quick' : 'full') };
  // Closed before answering, so the caller may move or replace the file as soon as it hears back.
  db.close();
  db = null;
  parentPort!.postMessage(answer);
} catch (err) {
  // Said in a message: an error thrown across the thread boundary may arrive without its text.
  db?.close();
  parentPort!.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
