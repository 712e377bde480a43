import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import {
  DatabaseNotOpenedError,
  openDatabaseSafely,
  readCheckStamp,
  writeCheckStamp,
} from '../../../main/app/database-recovery.ts';
import { createDatabaseUpkeep } from '../../../main/app/database-upkeep.ts';
import { listBackups } from '../../../main/db/backups.ts';
import { DatabaseTooNewError } from '../../../main/db/migrate.ts';
import type { DamagedDatabaseChoice, DamagedDatabaseProblem, Notice } from '../../../main/ports.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { corruptMiddlePage, dbWithProducts, makeNewer, truncateTo } from '../../support/damaged-db.ts';
import { fakeShell } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

let tmp: ReturnType<typeof tempDbPath>;
let app: PalletApp | null = null;
beforeEach(() => void (tmp = tempDbPath()));
afterEach(async () => {
  await app?.close();
  app = null;
  tmp.cleanup();
});

/** Starts the app on tmp.path; the damaged-database dialog answers `choice` and records what it was shown. */
function start(choice: DamagedDatabaseChoice, settings: { backupsKept?: number } = {}) {
  const shell = fakeShell();
  const asked: DamagedDatabaseProblem[] = [];
  const opening = createApp({
    dbPath: tmp.path,
    launcher: createNodeLauncher(),
    ports: {
      ...shell.ports,
      dialog: { ...shell.ports.dialog, databaseDamaged: async (p) => (asked.push(p), choice) },
    },
    appOrigin: 'app://pallet',
    version: 't',
    workers: 1,
    settings: () => ({ closeToTray: true, notifications: true }),
    settingsStore: createMemorySettings(settings),
    log: () => {},
  });
  return { asked, opening };
}

const products = (a: PalletApp) => (a.engine.db.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
const asideFiles = () => readdirSync(tmp.dir).filter((n) => n.startsWith('pallet.db.damaged-'));

describe('the app meets a damaged database with a choice, never a silent new file', () => {
  it('"keep aside and start fresh" keeps the damaged file (byte-identical) and starts an empty database', async () => {
    dbWithProducts(tmp.path, 3000);
    corruptMiddlePage(tmp.path);
    const damaged = readFileSync(tmp.path);
    const s = start('fresh');
    app = await s.opening;
    expect(s.asked).toHaveLength(1);
    expect(s.asked[0]).toMatchObject({ reason: 'corrupt', latestBackup: null });
    expect(s.asked[0]!.message).toContain(tmp.path);
    expect(products(app)).toBe(0);
    const main = asideFiles().filter((n) => !/-(wal|shm)$/.test(n));
    expect(main).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, main[0]!)).equals(damaged)).toBe(true);
  });

  it('"restore the latest backup" brings back the backup\'s rows and keeps the damaged file aside', async () => {
    dbWithProducts(tmp.path, 1200);
    // A backup as the daily upkeep takes it, then more rows the backup does not have, then the damage.
    const upkeep = createDatabaseUpkeep({ dbPath: tmp.path, backupsKept: () => 7, log: () => {} });
    expect((await upkeep.runDue()).backup).not.toBeNull();
    dbWithProducts(tmp.path, 3000, { from: 5000 });
    corruptMiddlePage(tmp.path);
    const s = start('restore');
    app = await s.opening;
    expect(s.asked[0]!.latestBackup?.path).toBe(listBackups(tmp.path)[0]!.path);
    expect(products(app)).toBe(1200);
    expect(asideFiles().length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['not_a_database', /file is not a database/, () => writeFileSync(tmp.path, 'not, a, database\n'.repeat(300))],
    ['truncated', /is truncated/, () => (dbWithProducts(tmp.path, 3000), truncateTo(tmp.path, 0.5))],
  ])('a %s file gets its own message; "quit" leaves it byte-identical', async (reason, message, make) => {
    make();
    const before = readFileSync(tmp.path);
    const s = start('quit');
    await expect(s.opening).rejects.toBeInstanceOf(DatabaseNotOpenedError);
    expect(s.asked).toHaveLength(1);
    expect(s.asked[0]!.reason).toBe(reason);
    expect(s.asked[0]!.message).toMatch(message);
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
    expect(asideFiles()).toEqual([]);
  });

  it('a database from a newer Pallet is refused with its message, without asking, byte-identical', async () => {
    dbWithProducts(tmp.path, 10);
    const newer = makeNewer(tmp.path);
    const before = readFileSync(tmp.path);
    const s = start('fresh');
    await expect(s.opening).rejects.toThrow(DatabaseTooNewError);
    await expect(s.opening).rejects.toThrow(`made by a newer version of Pallet (schema ${newer}`);
    expect(s.asked).toEqual([]);
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
  });
});

