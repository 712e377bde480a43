import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { SPAPI_SECRETS } from '../../../main/lookups/providers.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
let reader: ProductReader;
let shell: ReturnType<typeof fakeShell>;
let secrets: ReturnType<typeof memorySecretStore>;
let changed: number;
let logsDir: string | undefined;
const settings = createMemorySettings();

beforeEach(() => {
  t = openTestQueue({ clock: systemClock });
  reader = createProductReader(t.path);
  shell = fakeShell();
  secrets = memorySecretStore();
  changed = 0;
  logsDir = undefined;
});
afterEach(async () => {
  await reader.close();
  t.close();
});

const call = (channel: string, payload?: unknown, keyring = fakeKeyring()) =>
  createRouter({
    handlers: createHandlers({
      db: t.db,
      queue: t.queue,
      version: 't',
      reader,
      exportDir: () => join(t.dir, 'exports'),
      app: {
        settings,
        secrets: createSecrets(keyring, secrets.store),
        sampleDir: join(import.meta.dirname, '../../../resources/sample'),
        files: shell.files,
        fileRoots: () => [join(t.dir, 'reports'), join(t.dir, 'exports')],
        onCredentialsChanged: () => void changed++,
        logsDir,
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  }).handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });

describe('settings, credentials, files and sample data from the window', () => {
  it('changes only the settings sent, refuses bad values, and keeps what was saved', async () => {
    expect(await call('settings:set', { targetMinRoi: 0.45, notifications: false })).toMatchObject({
      ok: true,
      value: { settings: { targetMinRoi: 0.45, notifications: false, workers: 2 } },
    });
    for (const bad of [{ workers: 99 }, { targetMaxRank: -5 }, { unknown: 1 }, {}]) {
      expect(await call('settings:set', bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await call('settings:get')).toMatchObject({
      ok: true,
      value: { settings: { targetMinRoi: 0.45, notifications: false } },
    });
  });

  it('stores credentials encrypted, tells workers, never returns them, and refuses without a keyring', async () => {
    const r = await call('credentials:set', { clientId: 'id', clientSecret: 'shh', refreshToken: 'Atzr|tok' });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({ credentials: { stored: true, canStore: true, reason: null } }),
    });
    expect(JSON.stringify(r)).not.toMatch(/shh|Atzr/);
    expect(secrets.m.get(SPAPI_SECRETS.clientSecret)).not.toContain('shh');
    expect(changed).toBe(1);
    expect(
      await call('credentials:set', { clientId: 'id', clientSecret: 'shh', refreshToken: 'not-a-token' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Atzr/) } });
    expect(
      await call(
        'credentials:set',
        { clientId: 'id', clientSecret: 'shh', refreshToken: 'Atzr|tok' },
        fakeKeyring('basic_text'),
      ),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/keyring/) } });
    expect(await call('credentials:clear')).toMatchObject({ ok: true, value: { credentials: { stored: false } } });
    expect(changed).toBe(2);
  });

  it('opens and reveals only files Pallet wrote', async () => {
    mkdirSync(join(t.dir, 'reports'));
    const report = join(t.dir, 'reports', 'import-1-errors.csv');
    writeFileSync(report, 'Row,Error\n');
    writeFileSync(join(t.dir, 'secret.txt'), 'x');
    symlinkSync(join(t.dir, 'secret.txt'), join(t.dir, 'reports', 'link.csv'));
    expect(await call('files:open', { path: report })).toEqual({ ok: true, value: { ok: true } });
    expect(shell.rec.opened).toEqual([report]);
    expect(await call('files:reveal', { path: join(t.dir, 'secret.txt') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('files:open', { path: join(t.dir, 'reports', 'link.csv') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('files:open', { path: join(t.dir, 'reports', '..', 'secret.txt') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('files:open', { path: 'reports/x.csv' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('files:open', { path: join(t.dir, 'reports', 'gone.csv') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(shell.rec.opened).toHaveLength(1);
  });

  it('opens the logs folder (made if nothing was logged yet), takes no input, and says so without one', async () => {
    expect(await call('app:openLogs')).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Logs are kept by the desktop app only.' },
    });
    logsDir = join(t.dir, 'logs');
    expect(await call('app:openLogs', { path: '/etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(shell.rec.opened).toEqual([]);
    expect(await call('app:openLogs')).toEqual({ ok: true, value: { path: logsDir } });
    expect(shell.rec.opened).toEqual([logsDir]);
    expect(existsSync(logsDir)).toBe(true);
    // Opening it for a window never widens what files:open allows: the logs are not one of Pallet's file roots.
    writeFileSync(join(logsDir, 'main.log'), 'x');
    expect(await call('files:open', { path: join(logsDir, 'main.log') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('says where the logs are when the file manager will not open them', async () => {
    logsDir = join(t.dir, 'logs');
    shell.files.open = async () => {
      throw new Error('No application is associated with the specified file');
    };
    expect(await call('app:openLogs')).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `Could not open the logs folder ${logsDir}: No application is associated with the specified file`,
      },
    });
  });

  it('queues the sample reference catalog, which queues the sample supplier file once it is in', async () => {
    const r = await call('app:trySample');
    expect(r.ok).toBe(true);
    const jobs = t.queue.list({});
    expect(
      jobs.map((j) => [
        j.kind,
        (j.payload as { path: string; importAfter: string }).path.endsWith('reference-catalog.csv'),
        (j.payload as { importAfter: string }).importAfter.endsWith('supplier-sample.csv'),
      ]),
    ).toEqual([['catalog_import', true, true]]);
  });
});
