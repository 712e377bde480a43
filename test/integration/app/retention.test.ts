import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { cli } from '../../support/cli.ts';
import { fakeShell } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

const HOUR = 3600_000;

// A finished job of a kind no worker runs, finished `agoMs` ago: written straight into SQLite, as the brief's clock.
function finishedJob(db: Db, agoMs: number): number {
  const at = Date.now() - agoMs;
  return Number(
    db
      .prepare(
        `INSERT INTO jobs (kind, status, run_at, created_at, finished_at, updated_at) VALUES ('retention_probe', 'completed', ?, ?, ?, ?)`,
      )
      .run(at, at, at, at).lastInsertRowid,
  );
}
const exists = (db: Db, id: number) => db.prepare('SELECT 1 FROM jobs WHERE id = ?').get(id) !== undefined;

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => void (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

describe('"Keep finished jobs (days)"', () => {
  let app: PalletApp | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it('the app purges by the setting at start, and a change applies without a restart', async () => {
    const seed = openDatabase(tmp.path);
    const twoDays = finishedJob(seed, 48 * HOUR);
    const halfDay = finishedJob(seed, 12 * HOUR);
    seed.close();
    const settingsStore = createMemorySettings({ retentionDays: 1 });
    app = await createApp({
      dbPath: tmp.path,
      launcher: createNodeLauncher(),
      ports: fakeShell().ports,
      appOrigin: 'app://pallet',
      version: 't',
      workers: 1,
      settings: () => ({ closeToTray: true, notifications: true }),
      settingsStore,
      // Housekeeping runs every lease length (at least a second): a short lease makes it come round quickly.
      engine: { scheduler: { leaseMs: 1000 } },
      log: () => {},
    });
    const { db } = app.engine;
    expect(exists(db, twoDays)).toBe(false);
    expect(exists(db, halfDay)).toBe(true);

    const changed = await app.router.handle(
      'settings:set',
      { retentionDays: 3 },
      { url: 'app://pallet/index.html', isMainFrame: true },
    );
    expect(changed).toMatchObject({ ok: true, value: { settings: { retentionDays: 3 } } });
    const twoDaysAgain = finishedJob(db, 48 * HOUR);
    // The four-day-old one shows a housekeeping pass ran after the change.
    const fourDays = finishedJob(db, 96 * HOUR);
    await waitFor(() => !exists(db, fourDays), 'housekeeping to purge the four-day-old job', 10_000);
    expect(exists(db, twoDaysAgain)).toBe(true);
    expect(exists(db, halfDay)).toBe(true);
  });

  it('the CLI honours the app settings file beside the database', async () => {
    writeFileSync(join(tmp.dir, 'settings.json'), JSON.stringify({ retentionDays: 1 }));
    const db = openDatabase(tmp.path);
    const twoDays = finishedJob(db, 48 * HOUR);
    const halfDay = finishedJob(db, 12 * HOUR);
    expect((await cli('--db', tmp.path, 'work')).code).toBe(0);
    expect(exists(db, twoDays)).toBe(false);
    expect(exists(db, halfDay)).toBe(true);

    writeFileSync(join(tmp.dir, 'settings.json'), JSON.stringify({ retentionDays: 3 }));
    const twoDaysAgain = finishedJob(db, 48 * HOUR);
    expect((await cli('--db', tmp.path, 'work')).code).toBe(0);
    expect(exists(db, twoDaysAgain)).toBe(true);
    db.close();
  });
});
