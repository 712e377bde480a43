// The database's routine care while the app runs: a backup a day and a full integrity check a week, each on a
// short-lived thread of its own (main's loop stays free), whatever the workers are doing meanwhile.
import { existsSync } from 'node:fs';
import { listBackups } from '../db/backups.ts';
import { runMaintenance } from '../db/maintenance.ts';
import type { Clock, NotifierPort } from '../ports.ts';
import { readCheckStamp, writeCheckStamp } from './database-recovery.ts';

const DAY_MS = 24 * 3600_000;

export interface UpkeepOptions {
  dbPath: string;
  backupsKept: () => number;
  log: (message: string) => void;
  /** Where damage found by the weekly check is told (a notification in the app). */
  notifier?: NotifierPort;
  clock?: Clock;
  /** How often it looks whether something is due (default hourly), and the first look after start (default 1 min). */
  intervalMs?: number;
  firstRunMs?: number;
  backupEveryMs?: number;
  checkEveryMs?: number;
}

export interface DatabaseUpkeep {
  start(): void;
  /** Does whatever is due now (a backup, a full check); what it did. */
  runDue(): Promise<{ backup: string | null; check: 'ok' | 'damaged' | null }>;
  /** Stops the timer and waits for work under way (a backup is never left half-written by a quit). */
  stop(): Promise<void>;
}

/** Daily checked backups (kept: the `backupsKept` setting) and a weekly `PRAGMA integrity_check` (recorded in `<database>.check.json`). */
export function createDatabaseUpkeep(o: UpkeepOptions): DatabaseUpkeep {
  const now = () => (o.clock ?? { now: Date.now }).now();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<{ backup: string | null; check: 'ok' | 'damaged' | null }> | null = null;

  async function work(): Promise<{ backup: string | null; check: 'ok' | 'damaged' | null }> {
    if (!existsSync(o.dbPath)) return { backup: null, check: null };
    let backup: string | null = null;
    let check: 'ok' | 'damaged' | null = null;
    const stamp = readCheckStamp(o.dbPath);
    const newest = listBackups(o.dbPath)[0];
    const checkDue = !stamp || now() - stamp.checkedAt >= (o.checkEveryMs ?? 7 * DAY_MS);
    const backupDue = !newest || now() - newest.takenAt >= (o.backupEveryMs ?? DAY_MS);
    // A backup is checked first (quick, unless the weekly full check is due anyway): a copy of a damaged file would
    // push a good backup out of the rotation.
    if (checkDue || backupDue) {
      const result = await runMaintenance({ op: checkDue ? 'integrity_check' : 'quick_check', dbPath: o.dbPath });
      if (checkDue || !result.ok) writeCheckStamp(o.dbPath, { checkedAt: now(), ...result });
      check = result.ok ? 'ok' : 'damaged';
      if (!result.ok) {
        o.log(`[database] the integrity check found damage: ${result.problems.join('; ')}`);
        o.notifier?.show(
          {
            title: 'Pallet found damage in its database',
            body: 'Restart Pallet to restore the latest backup, or to keep the damaged file aside and start fresh.',
            jobId: null,
          },
          () => {},
        );
        return { backup, check };
      }
    }
    if (backupDue) {
      backup = await runMaintenance({ op: 'backup', dbPath: o.dbPath, now: now(), keep: o.backupsKept() });
      o.log(`[database] daily backup: ${backup}`);
    }
    return { backup, check };
  }

  const runDue = () => {
    running ??= work().finally(() => (running = null));
    return running;
  };
  const tick = () =>
    void runDue().catch((err: unknown) =>
      o.log(`[database] upkeep failed: ${err instanceof Error ? err.message : String(err)}`),
    );

  return {
    start() {
      if (timer) return;
      timer = setTimeout(function again() {
        tick();
        timer = setTimeout(again, o.intervalMs ?? 3600_000).unref();
      }, o.firstRunMs ?? 60_000).unref();
    },
    runDue,
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => {});
    },
  };
}