describe('the database upkeep', () => {
  it('backs up daily (keeping backupsKept) and checks weekly; nothing is due twice', async () => {
    dbWithProducts(tmp.path, 100);
    let now = Date.parse('2026-03-01T10:00:00Z');
    const upkeep = createDatabaseUpkeep({
      dbPath: tmp.path,
      backupsKept: () => 2,
      log: () => {},
      clock: { now: () => now },
    });
    expect(await upkeep.runDue()).toMatchObject({ check: 'ok' });
    expect(readCheckStamp(tmp.path)).toEqual({ checkedAt: now, ok: true });
    expect(await upkeep.runDue()).toEqual({ backup: null, check: null });
    for (let day = 1; day <= 3; day++) {
      now += 24 * 3600_000;
      expect((await upkeep.runDue()).backup).not.toBeNull();
    }
    expect(listBackups(tmp.path)).toHaveLength(2);
    expect(listBackups(tmp.path)[0]!.takenAt).toBe(now);
  });

  it('a damaged file is not backed up: the check tells, and the next start runs the full check and asks', async () => {
    dbWithProducts(tmp.path, 3000);
    corruptMiddlePage(tmp.path);
    const notices: Notice[] = [];
    const upkeep = createDatabaseUpkeep({
      dbPath: tmp.path,
      backupsKept: () => 7,
      log: () => {},
      notifier: { show: (n) => void notices.push(n) },
    });
    expect(await upkeep.runDue()).toEqual({ backup: null, check: 'damaged' });
    expect(listBackups(tmp.path)).toEqual([]);
    expect(notices[0]?.title).toMatch(/damage/);
    expect(readCheckStamp(tmp.path)?.ok).toBe(false);
    const s = start('fresh');
    app = await s.opening;
    expect(s.asked[0]?.reason).toBe('corrupt');
    expect(readCheckStamp(tmp.path)?.ok).toBe(true);
  });

  it('a failed stamp on a healthy file: the start runs the full check, passes and clears it', async () => {
    dbWithProducts(tmp.path, 100);
    writeCheckStamp(tmp.path, { checkedAt: 1, ok: false, problems: ['stale'] });
    const s = start('quit');
    app = await s.opening;
    expect(s.asked).toEqual([]);
    expect(readCheckStamp(tmp.path)?.ok).toBe(true);
  });

  it('a check over its budget lets the start go on; damage it finds later makes the next start ask', async () => {
    dbWithProducts(tmp.path, 3000);
    corruptMiddlePage(tmp.path, 'cells');
    const asked: DamagedDatabaseProblem[] = [];
    const dialog = {
      confirmQuit: async () => true,
      databaseDamaged: async (p: DamagedDatabaseProblem) => (asked.push(p), 'quit' as const),
    };
    const o = { dbPath: tmp.path, dialog, log: () => {}, backupsKept: 7 };
    expect(await openDatabaseSafely({ ...o, checkBudgetMs: 0 })).toMatchObject({ check: 'timed_out' });
    expect(asked).toEqual([]);
    await waitFor(() => readCheckStamp(tmp.path)?.ok === false, 'the late check to record the damage');
    await expect(openDatabaseSafely(o)).rejects.toBeInstanceOf(DatabaseNotOpenedError);
    expect(asked[0]?.reason).toBe('corrupt');
  });
});
