// IPC: every channel's input schema behind the real router, over a real database file. A refused input must come back
// as { ok: false, error: { code: 'INVALID_INPUT', message } } with a clear message naming what was wrong, and change
// nothing saved (tables, settings, stored secrets).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader } from '../../../main/products/reader.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { SETTINGS_KEYS } from '../../../main/settings/schema.ts';
import { INPUT_SCHEMAS } from '../../../preload/contract/schemas.ts';
import type { Db } from '../../../main/db/open.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../fake-shell.ts';
import { openTestQueue } from '../temp-db.ts';
import { anyValue, badValue, POLLUTION_KEYS, withOwnKey } from './bad-values.ts';
import { crash, defineTarget, describe, OK, SKIPPED, unclear } from './target.ts';
import { unclearReason } from './clear-message.ts';

type Channel = keyof typeof INPUT_SCHEMAS;
const CHANNELS = Object.keys(INPUT_SCHEMAS) as Channel[];

/** A valid input of each channel that takes an object: the base a mutation spoils one field of. */
const VALID: Partial<Record<Channel, Record<string, unknown>>> = {
  'jobs:list': { status: 'queued', limit: 10 },
  'jobs:get': { id: 1 },
  'jobs:errors': { id: 1, limit: 10 },
  'jobs:detail': { id: 1, logLimit: 10 },
  'jobs:cancel': { id: 1 },
  'jobs:pause': { id: 1 },
  'jobs:resume': { id: 1 },
  'jobs:retry': { id: 1 },
  'imports:preview': { path: '/tmp/x.csv', mapping: { UPC: 'gtin' }, decimal: '.', rememberMapping: false },
  'imports:start': { path: '/tmp/x.csv', decimal: ',' },
  'imports:undo': { importId: 1 },
  'imports:lists': { limit: 10 },
  'imports:diff': { importA: 1, importB: 2, limit: 10 },
  'imports:exportBack': { importId: 1, format: 'csv' },
  'analysis:start': { ids: [1, 2] },
  'products:decide': { ids: [1] },
  'lookups:start': { provider: 'catalog', scope: 'pending' },
  'lookups:choose': { productId: 1, asin: 'B000000001' },
  'lookups:retry': { productIds: [1] },
  'products:page': { offset: 0, limit: 50, sort: 'name', desc: true, brand: 'Acme', minRoi: 10 },
  'products:count': { search: 'widget', maxRank: 100 },
  'products:stats': { filters: { brand: 'Acme' }, targets: { minRoi: 0.3 } },
  'products:export': { filters: { minProfit: 1 } },
  'settings:set': { workers: 2, targetMinRoi: 0.3 },
  'credentials:set': { clientId: 'id', clientSecret: 'secret', refreshToken: 'Atzr|x' },
  'catalog:import': { path: '/tmp/catalog.csv' },
  'files:open': { path: '/tmp/a.csv' },
  'files:reveal': { path: '/tmp/a.csv' },
};

/** One IPC call to judge: the channel, what is sent, and the names a message about it should mention. */
export interface IpcCase {
  channel: Channel;
  payload: unknown;
  names: string[];
}

/** Replaces the value at one key (nested one level for the filters/targets objects) with a bad one. */
const spoilField = (channel: Channel, base: Record<string, unknown>): fc.Arbitrary<IpcCase> => {
  const paths: string[][] = Object.entries(base).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? [[k], ...Object.keys(v).map((n) => [k, n])] : [[k]],
  );
  return fc.tuple(fc.constantFrom(...paths), badValue).map(([path, value]) => {
    const payload = structuredClone(base);
    const parent = path.length === 1 ? payload : (payload[path[0]!] as Record<string, unknown>);
    parent[path.at(-1)!] = value;
    return { channel, payload, names: [path.at(-1)!, 'request'] };
  });
};

/** Adds a key the channel does not know: a prototype-pollution key or any other. */
const extraKey = (channel: Channel, base: Record<string, unknown>): fc.Arbitrary<IpcCase> =>
  fc
    .tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ minLength: 1, maxLength: 10 })), badValue)
    .filter(([k]) => !Object.hasOwn(base, k))
    .map(([key, value]) => ({ channel, payload: withOwnKey(base, key, value), names: [key, 'request'] }));

/** Any channel with a spoilt field, an unknown key, or any value at all in place of its input. */
export const ipcCase: fc.Arbitrary<IpcCase> = fc.constantFrom(...CHANNELS).chain((channel) => {
  const base = VALID[channel];
  const whole = anyValue.map((payload) => ({ channel, payload, names: [] as string[] }));
  return base ? fc.oneof(spoilField(channel, base), extraKey(channel, base), whole) : whole;
});

/** A digest of every table's rows: equal digests, nothing saved changed. */
export function databaseDigest(db: Db): string {
  const h = createHash('sha256');
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const t of tables) {
    h.update(`\n#${t}\n`);
    // Rows sorted as text: some tables are WITHOUT ROWID, and the order rows come back in is no part of what is saved.
    const rows = (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).map((row) =>
      JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
    );
    for (const row of rows.sort()) h.update(row);
  }
  return h.digest('hex');
}

export const ipcTarget = defineTarget<IpcCase>({
  name: 'ipc',
  arbitrary: ipcCase,
  async open() {
    const t = openTestQueue({ clock: systemClock });
    const reader = createProductReader(t.path);
    const shell = fakeShell();
    const secrets = memorySecretStore();
    const settings = createMemorySettings();
    const router = createRouter({
      handlers: createHandlers({
        db: t.db,
        queue: t.queue,
        version: 'fuzz',
        reader,
        exportDir: () => join(t.dir, 'exports'),
        app: {
          settings,
          secrets: createSecrets(fakeKeyring(), secrets.store),
          sampleDir: join(import.meta.dirname, '../../../resources/sample'),
          files: shell.files,
          fileRoots: () => [join(t.dir, 'reports'), join(t.dir, 'exports')],
          onCredentialsChanged: () => {},
        },
      }),
      appOrigin: 'app://pallet',
      classify: classifyError,
    });
    const sender = { url: 'app://pallet/index.html', isMainFrame: true };
    // Something saved to lose: jobs, credentials and a changed setting.
    t.queue.enqueue({ kind: 'lookup', payload: { provider: 'catalog', scope: 'pending' } });
    t.queue.enqueue({ kind: 'import_undo', payload: { importId: 1 } });
    await router.handle('settings:set', { workers: 3 }, sender);
    await router.handle('credentials:set', VALID['credentials:set'], sender);
    const saved = () =>
      JSON.stringify([databaseDigest(t.db), SETTINGS_KEYS.map((k) => settings.get(k)), [...secrets.m]]);
    const before = saved();
    return {
      async check({ channel, payload, names }) {
        if (INPUT_SCHEMAS[channel].safeParse(payload).success) return SKIPPED;
        let r;
        try {
          r = await router.handle(channel, payload, sender);
        } catch (err) {
          return crash(`${channel} threw: ${describe(err)}`);
        }
        if (Object.keys(Object.prototype).length > 0) return crash(`${channel} polluted Object.prototype`);
        if (r.ok || r.error.code !== 'INVALID_INPUT')
          return crash(`${channel} answered ${JSON.stringify(r).slice(0, 200)} to a bad input`);
        const why = unclearReason(r.error.message, names);
        if (why) return unclear(`${channel}: ${why}: ${JSON.stringify(r.error.message).slice(0, 300)}`);
        if (saved() !== before) return crash(`${channel} changed what was saved`);
        return OK;
      },
      async close() {
        await reader.close();
        t.close();
      },
    };
  },
});
