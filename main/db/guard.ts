// What every opener of the database does first (the app before its engine starts, the CLI before each command): refuse
// a damaged file or one from a newer Pallet without touching it, check its pages, and back it up before a migration.
import { writeBackup } from './backups.ts';
import { asDamage, checkIntegrity, DatabaseDamagedError, inspectDatabaseFile, type CheckResult } from './health.ts';
import { runMaintenance, runMaintenanceWithin } from './maintenance.ts';
import { DatabaseTooNewError, schemaVersion, type Migration } from './migrate.ts';
import { migrations as appMigrations } from './migrations/index.ts';
import { openSqlite } from './native-binding.ts';

export interface GuardOptions {
  /** The ladder the file will be migrated with (default: the app's). */
  migrations?: readonly Migration[];
  /**
   * Where the check and the backup run: on a short-lived thread, the check waiting at most `budgetMs` (the app: main's
   * loop stays free), or right here (the CLI, which has no window to keep responsive).
   */
  run: { on: 'thread'; budgetMs: number; late?: (result: CheckResult | Error) => void } | { on: 'here' };
  /** quick_check (default), the full integrity_check, or none (the header and schema checks only). */
  depth?: 'quick' | 'full' | 'none';
  /** How many backups to keep when one is taken before a migration. */
  backupsKept: number;
  now?: () => number;
}

/** What the guard found: a new file (nothing to check) or an existing one, its check and the backup it took. */
export interface GuardReport {
  state: 'new' | 'existing';
  version: number;
  check: 'ok' | 'timed_out' | 'skipped';
  /** The backup taken because a migration is due, if any. */
  backup: string | null;
}

/**
 * Checks the database at `path` before it is opened for use: throws DatabaseDamagedError (not SQLite, truncated,
 * failed check) or DatabaseTooNewError, having changed nothing; backs the file up when a migration is due.
 */
export async function guardDatabase(path: string, o: GuardOptions): Promise<GuardReport> {
  const latest = (o.migrations ?? appMigrations).length;
  if (inspectDatabaseFile(path) === 'missing') return { state: 'new', version: 0, check: 'skipped', backup: null };
  const depth = o.depth ?? 'quick';
  let version: number;
  let inline: CheckResult | null = null;
  try {
    const db = openSqlite(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      version = schemaVersion(db);
      if (version > latest) throw new DatabaseTooNewError(version, latest);
      if (o.run.on === 'here' && depth !== 'none') inline = checkIntegrity(db, depth);
    } finally {
      db.close();
    }
  } catch (err) {
    throw asDamage(err, path);
  }
  let check: GuardReport['check'] = depth === 'none' ? 'skipped' : 'ok';
  const result =
    inline ??
    (o.run.on === 'thread' && depth !== 'none'
      ? await runMaintenanceWithin(
          { op: depth === 'quick' ? 'quick_check' : 'integrity_check', dbPath: path },
          o.run.budgetMs,
          o.run.late ?? (() => {}),
        )
      : null);
  if (result === 'timed_out') check = 'timed_out';
  else if (result && !result.ok) throw new DatabaseDamagedError('corrupt', path, result.problems.join('; '));
  // Version 0 is a file no migration ever ran on: there is nothing in it to lose.
  let backup: string | null = null;
  if (version > 0 && version < latest) {
    const now = (o.now ?? Date.now)();
    if (o.run.on === 'thread') backup = await runMaintenance({ op: 'backup', dbPath: path, now, keep: o.backupsKept });
    else {
      const db = openSqlite(path, { readonly: true, fileMustExist: true });
      try {
        backup = await writeBackup(db, path, { now, keep: o.backupsKept });
      } finally {
        db.close();
      }
    }
  }
  return { state: 'existing', version, check, backup };
}
