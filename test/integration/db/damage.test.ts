import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupsDir, listBackups, writeBackup } from '../../../main/db/backups.ts';
import { guardDatabase } from '../../../main/db/guard.ts';
import { DatabaseDamagedError } from '../../../main/db/health.ts';
import { runMaintenance } from '../../../main/db/maintenance.ts';
import { DatabaseTooNewError } from '../../../main/db/migrate.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { openSqlite } from '../../../main/db/native-binding.ts';
import { openDatabase } from '../../../main/db/open.ts';
import {
  corruptMiddlePage,
  dbWithProducts,
  makeNewer,
  productCount,
  truncateTo,
  versionOf,
} from '../../support/damaged-db.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const here = { run: { on: 'here' as const }, backupsKept: 7 };
const inThread = { run: { on: 'thread' as const, budgetMs: 60_000 }, backupsKept: 7 };

/** Runs `attempt`, expecting it to throw; returns what it threw. */
async function thrown(attempt: () => unknown): Promise<unknown> {
  try {
    await attempt();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('a damaged database file is refused, named and left byte-identical', () => {
  it('a page of garbage in the middle fails the quick check, here and on the maintenance thread', async () => {
    dbWithProducts(tmp.path, 3000);
    corruptMiddlePage(tmp.path);
    const before = readFileSync(tmp.path);
    for (const opts of [here, inThread]) {
      const err = await thrown(() => guardDatabase(tmp.path, opts));
      expect(err).toBeInstanceOf(DatabaseDamagedError);
      expect((err as DatabaseDamagedError).reason).toBe('corrupt');
      expect((err as Error).message).toMatch(/is damaged: SQLite's check found broken pages/);
    }
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
    // A read-only connection to a WAL file leaves an empty log (it may not delete one another process could be using).
    expect(existsSync(`${tmp.path}-wal`) ? statSync(`${tmp.path}-wal`).size : 0).toBe(0);
    expect(existsSync(backupsDir(tmp.path))).toBe(false);
  });

  it("garbage over a page's cells: quick_check lists what it found, and the message carries it", async () => {
    dbWithProducts(tmp.path, 3000);
    corruptMiddlePage(tmp.path, 'cells');
    for (const opts of [here, inThread]) {
      const err = await thrown(() => guardDatabase(tmp.path, opts));
      expect((err as DatabaseDamagedError).reason).toBe('corrupt');
      expect((err as DatabaseDamagedError).detail).toMatch(/Tree \d+ page \d+/);
    }
  });

  it('a file that is not SQLite: "file is not a database", from the guard and from openDatabase', async () => {
    writeFileSync(tmp.path, 'sku,name,cost\nA1,Widget,1.50\n'.repeat(200));
    const before = readFileSync(tmp.path);
    for (const attempt of [() => guardDatabase(tmp.path, here), () => openDatabase(tmp.path)]) {
      const err = await thrown(attempt);
      expect(err).toBeInstanceOf(DatabaseDamagedError);
      expect((err as DatabaseDamagedError).reason).toBe('not_a_database');
      expect((err as Error).message).toMatch(/file is not a database/);
    }
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
    expect(existsSync(`${tmp.path}-wal`)).toBe(false);
  });

  it('a truncated file says it is truncated', async () => {
    dbWithProducts(tmp.path, 3000);
    truncateTo(tmp.path, 0.6);
    const before = readFileSync(tmp.path);
    for (const attempt of [() => guardDatabase(tmp.path, here), () => openDatabase(tmp.path)]) {
      const err = await thrown(attempt);
      expect((err as DatabaseDamagedError).reason).toBe('truncated');
      expect((err as Error).message).toMatch(/is truncated: the file is shorter than the database it holds/);
    }
    // Cut inside the header itself.
    writeFileSync(tmp.path, before.subarray(0, 40));
    expect(((await thrown(() => guardDatabase(tmp.path, here))) as DatabaseDamagedError).reason).toBe('truncated');
  });

  it('a database from a newer Pallet is refused with both schema versions and never touched', async () => {
    dbWithProducts(tmp.path, 10);
    const newer = makeNewer(tmp.path);
    const before = readFileSync(tmp.path);
    const message =
      `made by a newer version of Pallet (schema ${newer}, ` +
      `this version knows ${migrations.length}); update Pallet`;
    for (const attempt of [() => guardDatabase(tmp.path, here), () => openDatabase(tmp.path)]) {
      const err = await thrown(attempt);
      expect(err).toBeInstanceOf(DatabaseTooNewError);
      expect((err as Error).message).toContain(message);
    }
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
    expect(existsSync(`${tmp.path}-wal`)).toBe(false);
  });

  it('a healthy file passes; a missing or empty one is new and not created by the guard', async () => {
    expect(await guardDatabase(tmp.path, here)).toEqual({ state: 'new', version: 0, check: 'skipped', backup: null });
    expect(existsSync(tmp.path)).toBe(false);
    dbWithProducts(tmp.path, 100);
    expect(await guardDatabase(tmp.path, inThread)).toMatchObject({ state: 'existing', check: 'ok', backup: null });
  });
});

describe('backups', () => {
  it('are taken before a migration, and open at the old version with its rows', async () => {
    dbWithProducts(tmp.path, 250, { version: 3 });
    expect(versionOf(tmp.path)).toBe(3);
    const report = await guardDatabase(tmp.path, inThread);
    expect(report).toMatchObject({ state: 'existing', version: 3, check: 'ok' });
    expect(report.backup).toMatch(/backups[/\\]pallet-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/);
    expect(versionOf(report.backup!)).toBe(3);
    expect(productCount(report.backup!)).toBe(250);
    // The migration itself then runs on the original; the backup stays at 3.
    openDatabase(tmp.path).close();
    expect(versionOf(tmp.path)).toBe(migrations.length);
    expect(versionOf(report.backup!)).toBe(3);
    // Nothing is due at the latest version: no second backup.
    expect((await guardDatabase(tmp.path, here)).backup).toBeNull();
    expect(listBackups(tmp.path)).toHaveLength(1);
  });

  it('keep the newest N, leave no partial file, and run on the maintenance thread too', async () => {
    dbWithProducts(tmp.path, 50);
    const db = openSqlite(tmp.path, { readonly: true });
    const made: string[] = [];
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    try {
      for (let i = 0; i < 5; i++) made.push(await writeBackup(db, tmp.path, { now: t0 + i * 86_400_000, keep: 3 }));
    } finally {
      db.close();
    }
    expect(listBackups(tmp.path).map((b) => b.path)).toEqual(made.slice(2).reverse());
    const fromThread = await runMaintenance({ op: 'backup', dbPath: tmp.path, now: t0 + 9 * 86_400_000, keep: 2 });
    expect(listBackups(tmp.path).map((b) => b.path)).toEqual([fromThread, made[4]]);
    expect(productCount(fromThread)).toBe(50);
    expect(readdirSync(backupsDir(tmp.path)).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});
