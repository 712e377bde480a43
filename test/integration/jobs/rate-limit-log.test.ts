// A lookup that Amazon throttles (the SP-API double answers 429 past its bucket) leaves a rate_limited line in its
// job's log, through a real worker process: the Jobs view's "waiting for Amazon's rate limit" has its source.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SPAPI_SECRETS } from '../../../main/lookups/providers.ts';
import { createJobLogStore } from '../../../main/queue/job-log.ts';
import { RATE_LIMITED } from '../../../main/workers/runtime/throttle.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { CREDENTIALS, startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';
import { waitFor } from '../../support/workers.ts';

// Barcodes Amazon files as a UPC and as an EAN: two search calls at least, back to back.
const LIST =
  'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2\n4006381333931,Gadget,Globex,4\n012345678905,Thing,Hooli,3\n';
const ITEMS = [
  {
    asin: 'B000WIDGET',
    title: 'Widget',
    brand: 'Acme',
    identifiers: [{ type: 'UPC' as const, value: '036000291452' }],
  },
  { asin: 'B0GADGET01', title: 'Gadget', identifiers: [{ type: 'EAN' as const, value: '4006381333931' }] },
];

let api: SpApiDouble;
let t: TestEngine;
const env = { PALLET_SPAPI_ENDPOINT: process.env.PALLET_SPAPI_ENDPOINT, PALLET_LWA_URL: process.env.PALLET_LWA_URL };
beforeEach(async () => {
  // One search every 2 s, burst 1: Pallet's documented pace (2/s) meets 429s at once.
  api = await startSpApiDouble({ items: ITEMS, ratePerSec: 0.5, burst: 1 });
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  t = await startTestEngine({
    secrets: () => ({
      [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
      [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
      [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
    }),
  });
});
afterEach(async () => {
  await t.stop();
  await api.close();
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

it('a throttled lookup’s log says Amazon rate-limits it, coded rate_limited', async () => {
  expect(
    (await t.run({ kind: 'import', payload: { path: t.file('list.csv', LIST), lookupAfter: false } })).status,
  ).toBe('completed');
  const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } }, 90_000);
  expect(job.status).toBe('completed');
  expect(api.stats.throttled).toBeGreaterThan(0);
  // Lines are written in batches a moment later.
  const log = createJobLogStore(t.db);
  await waitFor(() => log.lastOf(job.id, RATE_LIMITED) !== null, 'the throttle line');
  expect(log.tail(job.id).map((l) => l.message)).toContainEqual(
    expect.stringMatching(/^Amazon is rate-limiting searchCatalogItems \(HTTP 429\): Pallet slows it to /),
  );
});
