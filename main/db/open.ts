import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { asDamage, inspectDatabaseFile } from './health.ts';
import { DatabaseTooNewError, migrate, schemaVersion, type Migration } from './migrate.ts';
import { openSqlite } from './native-binding.ts';
import { migrations as appMigrations } from './migrations/index.ts';

export type Db = Database.Database;

/** Page size of a database Pallet creates. */
export const PAGE_SIZE = 8192;

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
    // A new database gets 8 KiB pages (SQLite's default is 4): an import writes each product, its offer and its history
    // row through fewer, fuller pages. Measured at 1M rows, side by side: 4.16–4.45 s against 4.7–5.04 s for a list in
    // barcode order, 5.5–6.0 s against 6.7–8.5 s shuffled. The size is fixed once the first table exists (and WAL
    // keeps it): a database made by an earlier version keeps its 4 KiB pages.
    if (!options.readonly && db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
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
