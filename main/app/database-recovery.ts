// What the app does when its database file cannot be used: say so and let the user choose — restore the latest backup,
// or keep the damaged file aside and start fresh. The file is never recreated silently, and never touched on "quit".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { listBackups, restoreBackupFile } from '../db/backups.ts';
import { guardDatabase, type GuardReport } from '../db/guard.ts';
import { DatabaseDamagedError, type CheckResult } from '../db/health.ts';
import type { DialogPort } from '../ports.ts';
import { moveAsideDatabase } from './damaged-file.ts';

/** Thrown when the user chose to quit rather than change a damaged database (or could not be asked). */
export class DatabaseNotOpenedError extends Error {
  constructor(readonly damage: DatabaseDamagedError) {
    super(`${damage.message}\n\nPallet did not start and left the file as it was.`);
    this.name = 'DatabaseNotOpenedError';
  }
}

/** Puts `backup` in place of the database, the current file (and its -wal/-shm) kept aside; returns where it went. */
export function restoreFromBackup(dbPath: string, backup: string, label = 'before-restore'): string | null {
  if (!existsSync(backup)) throw new Error(`The backup ${backup} does not exist.`);
  const aside = moveAsideDatabase(dbPath, label);
  restoreBackupFile(dbPath, backup);
  return aside;
}

/**
 * Where the last checks' outcome is kept (read at start: a failed one makes the next check full): beside the
 * database and named for it, so two databases in one folder never read each other's.
 */
export const checkStampPath = (dbPath: string): string => `${dbPath}.check.json`;

/** The last full integrity check: when, and whether it passed; and the CLI's last passing quick check. */
export interface CheckStamp {
  checkedAt: number;
  ok: boolean;
  problems?: string[];
  /** The CLI's last passing quick check, and the file's size and modification time then (see guardForCli). */
  quick?: { at: number; size: number; mtimeMs: number };
}

/** Reads the check stamp; null when there is none or it cannot be read (a check is then due). */
export function readCheckStamp(dbPath: string): CheckStamp | null {
  try {
    const raw = JSON.parse(readFileSync(checkStampPath(dbPath), 'utf8')) as Partial<CheckStamp>;
    const q = raw.quick;
    const quick =
      q && typeof q.at === 'number' && typeof q.size === 'number' && typeof q.mtimeMs === 'number' ? { quick: q } : {};
    return typeof raw.checkedAt === 'number' && typeof raw.ok === 'boolean'
      ? { checkedAt: raw.checkedAt, ok: raw.ok, ...(raw.problems ? { problems: raw.problems } : {}), ...quick }
      : null;
  } catch {
    return null;
  }
}

/** Records a full check's outcome. */
export function writeCheckStamp(dbPath: string, stamp: CheckStamp): void {
  writeFileSync(checkStampPath(dbPath), `${JSON.stringify(stamp)}\n`);
}

export interface SafeOpenOptions {
  dbPath: string;
  dialog: DialogPort;
  log: (message: string) => void;
  backupsKept: number;
  /** How long the start waits for the quick check (default 20 s); past it the app starts and the check goes on. */
  checkBudgetMs?: number;
}

/**
 * Checks the database before the engine opens it (quick_check on a thread, or the full check after a failed weekly
 * one; a backup before a migration). A damaged file goes to the user's choice, then is checked again; a file from a
 * newer Pallet is refused untouched (DatabaseTooNewError), and "quit" throws DatabaseNotOpenedError.
 */
export async function openDatabaseSafely(o: SafeOpenOptions): Promise<GuardReport> {
  const tried = new Set<string>();
  for (;;) {
    const stamp = readCheckStamp(o.dbPath);
    try {
      const report = await guardDatabase(o.dbPath, {
        run: {
          on: 'thread',
          budgetMs: o.checkBudgetMs ?? 20_000,
          late: (r: CheckResult | Error) => lateCheck(o, r),
        },
        depth: stamp && !stamp.ok ? 'full' : 'quick',
        backupsKept: o.backupsKept,
      });
      if (report.check === 'timed_out')
        o.log(`[database] the start-up check took over ${o.checkBudgetMs ?? 20_000} ms; it goes on in the background`);
      if (report.backup) o.log(`[database] backed up before migrating: ${report.backup}`);
      if (stamp && !stamp.ok && report.check === 'ok') writeCheckStamp(o.dbPath, { checkedAt: Date.now(), ok: true });
      return report;
    } catch (err) {
      if (!(err instanceof DatabaseDamagedError)) throw err;
      o.log(`[database] ${err.message}`);
      const latestBackup = listBackups(o.dbPath).find((b) => !tried.has(b.path)) ?? null;
      const choice = o.dialog.databaseDamaged
        ? await o.dialog.databaseDamaged({ reason: err.reason, message: err.message, latestBackup })
        : 'quit';
      if (choice === 'quit') throw new DatabaseNotOpenedError(err);
      if (choice === 'restore' && latestBackup) {
        tried.add(latestBackup.path);
        const aside = restoreFromBackup(o.dbPath, latestBackup.path, 'damaged');
        o.log(`[database] restored ${latestBackup.path}; the damaged file is kept as ${aside}`);
      } else {
        const aside = moveAsideDatabase(o.dbPath, 'damaged');
        o.log(`[database] the damaged file is kept as ${aside}; starting with an empty database`);
      }
      // A restored (or an emptied) file was just made: the stamp of the damaged one says nothing about it.
      if (stamp && !stamp.ok) writeCheckStamp(o.dbPath, { checkedAt: 0, ok: true });
    }
  }
}

// A start-up check that outran its budget and then found damage: the next start runs the full check and asks.
function lateCheck(o: SafeOpenOptions, r: CheckResult | Error): void {
  if (r instanceof Error) o.log(`[database] the start-up check failed to run: ${r.message}`);
  else if (!r.ok) {
    o.log(`[database] the start-up check found damage: ${r.problems.join('; ')}`);
    writeCheckStamp(o.dbPath, { checkedAt: Date.now(), ok: false, problems: r.problems });
  }
}
