// Credentials stay secret: a full flow through the app core (router, engine, forked workers) with distinctive SP-API
// credentials — a refused set first, then the right one, a malformed answer and a 5xx along the way — leaves none of
// the secret strings in any artefact: the database file and its WAL (raw bytes), every other file the app wrote
// (reports, staging, exports), job payloads, results and errors, job_errors, the app log, worker output and log
// messages, IPC answers and events, notifications, tray and dialogs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import { createSecrets } from '../../../main/app/secrets.ts';
import { spApiSecrets } from '../../../main/lookups/providers.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

const RIGHT = {
  clientId: 'amzn1.application-oa2-client.TESTID-4d2b9e',
  clientSecret: 'amzn1.oa2-cs.v1.TESTSECRET-7f3a1c9e5b2d8a64',
  refreshToken: 'Atzr|TEST-REFRESH-9c1e7b3f2a6d4e08',
};
const WRONG = {
  ...RIGHT,
  clientSecret: 'amzn1.oa2-cs.v1.TESTSECRET-WRONG-0b5e2f71',
  refreshToken: 'Atzr|TEST-WRONG-51ac',
};
/** What must appear nowhere: each secret, and its distinctive tail (a substring gives a partial leak away too). */
const SECRETS = [RIGHT.clientSecret, RIGHT.refreshToken, WRONG.clientSecret, WRONG.refreshToken].flatMap((s) => [
  s,
  s.slice(-12),
  encodeURIComponent(s),
]);
const ITEMS = [
  {
    asin: 'B000WIDGET',
    title: 'Widget',
    identifiers: [{ type: 'UPC' as const, value: '036000291452' }],
    rank: 1200,
    buyBox: 24.99,
    offers: 3,
    fees: { total: 8.35, referral: 3.75, fba: 4.6 },
  },
];
const LIST = [
  'UPC,Name,Brand,Cost,MSRP',
  '036000291452,Widget,Acme,2,9.99',
  '012345678905,Thing,Hooli,3,12',
  'not-a-barcode,Bad,X,1,2',
  '',
].join('\n');

let api: SpApiDouble;
let app: PalletApp;
let tmp: ReturnType<typeof tempDbPath>;
const shell = fakeShell();
const secretStore = memorySecretStore();
const logs: string[] = [];
const answers: unknown[] = [];
const env = { PALLET_SPAPI_ENDPOINT: process.env.PALLET_SPAPI_ENDPOINT, PALLET_LWA_URL: process.env.PALLET_LWA_URL };
const sender = { url: 'app://pallet/index.html', isMainFrame: true };

/** An IPC call as the window makes it; every answer is kept for the scan. */
async function call(channel: string, payload?: unknown) {
  const r = await app.router.handle(channel, payload, sender);
  answers.push({ channel, r });
  return r;
}

/** Every secret found in `bytes`, as "secret (where)". */
function leaks(where: string, bytes: Buffer | string): string[] {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  // UTF-8 and UTF-16 (SQLite may store text either way).
  return SECRETS.filter((s) => b.includes(s) || b.includes(Buffer.from(s, 'utf16le'))).map((s) => `${s} (${where})`);
}

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

