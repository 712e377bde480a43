// `pallet db check|backup|restore|reset`, and the check every other command makes before it opens the database: a
// damaged file is reported with the commands that get out of it, never recreated.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listBackups, writeBackup } from '../db/backups.ts';
import { guardDatabase, type GuardReport } from '../db/guard.ts';
import { checkIntegrity, DatabaseDamagedError, inspectDatabaseFile } from '../db/health.ts';
import { openSqlite } from '../db/native-binding.ts';
import { moveAsideDatabase } from '../app/damaged-file.ts';
import { restoreFromBackup, writeCheckStamp } from '../app/database-recovery.ts';
import { readSettings } from '../settings/schema.ts';
import { UsageError } from './import-commands.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The app's "backups kept" setting, read from its settings file beside the database (the default without one). */
export function cliBackupsKept(dbPath: string): number {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dirname(dbPath), 'settings.json'), 'utf8'));
  } catch {
    raw = undefined;
  }
  return readSettings(raw).settings.backupsKept;
}

/** What to run about a damaged database: the message, then `pallet db restore` / `pallet db reset` with this --db. */
export function damagedAdvice(err: DatabaseDamagedError, dbFlag: string | undefined): string {
  const db = dbFlag === undefined ? '' : ` --db ${JSON.stringify(dbFlag)}`;
  const latest = listBackups(err.path)[0];
  return [
    err.message,
    latest
      ? `To bring back the latest backup (${new Date(latest.takenAt).toISOString()}): pallet${db} db restore ` +
        '(or pick one with --backup FILE)'
      : 'There is no backup of it to restore (pallet db restore --backup FILE takes one from elsewhere).',
    `To keep the damaged file aside as ${err.path}.damaged-<time> and start with an empty database: ` +
      `pallet${db} db reset`,
  ].join('\n');
}

/** The check before a command opens the database (in this process: the CLI has no window to keep responsive). */
export function guardForCli(dbPath: string): Promise<GuardReport> {
  return guardDatabase(dbPath, { run: { on: 'here' }, backupsKept: cliBackupsKept(dbPath) });
}

/** `pallet db SUB`: check (the full integrity check), backup, restore [--backup FILE], reset. */
export async function dbCommand(
  dbPath: string,
  sub: string | undefined,
  opts: { backup?: string | undefined; dbFlag?: string | undefined },
  o: Out,
): Promise<number> {
  const print = (data: unknown, text: string) => o.out(o.json ? JSON.stringify(data, null, 2) : text);
  if (opts.backup !== undefined && sub !== 'restore') throw new UsageError('--backup only applies to "db restore".');
  switch (sub) {
    case 'check': {
      const report = await guardDatabase(dbPath, {
        run: { on: 'here' },
        depth: 'full',
        backupsKept: cliBackupsKept(dbPath),
      });
      if (report.state === 'new') {
        print({ ok: true, path: dbPath, exists: false }, `${dbPath} does not exist yet: nothing to check.`);
        return 0;
      }
      writeCheckStamp(dbPath, { checkedAt: Date.now(), ok: true });
      print(
        { ok: true, path: dbPath, schema: report.version },
        `${dbPath} passed the full integrity check (schema ${report.version}).`,
      );
      return 0;
    }
    case 'backup': {
      // Checked first: a backup of a damaged file would later restore the damage.
      const report = await guardForCli(dbPath);
      if (report.state === 'new') throw new Error(`${dbPath} does not exist: there is nothing to back up.`);
      const db = openSqlite(dbPath, { readonly: true, fileMustExist: true });
      try {
        const path =
          report.backup ?? (await writeBackup(db, dbPath, { now: Date.now(), keep: cliBackupsKept(dbPath) }));
        print({ backup: path }, `Backed up to ${path}.`);
      } finally {
        db.close();
      }
      return 0;
    }
    case 'restore': {
      const chosen = opts.backup ?? listBackups(dbPath)[0]?.path;
      if (chosen === undefined)
        throw new Error(
          `There is no backup of ${dbPath} in ${join(dirname(dbPath), 'backups')}; name one with --backup FILE.`,
        );
      checkBackup(chosen);
      const aside = restoreFromBackup(dbPath, chosen);
      print(
        { restored: chosen, keptAside: aside },
        `Restored ${chosen}.${aside ? ` The database it replaced is kept as ${aside}.` : ''}`,
      );
      return 0;
    }
    case 'reset': {
      const aside = moveAsideDatabase(dbPath, 'damaged');
      print(
        { keptAside: aside },
        aside
          ? `The database is kept as ${aside}; the next command starts with an empty database.`
          : `${dbPath} does not exist: there is nothing to reset.`,
      );
      return 0;
    }
    default:
      throw new UsageError('Usage: pallet db check | backup | restore [--backup FILE] | reset');
  }
}

// A backup is checked before it replaces anything: restoring a broken or foreign file swaps one damage for another.
function checkBackup(path: string): void {
  if (inspectDatabaseFile(path) === 'missing') throw new Error(`The backup ${path} does not exist or is empty.`);
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    const result = checkIntegrity(db, 'quick');
    if (!result.ok)
      throw new Error(`The backup ${path} is damaged too (${result.problems.join('; ')}); nothing was restored.`);
  } finally {
    db.close();
  }
}
