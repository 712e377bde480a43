import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../../main/db/backups.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { cli } from '../../support/cli.ts';
import {
  corruptMiddlePage,
  dbWithProducts,
  makeNewer,
  productCount,
  truncateTo,
  versionOf,
} from '../../support/damaged-db.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { guardForCli } from '../../../main/cli/db-commands.ts';
import { readCheckStamp } from '../../../main/app/database-recovery.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => void (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const damagedFiles = () => readdirSync(tmp.dir).filter((n) => /^pallet\.db\.damaged-[^]*\d{3}Z$/.test(n));

describe('pallet db check | backup | restore | reset', () => {
  it("checks a command's pages at most daily while the file is unchanged, and at once when it changed", async () => {
    dbWithProducts(tmp.path, 3000);
    const t0 = Date.now();
    expect(await guardForCli(tmp.path, t0)).toMatchObject({ state: 'existing', check: 'ok' });
    const stamp = readCheckStamp(tmp.path);
    expect(stamp?.quick?.at).toBe(t0);
    // The same file an hour later: header and schema only.
    expect(await guardForCli(tmp.path, t0 + 3600_000)).toMatchObject({ check: 'skipped' });
    // A day later, the pages again.
    expect(await guardForCli(tmp.path, t0 + 25 * 3600_000)).toMatchObject({ check: 'ok' });
    // Changed since (here: damaged by something else): checked at once, and refused.
    corruptMiddlePage(tmp.path);
    await expect(guardForCli(tmp.path, t0 + 25 * 3600_000 + 1000)).rejects.toThrow(/broken pages/);
    // Each database keeps its own record beside it.
    expect(readdirSync(tmp.dir)).toContain('pallet.db.check.json');
  });

  it('check passes a healthy file and fails a damaged one with the commands that get out of it', async () => {
    dbWithProducts(tmp.path, 3000);
    const ok = await cli('--db', tmp.path, 'db', 'check');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('passed the full integrity check');
    corruptMiddlePage(tmp.path);
    const before = readFileSync(tmp.path);
    const bad = await cli('--db', tmp.path, 'db', 'check');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/is damaged: SQLite's check found broken pages/);
    expect(bad.err).toContain(`pallet --db "${tmp.path}" db reset`);
    expect(bad.err).toMatch(/no backup of it to restore/);
    // Every other command refuses it the same way, and nothing is created or changed.
    const jobs = await cli('--db', tmp.path, 'jobs');
    expect(jobs.code).toBe(1);
    expect(jobs.err).toContain('db reset');
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
  });

  it('restore brings back the latest backup (or --backup FILE); the replaced file is kept aside', async () => {
    dbWithProducts(tmp.path, 700);
    const backedUp = await cli('--db', tmp.path, 'db', 'backup', '--json');
    expect(backedUp.code).toBe(0);
    const first = JSON.parse(backedUp.out).backup as string;
    dbWithProducts(tmp.path, 3000, { from: 5000 });
    corruptMiddlePage(tmp.path);
    const damaged = readFileSync(tmp.path);
    const refused = await cli('--db', tmp.path, 'imports');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`pallet --db "${tmp.path}" db restore`);
    const restored = await cli('--db', tmp.path, 'db', 'restore');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain(`Restored ${first}`);
    expect(productCount(tmp.path)).toBe(700);
    const aside = readdirSync(tmp.dir).filter((n) => /^pallet\.db\.before-restore-[^]*Z$/.test(n));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, aside[0]!)).equals(damaged)).toBe(true);
    expect((await cli('--db', tmp.path, 'jobs')).code).toBe(0);
    // A named backup, and one that is not a database: refused, nothing replaced.
    const bogus = tmp.file('bogus.db', 'hello');
    const no = await cli('--db', tmp.path, 'db', 'restore', '--backup', bogus);
    expect(no.code).toBe(1);
    expect(no.err).toMatch(/file is not a database/);
    expect(productCount(tmp.path)).toBe(700);
    expect((await cli('--db', tmp.path, 'db', 'restore', '--backup', first)).code).toBe(0);
  });

  it('reset keeps the damaged file (and its log) aside; the next command starts with an empty database', async () => {
    dbWithProducts(tmp.path, 3000);
    truncateTo(tmp.path, 0.5);
    const truncated = readFileSync(tmp.path);
    const refused = await cli('--db', tmp.path, 'jobs');
    expect(refused.err).toMatch(/is truncated/);
    const reset = await cli('--db', tmp.path, 'db', 'reset');
    expect(reset.code).toBe(0);
    expect(damagedFiles()).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, damagedFiles()[0]!)).equals(truncated)).toBe(true);
    expect(await cli('--db', tmp.path, 'jobs')).toMatchObject({ code: 0, out: 'No jobs.' });
    expect(productCount(tmp.path)).toBe(0);
  });

  it('a non-SQLite file and a newer schema each get their message and stay byte-identical', async () => {
    writeFileSync(tmp.path, 'sku,name\n'.repeat(100));
    const csv = readFileSync(tmp.path);
    const notDb = await cli('--db', tmp.path, 'jobs');
    expect(notDb.code).toBe(1);
    expect(notDb.err).toMatch(/file is not a database/);
    expect(readFileSync(tmp.path).equals(csv)).toBe(true);

    tmp.cleanup();
    tmp = tempDbPath();
    dbWithProducts(tmp.path, 10);
    const newer = makeNewer(tmp.path);
    const before = readFileSync(tmp.path);
    for (const args of [['jobs'], ['db', 'check']]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `made by a newer version of Pallet (schema ${newer}, this version knows ${migrations.length})`,
      );
    }
    expect(readFileSync(tmp.path).equals(before)).toBe(true);
  });

  it('a command on an older schema backs the file up before migrating; backups keep the setting', async () => {
    dbWithProducts(tmp.path, 40, { version: 2 });
    writeFileSync(join(tmp.dir, 'settings.json'), JSON.stringify({ backupsKept: 2 }));
    expect((await cli('--db', tmp.path, 'jobs')).code).toBe(0);
    expect(versionOf(tmp.path)).toBe(migrations.length);
    const [pre] = listBackups(tmp.path);
    expect(versionOf(pre!.path)).toBe(2);
    expect(productCount(pre!.path)).toBe(40);
    for (let i = 0; i < 3; i++) expect((await cli('--db', tmp.path, 'db', 'backup')).code).toBe(0);
    expect(listBackups(tmp.path)).toHaveLength(2);
  });

  it('says how to use it', async () => {
    expect((await cli('--db', tmp.path, 'db', 'fix')).code).toBe(2);
    expect((await cli('--db', tmp.path, 'db', 'check', '--backup', 'x.db')).code).toBe(2);
    expect((await cli('--db', tmp.path, 'jobs', '--backup', 'x.db')).code).toBe(2);
    const none = await cli('--db', tmp.path, 'db', 'restore');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/There is no backup of/);
  });
});
