import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LookupJobResult } from '../../../main/lookups/task.ts';
import { lookupSummary } from '../../../main/lookups/status.ts';
import { SPAPI_SECRETS } from '../../../main/lookups/providers.ts';
import { CREDENTIALS, startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';
import { scheduleFor } from '../../../main/analysis/schedule.ts';

// Pricing compares with Amazon's estimate for today, so both sides follow the holiday peak (15 Oct – 14 Jan):
// Amazon's estimate then carries the peak surcharge of our table ($0.20 at 0.9 lb large standard, $0.33 at 1.75 lb).
const PEAK = scheduleFor(new Date()).period === 'peak';

// Barcodes (all valid): a plain UPC, one Amazon files only as an EAN, one with two listings, one Amazon does not know.
const WIDGET = '036000291452';
const AS_EAN = '012345678905';
const TWO = '4006381333931';
const NONE = '96385074';
const ITEMS = [
  // Amazon's fee estimate matches the local engine for the widget ($3.75 referral on $24.99 + $4.60 FBA)…
  {
    asin: 'B000WIDGET',
    title: 'Widget',
    brand: 'Acme',
    identifiers: [{ type: 'UPC' as const, value: WIDGET }],
    rank: 1200,
    package: { length: 20.32, width: 15.24, height: 5.08, weight: 408, lengthUnit: 'centimeters', weightUnit: 'grams' },
    buyBox: 24.99,
    offers: 7,
    fees: PEAK ? { total: 8.55, referral: 3.75, fba: 4.8 } : { total: 8.35, referral: 3.75, fba: 4.6 },
  },
  // …and not for this one, whose package Amazon does not give: the difference must show.
  {
    asin: 'B00EANONLY',
    title: 'Thing',
    brand: 'Hooli',
    identifiers: [{ type: 'EAN' as const, value: `0${AS_EAN}` }],
    rank: 50_000,
    buyBox: 15,
    fees: { total: 5.5, referral: 2.25, fba: 3.25 },
  },
  { asin: 'B0GADGET01', title: 'Gadget', identifiers: [{ type: 'EAN' as const, value: TWO }] },
  { asin: 'B0GADGET02', title: 'Gadget 2-pack', identifiers: [{ type: 'EAN' as const, value: TWO }] },
];
const LIST = `UPC,Name,Brand,Cost,MSRP\n${WIDGET},Widget,Acme,2,9.99\n${AS_EAN},Thing,Hooli,3,12\n${TWO},Gadget,Globex,4,20\n${NONE},Nothing,Initech,5,25\n`;

let api: SpApiDouble;
let t: TestEngine;
const env = { PALLET_SPAPI_ENDPOINT: process.env.PALLET_SPAPI_ENDPOINT, PALLET_LWA_URL: process.env.PALLET_LWA_URL };

beforeEach(async () => {
  api = await startSpApiDouble({ items: ITEMS });
  // Endpoints reach the worker through its allowlisted PALLET_* environment; credentials only over the protocol.
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  t = await startTestEngine({
    secrets: () => ({
      [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
      [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
      [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
    }),
    queue: { backoff: { baseMs: 50, maxMs: 200 } },
  });
  // No automatic lookup after the import: each test starts its own.
  const imp = await t.run({ kind: 'import', payload: { path: t.file('list.csv', LIST), lookupAfter: false } });
  expect(imp.status).toBe('completed');
});
afterEach(async () => {
  await t.stop();
  await api.close();
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
});

const product = (gtin: string) =>
  t.db.prepare(`SELECT * FROM products WHERE gtin14 = ?`).get(gtin.padStart(14, '0')) as Record<string, unknown>;

describe('lookups through SP-API (a double on 127.0.0.1)', () => {
  it('finds, misses and flags ambiguous barcodes; matches a UPC Amazon lists as an EAN; fills rank and package; analysis follows', async () => {
    const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    expect(job.error).toBeNull();
    expect(job.result as LookupJobResult).toMatchObject({
      looked: 4,
      found: 2,
      notFound: 1,
      ambiguous: 1,
      failed: 0,
      provider: 'spapi',
    });
    expect(product(WIDGET)).toMatchObject({
      lookup_status: 'found',
      asin: 'B000WIDGET',
      sales_rank: 1200,
      amazon_category: 'Toys & Games',
      length_in: 8,
      weight_lb: expect.closeTo(0.8995, 3),
    });
    expect(product(AS_EAN)).toMatchObject({ lookup_status: 'found', asin: 'B00EANONLY' });
    expect(product(NONE)).toMatchObject({ lookup_status: 'not_found', asin: null });
    const two = product(TWO);
    expect(two.lookup_status).toBe('ambiguous');
    expect(JSON.parse(two.potential_asins as string).map((c: { asin: string }) => c.asin)).toEqual([
      'B0GADGET01',
      'B0GADGET02',
    ]);
    expect(api.stats.tokenExchanges).toBe(1);
    expect(lookupSummary(t.db)).toMatchObject({
      total: 4,
      percentComplete: 100,
      counts: { found: 2, not_found: 1, ambiguous: 1 },
    });
    // Found products get Amazon's price and fee estimate, and their analysis, without being asked.
    await waitFor(
      () => t.queue.list({ kind: 'pricing' }).some((j) => j.status === 'completed'),
      'the follow-up pricing',
      30_000,
    );
    expect(t.queue.list({ kind: 'pricing' })[0]!.result).toEqual({
      priced: 2,
      withBuyBox: 2,
      feeChecks: 2,
      feeDifferences: 0,
      errors: 0,
    });
    const a = t.db
      .prepare(
        `SELECT p.asin, p.amazon_price, p.offer_count, a.* FROM analyses a JOIN products p ON p.id = a.product_id ORDER BY p.asin`,
      )
      .all() as Record<string, unknown>[];
    expect(
      a.map((r) => [r.asin, r.amazon_price, r.offer_count, r.price_source, r.sell_price, r.api_total_fees]),
    ).toEqual([
      ['B000WIDGET', 24.99, 7, 'amazon', 24.99, PEAK ? 8.55 : 8.35],
      ['B00EANONLY', 15, 0, 'amazon', 15, 5.5],
    ]);
    // No package for the second: the local FBA fee is unknown, so there is nothing to compare; the reason says why.
    expect(JSON.parse(a[1]!.reasons as string).join(' ')).toMatch(/FBA fee is unknown/);

    // A second run over everything answers from the cache: no request to Amazon.
    const before = api.stats.requests;
    expect((await t.run({ kind: 'lookup', payload: { provider: 'spapi', scope: 'all' } })).result).toMatchObject({
      looked: 4,
      fromCache: 4,
    });
    expect(api.stats.requests).toBe(before);
  });

  it('surfaces a difference between Amazon’s fee estimate and the local engine, and keeps the local figures', async () => {
    await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    const id = product(AS_EAN).id as number;
    // Give the product a package (12×9×2 in, 1 lb, dimensional 1.55 lb → large standard): the local engine now has an FBA fee to compare.
    t.db.prepare('UPDATE products SET length_in = 12, width_in = 9, height_in = 2, weight_lb = 1 WHERE id = ?').run(id);
    const job = await t.run({ kind: 'pricing', payload: { ids: [id] } });
    expect(job.result).toEqual({ priced: 1, withBuyBox: 1, feeChecks: 1, feeDifferences: 1, errors: 0 });
    const row = t.db.prepare('SELECT * FROM analyses WHERE product_id = ?').get(id) as Record<string, unknown>;
    expect(row).toMatchObject({ api_total_fees: 5.5, referral_fee: 2.25, fulfillment_fee: PEAK ? 5.9 : 5.57 });
    expect(JSON.parse(row.reasons as string).join(' ')).toMatch(
      PEAK
        ? /Amazon estimates referral \+ FBA fees of \$5\.50; the local engine \$8\.15 \(difference \$-2\.65\)/
        : /Amazon estimates referral \+ FBA fees of \$5\.50; the local engine \$7\.82 \(difference \$-2\.32\)/,
    );
  });

  it('a malformed answer fails that batch with a clear error while the job goes on; after 3 attempts the product is failed', async () => {
    api.faults.malformed = 100;
    const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    expect(job.result).toMatchObject({ looked: 4, retrying: 4, found: 0 });
    expect(t.queue.recentErrors(job.id)[0]).toMatchObject({
      code: 'malformed_response',
      message: expect.stringMatching(/could not be read \(request id req-\d+\)/),
    });
    expect(product(WIDGET)).toMatchObject({ lookup_status: 'retry_pending', lookup_attempts: 1 });
    // Due again now (the test's clock is the wall clock: make them due), twice more → failed.
    for (let i = 0; i < 2; i++) {
      t.db.exec(`UPDATE products SET next_lookup_at = 0 WHERE lookup_status = 'retry_pending'`);
      await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    }
    expect(product(WIDGET)).toMatchObject({ lookup_status: 'failed', lookup_attempts: 3 });
    api.faults.malformed = 0;
    t.db.exec(`UPDATE products SET lookup_status = 'pending', lookup_attempts = 0 WHERE lookup_status = 'failed'`);
    expect((await t.run({ kind: 'lookup', payload: { provider: 'spapi' } })).result).toMatchObject({ found: 2 });
  });

  it('one malformed batch fails only its own products; the other batch goes through in the same run', async () => {
    // UPC-shaped barcodes go in one request, the EAN-13 in another: the first answer is garbage.
    api.faults.malformed = 1;
    const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ looked: 4, retrying: 3, ambiguous: 1 });
    expect(product(TWO).lookup_status).toBe('ambiguous');
    expect(product(WIDGET)).toMatchObject({ lookup_status: 'retry_pending', lookup_attempts: 1 });
  });

  it('offline: the job waits for the network with every attempt untouched, then finishes when it is back', async () => {
    await api.goOffline();
    const job = t.queue.enqueue({ kind: 'lookup', payload: { provider: 'spapi' } });
    await waitFor(() => t.queue.get(job.id).status === 'waiting_network', 'the job to wait for the network');
    expect(t.queue.get(job.id).attempts).toBe(0);
    const attempts = t.db.prepare('SELECT sum(lookup_attempts) FROM products').pluck().get();
    expect(attempts).toBe(0);
    await api.goOnline();
    t.queue.resumeWaitingNetwork();
    await waitFor(() => t.queue.get(job.id).status === 'completed', 'the job to finish once online');
    expect(t.queue.get(job.id).result).toMatchObject({ found: 2, notFound: 1, ambiguous: 1 });
  });

  it('rides out 429s and 5xx and refreshes an expired token once', async () => {
    api.faults.serverErrors = 2;
    api.faults.expireNext = true;
    const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    expect(job.result).toMatchObject({ found: 2, failed: 0, retrying: 0 });
    expect(api.stats.tokenExchanges).toBe(2);
  });

  it('without credentials the job fails and says what to do', async () => {
    await t.stop();
    t = await startTestEngine();
    await t.run({ kind: 'import', payload: { path: t.file('list.csv', LIST), lookupAfter: false } });
    const job = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } });
    expect(job).toMatchObject({
      status: 'failed',
      error: { code: 'no_credentials', message: expect.stringMatching(/Settings/) },
    });
  });
});