beforeAll(async () => {
  api = await startSpApiDouble({ items: ITEMS, credentials: RIGHT, echoRefusals: true });
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  tmp = tempDbPath();
  const secrets = createSecrets(fakeKeyring(), secretStore.store);
  app = await createApp({
    dbPath: tmp.path,
    launcher: createNodeLauncher((w, line, stream) => logs.push(`[${w} ${stream}] ${line}`)),
    ports: shell.ports,
    appOrigin: 'app://pallet',
    version: 'test',
    workers: 1,
    settings: () => ({ closeToTray: true, notifications: true }),
    engine: {
      queue: { backoff: { baseMs: 50, maxMs: 200 } },
      secrets: () => spApiSecrets(secrets),
    },
    secrets,
    files: shell.files,
    log: (m) => logs.push(m),
  });
  for (const w of app.engine.workers) w.events.on('event', (e) => logs.push(`[supervisor] ${JSON.stringify(e)}`));
}, 60_000);
afterAll(async () => {
  await app.close();
  await api.close();
  tmp.cleanup();
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const jobs = (kind: string) => app.engine.queue.list({ kind: kind as never });
const isFinished = (id: number) => ['completed', 'failed', 'cancelled'].includes(app.engine.queue.get(id).status);
/** Starts a lookup from the window and waits for it to end. */
async function lookup(): Promise<void> {
  const r = await call('lookups:start', { provider: 'spapi', scope: 'all' });
  if (!r.ok) throw new Error(r.error.message);
  const { jobId } = r.value as { jobId: number };
  await waitFor(() => isFinished(jobId), `lookup job ${jobId}`, 60_000);
}

describe('secrets stay secret', () => {
  it('leaves no secret in the database, its WAL, files, jobs, logs, worker output, IPC answers or events', async () => {
    // A refused credential set (bad token shape, oversized secret), then the wrong credentials: the import's lookup
    // is refused by Amazon (the refusal echoes the form it got).
    expect(await call('credentials:set', { ...RIGHT, refreshToken: RIGHT.clientSecret })).toMatchObject({ ok: false });
    expect(await call('credentials:set', { ...RIGHT, clientSecret: RIGHT.clientSecret.repeat(40) })).toMatchObject({
      ok: false,
    });
    expect(await call('credentials:set', WRONG)).toMatchObject({ ok: true });
    expect(await call('imports:start', { path: tmp.file('list.csv', LIST) })).toMatchObject({ ok: true });
    await waitFor(
      () => jobs('lookup').some((j) => j.status === 'failed'),
      'the lookup with wrong credentials to fail',
      60_000,
    );
    expect(jobs('lookup').find((j) => j.status === 'failed')).toMatchObject({ error: { code: 'auth_rejected' } });

    // The right credentials; Amazon answers one malformed body and one 5xx before behaving.
    expect(await call('credentials:set', RIGHT)).toMatchObject({ ok: true });
    api.faults.malformed = 1;
    api.faults.serverErrors = 1;
    await lookup();
    await lookup();
    await waitFor(
      () => jobs('pricing').some((j) => isFinished(j.id)),
      'the pricing that follows a found product',
      60_000,
    );
    expect(api.stats.tokenExchanges).toBeGreaterThan(0);
    expect(app.engine.db.prepare(`SELECT COUNT(*) FROM products WHERE asin = 'B000WIDGET'`).pluck().get()).toBe(1);
    // The failing call left its trace (so the scan below covers error rows, not an empty table).
    const errorRows = app.engine.db.prepare(`SELECT * FROM job_errors`).all();
    expect(JSON.stringify(errorRows)).toMatch(/malformed_response|could not be read/);

    // A worker killed: its crash and restart (credentials handed over again) leave texts of their own.
    process.kill(app.engine.workers[0]!.pid!, 'SIGKILL');
    await waitFor(() => logs.some((l) => l.includes('"crashed"')), 'the crash to be reported', 30_000);
    await waitFor(() => app.engine.workers[0]!.state === 'ready', 'the worker to restart', 30_000);
    await lookup();

    for (const j of app.engine.queue.list({ limit: 1000 })) {
      await call('jobs:get', { id: j.id });
      await call('jobs:errors', { id: j.id });
    }
    await call('jobs:list', {});
    await call('app:status');
    await call('settings:get');

    const found = [
      ...leaks('jobs', JSON.stringify(app.engine.db.prepare(`SELECT * FROM jobs`).all())),
      ...leaks('job_errors', JSON.stringify(errorRows)),
      ...leaks('logs', logs.join('\n')),
      ...leaks('IPC answers', JSON.stringify(answers)),
      ...leaks('shell (events, notices, tray, dialogs)', JSON.stringify(shell.rec)),
      // While the app runs: the WAL holds the latest writes.
      ...filesUnder(tmp.dir).flatMap((f) => leaks(f, readFileSync(f))),
    ];
    expect(found).toEqual([]);
    expect(logs.join('\n')).toMatch(/"crashed"[\s\S]*"ready"/); // the supervisor's events were captured
    // The stored secrets are encrypted by the keyring (electron-store's secrets file in the app).
    expect(leaks('secret store', JSON.stringify([...secretStore.m]))).toEqual([]);
  }, 180_000);

  it('leaves none in the files once the app has stopped (the WAL checkpointed into the database)', async () => {
    await app.engine.stop();
    expect(filesUnder(tmp.dir).flatMap((f) => leaks(f, readFileSync(f)))).toEqual([]);
  });
});
