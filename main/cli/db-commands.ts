// `pallet db check|backup|restore|reset`, and the check every other command makes before it opens the database: a
// damaged file is reported with the commands that get out of it, never recreated.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listBackups, writeBackup } from '../db/backups.ts';
import { guardDatabase, type GuardReport } from '../db/guard.ts';
import { checkIntegrity, DatabaseDamagedError, inspectDatabaseFile } from '../db/health.ts';
import { openSqlite } from '../db/native-binding.ts';
import { moveAsideDatabase } from '../app/damaged-file.ts';
import { readCheckStamp, restoreFromBackup, writeCheckStamp } from '../app/database-recovery.ts';
import { cliSettings } from './cli-settings.ts';
import { UsageError } from './import-commands.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The app's "backups kept" setting, read from its settings file beside the database (the default without one). */
export function cliBackupsKept(dbPath: string): number {
  return cliSettings(dbPath).backupsKept;
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

const DAY_MS = 24 * 3600_000;

/**
 * The check before a command opens the database (in this process: the CLI has no window to keep responsive). The
 * page check (quick_check: ~1 s on a million products) runs at most daily while the file is the one last checked
 * (same size and modification time); the header and schema checks run every time. A failed full check recorded by
 * the app makes this one full.
 */
export async function guardForCli(dbPath: string, now = Date.now()): Promise<GuardReport> {
  const stamp = readCheckStamp(dbPath);
  const file = statIfAny(dbPath);
  const q = stamp?.quick;
  const fresh =
    stamp?.ok === true && q && file && now - q.at < DAY_MS && q.size === file.size && q.mtimeMs === file.mtimeMs;
  const depth = fresh ? 'none' : stamp && !stamp.ok ? 'full' : 'quick';
  const report = await guardDatabase(dbPath, { run: { on: 'here' }, depth, backupsKept: cliBackupsKept(dbPath) });
  if (report.state === 'existing' && report.check === 'ok' && file) {
    const base = stamp && depth !== 'full' ? stamp : { checkedAt: depth === 'full' ? now : 0, ok: true };
    writeCheckStamp(dbPath, { ...base, ok: true, quick: { at: now, size: file.size, mtimeMs: file.mtimeMs } });
  }
  return report;
}

function statIfAny(path: string): { size: number; mtimeMs: number } | null {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
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
