// The decide task's pipeline in-process on a real SQLite file, with fake Amazon clients that record every call: the
// funnel spends the scarce offers call on the highest expected profit first and never on a product already ruled out;
// a per-ASIN error is a reason, not a failure; without credentials it decides locally; without a seller id it says so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecideJobResult, DecidePayload } from '../../../main/decisions/kind.ts';
import { createDecisionStore } from '../../../main/decisions/store.ts';
import { createDecideTask, type DecideClients, type DecideTaskDeps } from '../../../main/decisions/task.ts';
import { DEFAULT_THRESHOLDS } from '../../../main/decisions/verdict.ts';
import { ProviderError } from '../../../main/lookups/provider.ts';
import type { ItemOffersAnswer } from '../../../main/lookups/sp-api/offers.ts';
import type { ProgressUpdate } from '../../../main/queue/types.ts';
import { TaskError, type TaskContext } from '../../../main/workers/runtime/task.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

const SELLER = 'A2TESTSELLER1';
let t: TestQueue;
beforeEach(() => (t = openTestQueue()));
afterEach(() => t.close());

interface Seed {
  asin: string;
  cost: number;
  buyBox: number;
  rank: number;
  restriction?: 'approval_required' | 'not_eligible';
}

/** Products that already have their ASIN and Amazon's catalog data (as a lookup leaves them). */
function seed(list: Seed[]): void {
  const store = createDecisionStore(t.db);
  const ins = t.db.prepare(
    `INSERT INTO products (id, gtin14, name, cost, asin, lookup_status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'found', 1, 1)`,
  );
  list.forEach((s, i) => {
    ins.run(i + 1, String(10_000_000 + i).padStart(14, '0'), `Thing ${i}`, s.cost, s.asin);
    store.upsertCatalogItem({
      asin: s.asin,
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
      salesRanks: [{ kind: 'group', id: 'toy_display_on_website', title: 'Toys & Games', rank: s.rank }],
      hazmat: { status: 'none', reasons: [] },
      fetchedAt: 1,
    });
  });
}

/** Fake clients over the seeds, recording every call; `hold` keeps the first offers call waiting until released. */
function fakes(list: Seed[], opts: { failRestriction?: string } = {}) {
  const by = new Map(list.map((s) => [s.asin, s]));
  const calls = {
    search: 0,
    pricing: [] as string[][],
    restrictions: [] as string[],
    offers: [] as string[][],
    elig: 0,
  };
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const clients: DecideClients = {
    search: {
      id: 'spapi',
      marketplace: 'US',
      maxBatch: 20,
      async lookup() {
        calls.search++;
        return [];
      },
    },
    pricing: {
      async competitivePrices(asins) {
        calls.pricing.push([...asins]);
        return asins.map((asin) => ({ asin, buyBox: by.get(asin)!.buyBox, offers: 2, offerCounts: { new: 2 } }));
      },
    },
    restrictions: {
      async restriction(asin) {
        calls.restrictions.push(asin);
        if (calls.restrictions.length === list.length) setImmediate(release);
        if (asin === opts.failRestriction)
          throw new ProviderError('http_400', `Amazon refused the restrictions check for ${asin}: Invalid ASIN.`);
        const s = by.get(asin)!;
        return s.restriction
          ? {
              asin,
              status: s.restriction,
              reasons: [
                { code: s.restriction.toUpperCase(), message: 'Not for you.', approvalUrl: 'https://sc/approve' },
              ],
            }
          : { asin, status: 'ok', reasons: [] };
      },
    },
    offers: {
      async batch(asins) {
        calls.offers.push([...asins]);
        // The first call waits until every product passed the first cut: later batches then choose from all of them.
        if (calls.offers.length === 1) await gate;
        return asins.map((asin): ItemOffersAnswer => ({
          asin,
          buyBoxPrice: by.get(asin)!.buyBox,
          buyBoxWinner: 'fba',
          amazonOnListing: false,
          fbaOffers: 1,
          fbmOffers: 0,
          lowestFba: by.get(asin)!.buyBox,
          lowestFbm: null,
          totalOffers: 1,
        }));
      },
    },
    eligibility: {
      async preview(asin) {
        calls.elig++;
        return { asin, status: 'eligible', reasonCodes: [], hazmat: false };
      },
    },
  };
  return { clients, calls };
}

