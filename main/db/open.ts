import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { asDamage, inspectDatabaseFile } from './health.ts';
import { DatabaseTooNewError, migrate, schemaVersion, type Migration } from './migrate.ts';
import { openSqlite } from './native-binding.ts';
import { migrations as appMigrations } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Migrations to apply; defaults to the app's ladder. */
  migrations?: readonly Migration[];
  /** How long a writer waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the Pallet database with the pragmas every process must agree on, then migrates it. A file
 * that is not SQLite, is truncated (DatabaseDamagedError) or comes from a newer Pallet (DatabaseTooNewError) is refused
 * before anything is written to it.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') inspectDatabaseFile(path);
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = openSqlite(path, { readonly: options.readonly ?? false });
  try {
    // Before the journal mode is set: switching it to WAL writes to the file, and a newer schema must stay untouched.
    const ladder = options.migrations ?? appMigrations;
    const found = schemaVersion(db);
    if (found > ladder.length) throw new DatabaseTooNewError(found, ladder.length);
    // Several processes (app, workers, CLI) share the file: WAL lets readers run beside the one writer.
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    // NORMAL in WAL mode is durable across app crashes; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    if (!options.readonly) migrate(db, ladder);
    return db;
  } catch (err) {
    db.close();
    throw path === ':memory:' ? err : asDamage(err, path);
  }
}
