// The `decide` job end to end: a real engine (SQLite file, forked worker running the real task table) against the
// SP-API double on 127.0.0.1 at Amazon's real rates. 60 products: a barcode with three ASINs (best chosen), another
// with the seller's override, gated, not eligible, Amazon on the listing, a 2-pack against a supplier single, hazmat
// from the catalog and from FBA's eligibility check, no Buy Box, and hopeless ones the funnel keeps from the offers call.
// Then the same list with the worker killed mid-chain, and with the network gone mid-chain.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDecisionStore } from '../../../main/decisions/store.ts';
import type { DecideJobResult } from '../../../main/decisions/kind.ts';
import type { Reason } from '../../../main/decisions/reasons.ts';
import { SPAPI_SECRETS } from '../../../main/lookups/providers.ts';
import {
  CREDENTIALS,
  DOUBLE_SELLER_ID,
  startSpApiDouble,
  type DoubleItem,
  type DoubleOp,
  type SpApiDouble,
} from '../../support/spapi-double.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

/** A valid UPC-A for n. */
function upc(n: number): string {
  const body = `7${String(n).padStart(10, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}
const PKG = { length: 8, width: 6, height: 2, weight: 1 };
const pad = (n: number, w: number) => String(n).padStart(w, '0');

interface Row {
  upc: string;
  name: string;
  cost: number;
  msrp: number;
}
const rows: Row[] = [];
const items: DoubleItem[] = [];
function product(
  n: number,
  name: string,
  cost: number,
  list: Omit<DoubleItem, 'identifiers' | 'title' | 'package' | 'rank'>[],
  msrp = 25,
) {
  const code = upc(n);
  rows.push({ upc: code, name, cost, msrp });
  for (const it of list)
    items.push({ title: name, package: PKG, rank: 4000, ...it, identifiers: [{ type: 'UPC', value: code }] });
  return code;
}
// 40 good products: profitable, few FBA sellers, nothing in the way.
for (let i = 0; i < 40; i++)
  product(i, `Good thing ${i}`, 8, [
    {
      asin: `B0GOOD${pad(i, 4)}`,
      buyBox: 30 + i / 2,
      itemOffers: { fba: 2, fbm: 1, lowestFba: 30 + i / 2, buyBoxWinner: 'fba' },
    },
  ]);
// 10 hopeless ones: they lose money at the Buy Box, so the funnel never spends an offers call on them.
for (let i = 0; i < 10; i++)
  product(100 + i, `Hopeless thing ${i}`, 12, [
    { asin: `B0BAD${pad(i, 5)}`, buyBox: 10, itemOffers: { fba: 1, fbm: 0 } },
  ]);
/** A listing with its Buy Box at `price`, held by one of two FBA sellers. */
const at = (price: number) => ({
  buyBox: price,
  itemOffers: { fba: 2, fbm: 0, lowestFba: price, buyBox: price, buyBoxWinner: 'fba' as const },
});
const fine = at(30);
const APPROVAL = 'https://sellercentral.amazon.com/hz/approvalrequest/restrictions/approve?asin=B0GATED001&x=1';
const GATED = product(200, 'Gated thing', 8, [
  { asin: 'B0GATED001', ...fine, restriction: { status: 'approval_required', approvalUrl: APPROVAL } },
]);
const NOT_ELIGIBLE = product(201, 'Forbidden thing', 8, [
  { asin: 'B0NOTELIG1', ...fine, restriction: { status: 'not_eligible', message: 'Brand is restricted.' } },
]);
const AMAZON = product(202, 'Amazon sells it', 8, [
  {
    asin: 'B0AMAZON01',
    buyBox: 30,
    itemOffers: { fba: 3, fbm: 0, amazon: true, lowestFba: 30, buyBoxWinner: 'amazon' },
  },
]);
const TWO_PACK = product(203, 'Soap bar', 6, [{ asin: 'B0TWOPACK1', ...at(40), packageQuantity: 2 }]);
const HAZMAT = product(204, 'Lighter fluid', 8, [
  { asin: 'B0HAZMAT01', ...fine, hazmat: { regulation: 'ghs', ghs: ['GHS02'] } },
]);
const NO_BOX = product(
  205,
  'Rare thing',
  8,
  [{ asin: 'B0NOBUYBX1', itemOffers: { fba: 2, fbm: 0, lowestFba: 26, buyBoxWinner: null } }],
  26,
);
const TRIO = product(206, 'Candle', 8, [
  { asin: 'B0TRIOA001', ...at(20) },
  { asin: 'B0TRIOA002', ...at(35) },
  { asin: 'B0TRIOA003', ...at(28) },
]);
const TRIO_OVERRIDE = product(207, 'Mug', 8, [
  { asin: 'B0TRIOB001', ...at(20) },
  { asin: 'B0TRIOB002', ...at(35) },
  { asin: 'B0TRIOB003', ...at(28) },
]);
// Found by an earlier lookup, before catalog data was kept: no hazmat answer, so FBA's eligibility check is asked.
const ELIG = product(208, 'Spray paint', 8, [
  { asin: 'B0ELIGREV1', ...fine, eligibility: { eligible: false, codes: ['FBA_INB_0010'] } },
]);
// Amazon does not know this barcode: skip, no ASIN.
const UNKNOWN = product(209, 'Homemade thing', 8, []);
const LIST = `UPC,Name,Brand,Cost,MSRP\n${rows.map((r) => `${r.upc},${r.name},Acme,${r.cost},${r.msrp}`).join('\n')}\n`;

let api: SpApiDouble;
let t: TestEngine;
const env = { PALLET_SPAPI_ENDPOINT: process.env.PALLET_SPAPI_ENDPOINT, PALLET_LWA_URL: process.env.PALLET_LWA_URL };

beforeEach(async () => {
  api = await startSpApiDouble({ items, latency: { minMs: 20, maxMs: 120, seed: 7 } });
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  t = await startTestEngine({
    secrets: () => ({
      [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
      [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
      [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
    }),
    queue: { backoff: { baseMs: 50, maxMs: 200 } },
    supervisor: { restartBaseMs: 20, restartMaxMs: 200 },
  });
  // The seller id comes from the app's settings file beside the database, as the CLI reads it.
  writeFileSync(join(t.dir, 'settings.json'), JSON.stringify({ spapiSellerId: DOUBLE_SELLER_ID }));
  const imp = await t.run({ kind: 'import', payload: { path: t.file('list.csv', LIST), lookupAfter: false } });
  expect(imp.status).toBe('completed');
  // The eligibility product was looked up before (its ASIN known, no catalog data kept), with its package.
  t.db
    .prepare(
      `UPDATE products SET asin = 'B0ELIGREV1', lookup_status = 'found', length_in = 8, width_in = 6, height_in = 2,
         weight_lb = 1, sales_rank = 4000, amazon_category = 'Toys & Games' WHERE gtin14 = ?`,
    )
    .run(ELIG.padStart(14, '0'));
  const store = createDecisionStore(t.db);
  expect(store.setAsinOverride(idOf(TRIO_OVERRIDE), 'B0TRIOB001')).toBe(true);
}, 60_000);
afterEach(async () => {
  await t.stop();
  await api.close();
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
});

function idOf(code: string): number {
  return t.db.prepare('SELECT id FROM products WHERE gtin14 = ?').pluck().get(code.padStart(14, '0')) as number;
}
function verdictOf(code: string) {
  return createDecisionStore(t.db).productDecisionView(idOf(code), 'US', DOUBLE_SELLER_ID)!;
}
const codes = (reasons: Reason[]) => reasons.map((r) => r.code);
/** Requests Amazon answered (429s excluded) per operation. */
function answered(): Record<DoubleOp, number> {
  const out = {} as Record<DoubleOp, number>;
  for (const op of [
    'searchCatalogItems',
    'getCompetitivePricing',
    'getListingsRestrictions',
    'getItemOffersBatch',
    'getItemEligibilityPreview',
  ] as DoubleOp[]) {
    const s = api.stats.byOp[op];
    out[op] = s ? s.requests - s.throttled : 0;
  }
  return out;
}
/** Every product has a verdict with reasons or none needed (buy), and the analysis the products table shows. */
function expectEveryProductDecided(): void {
  const missing = t.db
    .prepare(
      `SELECT p.id, p.name FROM products p LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = 'US'
       WHERE a.verdict IS NULL OR a.decided_at IS NULL OR a.computed_at IS NULL`,
    )
    .all();
  expect(missing).toEqual([]);
  const unexplained = t.db
    .prepare(`SELECT product_id FROM analyses WHERE verdict != 'buy' AND verdict_reasons = '[]'`)
    .all();
  expect(unexplained).toEqual([]);
}
function expectTheCases(): void {
  const gated = verdictOf(GATED).verdict!;
  expect(gated.verdict).toBe('check');
  expect(gated.reasons.find((r) => r.code === 'approval_required')).toMatchObject({ url: APPROVAL });

  const forbidden = verdictOf(NOT_ELIGIBLE);
  expect(forbidden.verdict).toMatchObject({ verdict: 'skip' });
  expect(forbidden.verdict!.reasons[0]!.text).toMatch(/Brand is restricted/);
  // Never reached the offers call: its offer summary is still the competitive price.
  expect(forbidden.asins.B0NOTELIG1!.offers!.source).toBe('competitive_pricing');

  const amazon = verdictOf(AMAZON).verdict!;
  expect(amazon.verdict).toBe('skip');
  expect(codes(amazon.reasons)).toContain('amazon_on_listing');

  const pack = verdictOf(TWO_PACK);
  expect(pack.verdict).toMatchObject({ packMultiplier: 2 });
  expect(codes(pack.verdict!.reasons)).toContain('pack_multiple');
  const unitCost = t.db
    .prepare(`SELECT unit_cost FROM analyses WHERE product_id = ?`)
    .pluck()
    .get(idOf(TWO_PACK)) as number;
  expect(unitCost).toBeGreaterThanOrEqual(12); // the supplier's $6 single × 2

  const hazmat = verdictOf(HAZMAT).verdict!;
  expect(hazmat.verdict).toBe('check');
  expect(codes(hazmat.reasons)).toContain('hazmat_review');
  const elig = verdictOf(ELIG);
  expect(codes(elig.verdict!.reasons)).toContain('hazmat_review');
  expect(elig.asins.B0ELIGREV1!.eligibility).toMatchObject({ status: 'review', reasonCodes: ['FBA_INB_0010'] });

  const noBox = verdictOf(NO_BOX).verdict!;
  expect(noBox.verdict).toBe('check');
  expect(codes(noBox.reasons)).toContain('no_buy_box');

  const trio = verdictOf(TRIO);
  expect(trio.candidates.map((c) => c.asin).sort()).toEqual(['B0TRIOA001', 'B0TRIOA002', 'B0TRIOA003']);
  expect(trio.verdict!.asin).toBe('B0TRIOA002');
  expect(trio.candidates.find((c) => c.chosen)!.asin).toBe('B0TRIOA002');
  expect(trio.candidates.every((c) => c.verdict !== null)).toBe(true);
  const override = verdictOf(TRIO_OVERRIDE);
  expect(override.verdict!.asin).toBe('B0TRIOB001');
  expect(override.candidates).toHaveLength(3);

  for (let i = 0; i < 10; i++) {
    const v = verdictOf(upc(100 + i));
    expect(v.verdict!.verdict).toBe('skip');
    expect(v.asins[`B0BAD${pad(i, 5)}`]!.offers!.source).toBe('competitive_pricing');
  }
  expect(verdictOf(upc(0)).verdict).toMatchObject({ verdict: 'buy', asin: 'B0GOOD0000' });
  const unknown = verdictOf(UNKNOWN);
  expect(unknown.verdict).toMatchObject({ verdict: 'skip', asin: null, reasons: [{ code: 'no_asin' }] });
  expect(unknown.product.asin).toBeNull();
}

describe('the decide job against the SP-API double at real rates', () => {
  it('decides all 60 products with reasons; the funnel keeps the hopeless from the offers call; calls counted honestly', async () => {
    const job = await t.run({ kind: 'decide', payload: { all: true } }, 180_000);
    expect(job.error).toBeNull();
    const r = job.result as DecideJobResult;
    expect(r).toMatchObject({ decided: 60, source: 'spapi', candidates: 63 });
    expect(r.buy + r.check + r.skip).toBe(60);
    expectEveryProductDecided();
    expectTheCases();
    const calls = answered();
    console.log(JSON.stringify({ result: r, answered: calls, byOp: api.stats.byOp }));
    // Every request Amazon answered is one the job saved (nothing asked twice, nothing uncounted).
    expect(calls.getListingsRestrictions).toBe(r.restrictionsCalls);
    expect(calls.getItemOffersBatch).toBe(r.offersCalls);
    expect(calls.getCompetitivePricing).toBe(r.pricingCalls);
    expect(calls.getItemEligibilityPreview).toBe(r.eligibilityCalls);
    expect(calls.searchCatalogItems).toBe(r.catalogCalls);
    // 63 candidate ASINs; 11 cut (10 losing money, 1 not eligible): 52 offers in 3 calls instead of 4.
    expect(r.restrictionsCalls).toBe(63);
    expect(r.offersCalls).toBe(3);
    expect(r.offersCallsSaved).toBe(1);
    // Only the product without catalog data (and not already a skip) needed FBA's eligibility check.
    expect(r.eligibilityCalls).toBe(1);
  }, 180_000);

  it('a lookup keeps catalog data and every candidate, then hands found and ambiguous products to decide', async () => {
    const lookup = await t.run({ kind: 'lookup', payload: { provider: 'spapi' } }, 120_000);
    expect(lookup.result).toMatchObject({ looked: 59, found: 56, ambiguous: 2, notFound: 1 });
    // From the searchCatalogItems answers alone (no other operation was asked yet by the lookup).
    expect(t.db.prepare('SELECT count(*) FROM catalog_items').pluck().get()).toBe(62);
    expect(t.db.prepare(`SELECT package_quantity FROM catalog_items WHERE asin = 'B0TWOPACK1'`).pluck().get()).toBe(2);
    expect(t.db.prepare('SELECT count(*) FROM product_candidates WHERE product_id = ?').pluck().get(idOf(TRIO))).toBe(
      3,
    );
    const follow = t.queue.list({ kind: 'decide' }).find((j) => j.parentId === lookup.id)!;
    expect(follow.payload).toMatchObject({ priority: 1 });
    expect((follow.payload as { ids: number[] }).ids).toHaveLength(58);
    await waitFor(() => t.queue.get(follow.id).status === 'completed', 'the follow-up decide', 180_000);
    expect(t.queue.get(follow.id).result).toMatchObject({ decided: 58, lookedUp: 0, catalogCalls: 0 });
    expect(verdictOf(TRIO).verdict!.asin).toBe('B0TRIOA002');
    expect(verdictOf(TRIO_OVERRIDE).verdict!.asin).toBe('B0TRIOB001');
    expect(t.queue.list({ kind: 'pricing' })).toEqual([]);
  }, 300_000);

  it('a worker killed mid-chain: the resumed run loses nothing and repeats at most the batch in flight', async () => {
    const job = t.queue.enqueue({ kind: 'decide', payload: { all: true }, maxAttempts: 5 });
    // Kill once some answers of every early stage are saved and the offers funnel has started.
    await waitFor(
      () => {
        const cp = t.queue.get(job.id).checkpoint as { counts?: DecideJobResult } | null;
        return (cp?.counts?.offersCalls ?? 0) >= 1 && (cp?.counts?.restrictionsCalls ?? 0) >= 20;
      },
      'the chain to be under way',
      120_000,
    );
    const before = answered();
    process.kill(t.engine.workers[0]!.pid!, 'SIGKILL');
    await waitFor(
      () => ['completed', 'failed'].includes(t.queue.get(job.id).status),
      'the resumed job to finish',
      180_000,
    );
    const done = t.queue.get(job.id);
    expect(done.status).toBe('completed');
    expect(done.attempts).toBe(2);
    const r = done.result as DecideJobResult;
    expect(r.decided).toBe(60);
    expectEveryProductDecided();
    expectTheCases();
    const calls = answered();
    console.log(JSON.stringify({ killedAt: before, answered: calls, result: r }));
    // Answered requests beyond those saved are the ones lost in flight at the kill: at most one batch per operation
    // (restrictions keep ten in flight, eligibility two).
    expect(calls.getListingsRestrictions - r.restrictionsCalls).toBeLessThanOrEqual(10);
    expect(calls.getCompetitivePricing - r.pricingCalls).toBeLessThanOrEqual(1);
    expect(calls.getItemOffersBatch - r.offersCalls).toBeLessThanOrEqual(1);
    expect(calls.searchCatalogItems - r.catalogCalls).toBeLessThanOrEqual(1);
    expect(calls.getItemEligibilityPreview - r.eligibilityCalls).toBeLessThanOrEqual(2);
    // And the saved ones are what a clean run needs: every ASIN's restriction asked once.
    expect(r.restrictionsCalls).toBe(63);
  }, 300_000);

  it('offline mid-chain: the job waits for the network without spending an attempt, then finishes', async () => {
    const job = t.queue.enqueue({ kind: 'decide', payload: { all: true } });
    await waitFor(
      () =>
        ((t.queue.get(job.id).checkpoint as { counts?: DecideJobResult } | null)?.counts?.restrictionsCalls ?? 0) >= 10,
      'the chain to be under way',
      120_000,
    );
    await api.goOffline();
    await waitFor(() => t.queue.get(job.id).status === 'waiting_network', 'the job to wait for the network', 60_000);
    expect(t.queue.get(job.id).attempts).toBe(0);
    await api.goOnline();
    t.queue.resumeWaitingNetwork();
    await waitFor(() => t.queue.get(job.id).status === 'completed', 'the job to finish once online', 180_000);
    const r = t.queue.get(job.id).result as DecideJobResult;
    expect(r.decided).toBe(60);
    expectEveryProductDecided();
    expectTheCases();
  }, 300_000);
});
