// settings:testConnection through the real router and handlers, against the SP-API double on 127.0.0.1 (endpoints
// given as PALLET_LWA_URL / PALLET_SPAPI_ENDPOINT, as the lookups take them): every outcome is a plain answer, and
// no credential ever appears in it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { SELLER_ID_HINT, type ConnectionTestResult } from '../../../main/lookups/sp-api/connection-test.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { CREDENTIALS, startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

const SECRETS = [CREDENTIALS.clientSecret, CREDENTIALS.refreshToken, 'wrong-secret-7f3a', 'Atzr|wrong-token-91c2'];

let t: TestQueue;
let reader: ProductReader;
let api: SpApiDouble;

beforeEach(async () => {
  t = openTestQueue({ clock: systemClock });
  reader = createProductReader(t.path);
  // Refusals echo the form they got, as some servers do: the answer must still hold no secret.
  api = await startSpApiDouble({ items: [], echoRefusals: true });
});
afterEach(async () => {
  await api.close();
  await reader.close();
  t.close();
});

/** A router as main builds it, pointed at the double (or at `env`). */
function router(opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; keyring?: string } = {}) {
  const r = createRouter({
    handlers: createHandlers({
      db: t.db,
      queue: t.queue,
      version: 't',
      reader,
      exportDir: () => join(t.dir, 'exports'),
      app: {
        settings: createMemorySettings(),
        secrets: createSecrets(fakeKeyring(opts.keyring), memorySecretStore().store),
        sampleDir: join(import.meta.dirname, '../../../resources/sample'),
        files: fakeShell().files,
        fileRoots: () => [],
      },
      connectionTest: {
        env: opts.env ?? { PALLET_LWA_URL: api.tokenUrl, PALLET_SPAPI_ENDPOINT: api.endpoint },
        timeoutMs: opts.timeoutMs,
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  });
  const sender = { url: 'app://pallet/index.html', isMainFrame: true };
  return {
    call: (channel: string, payload?: unknown) => r.handle(channel, payload, sender),
    async test(): Promise<ConnectionTestResult> {
      const res = await r.handle('settings:testConnection', undefined, sender);
      if (!res.ok) throw new Error(`settings:testConnection failed: ${res.error.message}`);
      const value = res.value as ConnectionTestResult;
      for (const s of SECRETS) expect(JSON.stringify(value)).not.toContain(s);
      return value;
    },
  };
}

const participationCalls = () => api.stats.byOp.getMarketplaceParticipations?.requests ?? 0;

describe('settings:testConnection', () => {
  it('says so when no credentials are stored, takes no input, and calls nobody', async () => {
    const r = router();
    expect(await r.test()).toMatchObject({ ok: false, problem: 'no_credentials', message: /No SP-API credentials/ });
    expect(await r.call('settings:testConnection', { force: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(api.stats.tokenExchanges).toBe(0);
    expect(participationCalls()).toBe(0);
  });

  it('connects: lists the marketplaces, hints at the seller id until one is set, and spares the quota', async () => {
    const r = router();
    expect(await r.call('credentials:set', CREDENTIALS)).toMatchObject({ ok: true });
    const first = await r.test();
    expect(first).toEqual({
      ok: true,
      marketplaces: ['Amazon.com (US)'],
      sellerIdHint: SELLER_ID_HINT,
      message: 'Connected as “Double Store”. Amazon accepted the credentials; the seller sells in Amazon.com (US).',
    });
    expect(api.stats.tokenExchanges).toBe(1);
    expect(participationCalls()).toBe(1);
    // Pressed again at once: the documented rate (about one a minute) answers without asking Amazon.
    expect(await r.test()).toMatchObject({ ok: false, problem: 'too_soon', message: /try again in \d+ s/ });
    expect(participationCalls()).toBe(1);

    const r2 = router();
    await r2.call('credentials:set', CREDENTIALS);
    await r2.call('settings:set', { spapiSellerId: 'A2DOUBLESELLER1' });
    // Two presses at once share one test.
    const [a, b] = await Promise.all([r2.test(), r2.test()]);
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
    expect(a.sellerIdHint).toBeUndefined();
    expect(participationCalls()).toBe(2);
  });

  it('names which credential Amazon refused, and a refusal spends no quota', async () => {
    const r = router();
    await r.call('credentials:set', { ...CREDENTIALS, clientSecret: 'wrong-secret-7f3a' });
    expect(await r.test()).toMatchObject({
      ok: false,
      problem: 'refused',
      message: expect.stringMatching(/client ID or client secret \(invalid_client\)/),
    });
    await r.call('credentials:set', { ...CREDENTIALS, refreshToken: 'Atzr|wrong-token-91c2' });
    expect(await r.test()).toMatchObject({
      ok: false,
      problem: 'refused',
      message: expect.stringMatching(/refresh token \(invalid_grant\)/),
    });
    expect(participationCalls()).toBe(0);
    // The refusals gave their tokens back: the right credentials are tested at once, not "try again later".
    await r.call('credentials:set', CREDENTIALS);
    expect(await r.test()).toMatchObject({ ok: true });
  });

  it('says offline when nothing answers on the port, and the credentials were not checked', async () => {
    const r = router();
    await r.call('credentials:set', CREDENTIALS);
    await api.goOffline();
    expect(await r.test()).toMatchObject({
      ok: false,
      problem: 'offline',
      message: expect.stringMatching(/offline.*not checked/),
    });
    await api.goOnline();
    expect(await r.test()).toMatchObject({ ok: true });
  });

  it('explains a 403 (the app not authorised for this seller), a 5xx and a timeout', async () => {
    const r403 = router();
    await r403.call('credentials:set', CREDENTIALS);
    api.faults.participations = 'forbidden';
    expect(await r403.test()).toMatchObject({
      ok: false,
      problem: 'not_authorised',
      message: expect.stringMatching(/HTTP 403.*not authorised for this seller account.*Manage Your Apps/),
    });

    const r5xx = router();
    await r5xx.call('credentials:set', CREDENTIALS);
    api.faults.participations = 'server_error';
    expect(await r5xx.test()).toMatchObject({
      ok: false,
      problem: 'server_error',
      message: expect.stringMatching(/HTTP 503, a problem on Amazon's side/),
    });

    const slow = router({ timeoutMs: 300 });
    await slow.call('credentials:set', CREDENTIALS);
    api.faults.participations = 'hang';
    expect(await slow.test()).toMatchObject({ ok: false, problem: 'timeout', message: /did not answer in time/ });
  });

  it('refuses with the reason where no keyring can hold credentials', async () => {
    const r = router({ keyring: 'basic_text' });
    expect(await r.test()).toMatchObject({ ok: false, problem: 'no_credentials', message: /keyring/i });
  });
});