async function run(
  payload: DecidePayload,
  deps: Partial<DecideTaskDeps> & Pick<DecideTaskDeps, 'clients'>,
  sellerId: string | null = SELLER,
) {
  t.queue.enqueue({ kind: 'decide', payload });
  const [claimed] = t.queue.claim('decide');
  const progress: ProgressUpdate[] = [];
  const task = createDecideTask({
    database: () => ({ db: t.db, queue: t.queue as never }),
    settings: () => ({ sellerId, thresholds: DEFAULT_THRESHOLDS, prepPerUnit: 0, inboundPerLb: 0 }),
    hasSpApi: () => true,
    localSearch: () => {
      throw new Error('the local catalog is not used with SP-API');
    },
    ...deps,
  });
  const ctx: TaskContext<'decide'> = {
    job: {
      id: claimed!.lease.jobId,
      kind: 'decide',
      payload: claimed!.job.payload,
      checkpoint: claimed!.job.checkpoint,
      attempt: 1,
      leaseToken: claimed!.lease.token,
    },
    signal: new AbortController().signal,
    progress: (p) => progress.push(p),
    checkpoint: () => {},
    log: { info() {}, warn() {}, error() {} },
  };
  const result = (await task(ctx)) as DecideJobResult;
  return { result, progress };
}

function candidate(asin: string) {
  return t.db
    .prepare(`SELECT profit, est_sales_mid, verdict, reasons FROM product_candidates WHERE asin = ?`)
    .get(asin) as { profit: number; est_sales_mid: number; verdict: string; reasons: string };
}