describe('lookups in the local reference catalog', () => {
  it('imports barcode → ASIN pairs from any CSV and matches offline', async () => {
    const ref = t.file(
      'keepa.csv',
      `ASIN,Product Codes: UPC,Title,Brand\nB000WIDGET,${WIDGET},Widget,Acme\nB0GADGET01,${TWO},Gadget,Globex\nB0GADGET02,${TWO},Gadget 2,Globex\nnot-an-asin,${NONE},x,y\n`,
    );
    const imp = await t.run({ kind: 'catalog_import', payload: { path: ref } });
    expect(imp.result).toMatchObject({ rows: 4, pairs: 3, skipped: 1 });
    const job = await t.run({ kind: 'lookup', payload: { provider: 'catalog' } });
    expect(job.result).toMatchObject({ looked: 4, found: 1, ambiguous: 1, notFound: 2, provider: 'catalog' });
    expect(api.stats.requests).toBe(0);
  });

  it('queues a supplier import once the catalog is in (the sample data), so its lookups find the catalog', async () => {
    const ref = t.file('ref.csv', `UPC,ASIN\n${WIDGET},B000WIDGET\n`);
    const list = t.file('more.csv', `UPC,Name,Brand,Cost\n${WIDGET},Widget,Acme,2\n`);
    const cat = await t.run({ kind: 'catalog_import', payload: { path: ref, importAfter: list } });
    const follow = t.queue.list({ kind: 'import' }).find((j) => j.parentId === cat.id)!;
    expect(follow.payload).toEqual({ path: list });
    await waitFor(() => t.queue.get(follow.id).status === 'completed', 'the follow-up import');
  });
});
