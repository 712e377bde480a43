// The decide task's front lane in-process on a real SQLite file, with fake Amazon clients that record each call and its
// scheduler priority: a product the seller asks for while the list's offers call is out — one already waiting in the
// list's offers pool — moves to the front lane: a priority-0 offers call carries it at once, filled with the list's
// best (no call more than the list alone needs), and its verdict and the deleted request land before the list's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecideJobResult } from '../../../main/decisions/kind.ts';
import { requestDecisions } from '../../../main/decisions/requests.ts';
import { createDecisionStore } from '../../../main/decisions/store.ts';
import { createDecideTask, type DecideClients } from '../../../main/decisions/task.ts';
import { DEFAULT_THRESHOLDS } from '../../../main/decisions/verdict.ts';
import type { Priority } from '../../../main/lookups/scheduler.ts';
import type { ItemOffersAnswer } from '../../../main/lookups/sp-api/offers.ts';
import type { TaskContext } from '../../../main/workers/runtime/task.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

const SELLER = 'A2TESTSELLER1';
let t: TestQueue;
beforeEach(() => (t = openTestQueue()));
afterEach(() => t.close());

const N = 60;
const asinOf = (i: number) => `B0FRNT${String(i).padStart(4, '0')}`;
const buyBoxOf = (i: number) => 18 + ((i * 7) % 40);

function seed(): void {
  const store = createDecisionStore(t.db);
  const ins = t.db.prepare(
    `INSERT INTO products (id, gtin14, name, cost, asin, lookup_status, created_at, updated_at)
     VALUES (?, ?, ?, 5, ?, 'found', 1, 1)`,
  );
  for (let i = 0; i < N; i++) {
    ins.run(i + 1, String(20_000_000 + i).padStart(14, '0'), `Thing ${i}`, asinOf(i));
    store.upsertCatalogItem({
      asin: asinOf(i),
      marketplace: 'US',
      title: `Thing ${i}`,
      brand: 'Acme',
      packageQuantity: 1,
      numberOfItems: null,
      parentAsin: null,
      variationTheme: null,
      isVariationParent: false,
      lengthIn: 8,
      widthIn: 6,
      heightIn: 2,
      weightLb: 1,
      imageUrl: null,
      salesRanks: [{ kind: 'group', id: 'toy_display_on_website', title: 'Toys & Games', rank: 3000 + i * 100 }],
      hazmat: { status: 'none', reasons: [] },
      fetchedAt: 1,
    });
  }
}

const waitUntil = async (check: () => boolean, what: string) => {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the front lane', () => {
  it('a product waiting in the list’s offers pool goes in the next offers call, at priority 0, with no extra call', async () => {
    seed();
    const offers: { asins: string[]; priority: Priority | undefined }[] = [];
    const pricing: Priority[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const clients = (_mp: string, _s: string, priority: Priority): DecideClients => ({
      search: {
        id: 'spapi',
        marketplace: 'US',
        maxBatch: 20,
        async lookup() {
          return [];
        },
      },
      pricing: {
        async competitivePrices(asins) {
          pricing.push(priority);
          return asins.map((asin) => ({
            asin,
            buyBox: buyBoxOf(Number(asin.slice(-4))),
            offers: 2,
            offerCounts: { new: 2 },
          }));
        },
      },
      restrictions: {
        async restriction(asin) {
          return { asin, status: 'ok', reasons: [] };
        },
      },
      offers: {
        async batch(asins, opts) {
          offers.push({ asins: [...asins], priority: opts?.priority });
          // The list's first call is out until the test has asked for a product.
          if (offers.length === 1) await gate;
          return asins.map((asin): ItemOffersAnswer => ({
            asin,
            buyBoxPrice: buyBoxOf(Number(asin.slice(-4))),
            buyBoxWinner: 'fba',
            amazonOnListing: false,
            fbaOffers: 1,
            fbmOffers: 0,
            lowestFba: buyBoxOf(Number(asin.slice(-4))),
            lowestFbm: null,
            totalOffers: 1,
          }));
        },
      },
      eligibility: {
        async preview(asin) {
          return { asin, status: 'eligible', reasonCodes: [], hazmat: false };
        },
      },
    });

    t.queue.enqueue({ kind: 'decide', payload: { all: true, priority: 1 } });
    const [claimed] = t.queue.claim('decide');
    const task = createDecideTask({
      database: () => ({ db: t.db, queue: t.queue as never }),
      settings: () => ({ sellerId: SELLER, thresholds: DEFAULT_THRESHOLDS, prepPerUnit: 0, inboundPerLb: 0 }),
      hasSpApi: () => true,
      clients,
      localSearch: () => {
        throw new Error('the local catalog is not used with SP-API');
      },
    });
    const jobId = claimed!.lease.jobId;
    const ctx: TaskContext<'decide'> = {
      job: {
        id: jobId,
        kind: 'decide',
        payload: claimed!.job.payload,
        checkpoint: claimed!.job.checkpoint,
        attempt: 1,
        leaseToken: claimed!.lease.token,
      },
      signal: new AbortController().signal,
      progress: () => {},
      checkpoint: () => {},
      log: { info() {}, warn() {}, error() {} },
    };
    const running = task(ctx);

    // Every product priced and checked; the first offers call out; the rest wait in the list's pool.
    const decided = () => t.db.prepare('SELECT count(*) FROM analyses WHERE verdict IS NOT NULL').pluck().get();
    await waitUntil(
      () =>
        offers.length === 1 &&
        (t.db.prepare('SELECT count(*) FROM listing_restrictions').pluck().get() as number) === N,
      'the list to reach its first offers call',
    );
    // The product asked for: the one the list would take last (the lowest Buy Box among those still waiting).
    const waiting = Array.from({ length: N }, (_, i) => i).filter((i) => !offers[0]!.asins.includes(asinOf(i)));
    const last = waiting.reduce((a, b) => (buyBoxOf(b) < buyBoxOf(a) ? b : a));
    const { requestedAt } = requestDecisions(t.db, t.queue, [last + 1]);
    // Its verdict is saved while the list's offers call is still out
    const decidedAt = () =>
      t.db
        .prepare('SELECT decided_at FROM analyses WHERE product_id = ?')
        .pluck()
        .get(last + 1);
    await waitUntil(() => ((decidedAt() as number | undefined) ?? 0) >= requestedAt, 'the verdict asked for');
    // (with the list's products that filled its call; those in the held call wait).
    expect(offers).toHaveLength(2);
    expect(decided()).toBe(offers[1]!.asins.length);
    release();
    const result = (await running) as DecideJobResult;

    expect(result).toMatchObject({ decided: N, offersCalls: 3 });
    expect(offers.map((o) => o.asins.length)).toEqual([20, 20, 20]);
    // The call after the list's first is the front lane's, at priority 0, carrying the product asked for.
    expect(offers[1]!.priority).toBe(0);
    expect(offers[1]!.asins).toContain(asinOf(last));
    expect(offers[0]!.priority).toBe(1);
    expect(offers[2]!.priority).toBe(1);
    // Pricing went at the list's priority (nothing was asked for then).
    expect(new Set(pricing)).toEqual(new Set([1]));
    // Answered in the transaction that saved the verdict.
    expect(t.db.prepare('SELECT count(*) FROM decide_requests').pluck().get()).toBe(0);
  });
});