describe('the decide pipeline', () => {
  // 60 products with different prices and ranks (so different expected monthly profits), 4 not eligible and 4 that
  // lose money at the Buy Box (all with good ranks: they would rank high if the funnel let them through), one gated.
  const list: Seed[] = Array.from({ length: 60 }, (_, i) => ({
    asin: `B0SEED${String(i).padStart(4, '0')}`,
    cost: 5,
    buyBox: 15 + ((i * 7) % 45),
    rank: 2000 + ((i * 13) % 50) * 1000,
  }));
  for (const i of [3, 17, 29, 41]) list[i]!.restriction = 'not_eligible';
  for (const i of [5, 23, 37, 52]) Object.assign(list[i]!, { cost: 80, rank: 1000 });
  list[8]!.restriction = 'approval_required';
  const ruledOut = [3, 17, 29, 41, 5, 23, 37, 52].map((i) => list[i]!.asin);

  it('spends the offers call on the highest expected profit first, never on products already ruled out', async () => {
    seed(list);
    const { clients, calls } = fakes(list);
    const { result, progress } = await run({ all: true }, { clients: () => clients });
    expect(result).toMatchObject({
      decided: 60,
      candidates: 60,
      offersCalls: 3,
      restrictionsCalls: 60,
      pricingCalls: 3,
    });
    expect(result.buy + result.check + result.skip).toBe(60);
    expect(calls.search).toBe(0);
    const asked = calls.offers.flat();
    expect(asked).toHaveLength(52);
    expect(new Set(asked).size).toBe(52);
    for (const a of ruledOut) expect(asked).not.toContain(a);
    expect(asked).toContain(list[8]!.asin); // gated: the seller may apply, so its offers are worth knowing
    // Batches after the first were chosen from the whole pool: each holds better expected profits than the next.
    const expected = (asin: string) => {
      const c = candidate(asin);
      return c.profit * c.est_sales_mid;
    };
    const [, second, third] = calls.offers.map((b) => b.map(expected));
    expect(Math.min(...second!)).toBeGreaterThanOrEqual(Math.max(...third!));
    expect(second).toEqual([...second!].sort((a, b) => b - a));
    // The ruled-out products are skips with their reasons; no eligibility call was needed (the catalog said none).
    for (const a of ruledOut) expect(candidate(a).verdict).toBe('skip');
    expect(calls.elig).toBe(0);
    expect(progress.at(-1)).toMatchObject({ total: 60, done: 60, note: expect.stringMatching(/^Deciding: \d+ buy/) });
  });

  it('a per-ASIN error becomes a "check" with Amazon’s words; the job goes on', async () => {
    seed(list.slice(0, 20));
    const { clients } = fakes(list.slice(0, 20), { failRestriction: list[6]!.asin });
    const { result } = await run({ ids: Array.from({ length: 20 }, (_, i) => i + 1) }, { clients: () => clients });
    expect(result).toMatchObject({ decided: 20, answerErrors: 1 });
    // Product 7 ($57 Buy Box, $5 cost) would be a buy; not knowing whether it may be sold makes it a check.
    const v = createDecisionStore(t.db).verdict(7, 'US')!;
    expect(v.verdict).toBe('check');
    expect(v.reasons.map((r) => r.code)).toEqual(['restriction_unknown']);
    expect(v.reasons[0]!.text).toMatch(
      /^Restriction unknown: Amazon refused the restrictions check for B0SEED0006: Invalid ASIN\./,
    );
  });

  it('without SP-API credentials it decides from the local data alone, and says what is unknown', async () => {
    seed(list.slice(0, 5));
    t.db.exec(`UPDATE products SET amazon_price = 40`);
    const { result } = await run(
      { all: true },
      {
        hasSpApi: () => false,
        clients: () => {
          throw new Error('no clients without credentials');
        },
        localSearch: () => ({ id: 'catalog', marketplace: 'US', maxBatch: 500, lookup: async () => [] }),
      },
      null,
    );
    expect(result).toMatchObject({ decided: 5, source: 'local', offersCalls: 0, restrictionsCalls: 0 });
    const v = createDecisionStore(t.db).verdict(1, 'US')!;
    expect(v.verdict).toBe('check');
    expect(v.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['restriction_unknown', 'offers_unknown']));
    expect(v.reasons.find((r) => r.code === 'restriction_unknown')!.text).toMatch(/no SP-API credentials/);
    const a = t.db.prepare('SELECT sell_price, price_source, profit FROM analyses WHERE product_id = 1').get();
    expect(a).toMatchObject({ sell_price: 40, price_source: 'amazon', profit: expect.any(Number) });
  });

  it('with SP-API but no seller id it fails with what to do; a bad payload is refused', async () => {
    seed(list.slice(0, 2));
    const { clients } = fakes(list.slice(0, 2));
    await expect(run({ all: true }, { clients: () => clients }, null)).rejects.toMatchObject({
      code: 'no_seller_id',
      message: expect.stringMatching(/seller id.*Settings/),
    });
    await expect(run({ all: true, ids: [1] } as DecidePayload, { clients: () => clients })).rejects.toBeInstanceOf(
      TaskError,
    );
  });

  it('the refresh sweep re-decides only decisions older than staleDays, oldest first, at most limit', async () => {
    seed(list.slice(0, 6));
    const { clients, calls } = fakes(list.slice(0, 6));
    await run({ all: true }, { clients: () => clients });
    const day = 86_400_000;
    const now = Date.now();
    // Products 1–3 decided 10, 9 and 8 days ago; 4–6 today.
    const age = t.db.prepare('UPDATE analyses SET decided_at = ? WHERE product_id = ?');
    [10, 9, 8].forEach((d, i) => age.run(now - d * day, i + 1));
    calls.restrictions.length = 0;
    const { result } = await run({ staleDays: 7, limit: 2, priority: 2 }, { clients: () => clients });
    // The two oldest; the third stale one waits for the next day's run, today's are left alone.
    expect(result.decided).toBe(2);
    expect(calls.restrictions.sort()).toEqual([list[0]!.asin, list[1]!.asin]);
    const decided = t.db.prepare('SELECT decided_at FROM analyses WHERE product_id = ?').pluck();
    expect(decided.get(1)).toBeGreaterThanOrEqual(now);
    expect(decided.get(3)).toBe(now - 8 * day);
    // Without a seller id the daily refresh has nothing it could do and stays quiet (no failed job every day).
    const quiet = await run({ staleDays: 7 }, { clients: () => clients }, null);
    expect(quiet.result.decided).toBe(0);
    // limit belongs to the refresh only.
    await expect(run({ all: true, limit: 5 } as DecidePayload, { clients: () => clients })).rejects.toBeInstanceOf(
      TaskError,
    );
  });
});
