import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../main/app/engine.ts';
import { syntheticUpc } from '../../main/bench/supplier-file.ts';
import { openDatabase } from '../../main/db/open.ts';
import { requestDecisions } from '../../main/decisions/requests.ts';
import type { DecideJobResult } from '../../main/decisions/kind.ts';
import { scaledRates, SPAPI_SECRETS } from '../../main/lookups/providers.ts';
import { SPAPI_OPERATIONS, type SpApiOperation } from '../../main/lookups/scheduler.ts';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import {
  CREDENTIALS,
  DOUBLE_SELLER_ID,
  startSpApiDouble,
  type DoubleItem,
  type DoubleOp,
  type SpApiDouble,
} from '../support/spapi-double.ts';
import { waitDone } from './jobs.ts';

// `npm run bench -- decide`: the whole buying decision (lookup, competitive price, restrictions, pack, the funnel into
// getItemOffersBatch, FBA eligibility, verdict) for a supplier list, through a worker, against the SP-API double at
// every operation's documented rate and burst. Amazon's limits make 10,000 products a ~35-minute run, so the
// throughput phase runs the double AND the worker's scheduler at k× every rate (the same k; PALLET_SPAPI_RATE_SCALE)
// and reports the figures scaled back to real rates; the first verdict is timed in a real-rate phase (k = 1), and
// then, while that list still runs, the verdict of a product the seller asks for (the window's "Check again with
// Amazon": a request the running job takes and decides at the scheduler's priority 0); the phase is then cancelled.

/** The operations the ceiling is figured over: documented rate and items per request. */
const PER_CALL: Partial<Record<SpApiOperation, number>> = {
  searchCatalogItems: 20,
  getCompetitivePricing: 20,
  getMyFeesEstimates: 20,
  getListingsRestrictions: 1,
  getItemOffersBatch: 20,
  getItemEligibilityPreview: 1,
};

/** A small deterministic hash, so the mix of cases is the same every run. */
const mix = (i: number, salt: number) => {
  let h = Math.imul(i ^ (salt * 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
};

const asinOf = (i: number, k = 0) => `B${k}${String(i).padStart(8, '0')}`;

/** One supplier row and what Amazon holds for its barcode. */
interface Case {
  row: string;
  items: DoubleItem[];
}

/**
 * The n-th product of the list: 8% not on Amazon, 5% with several ASINs (a single, a 2-pack, a 6-bundle), 10% gated,
 * 3% not eligible, 10% with Amazon on the listing, 10% sold in packs (matching, or Amazon's 2-pack of the supplier's
 * unit), 4% hazmat (half refused by FBA), the rest plain; about a third priced to make money at the Buy Box.
 */
export function decideCase(i: number): Case {
  const upc = syntheticUpc(i);
  const r = Math.floor(mix(i, 1) * 100);
  const cost = Math.round((4 + mix(i, 2) * 12) * 100) / 100;
  const good = mix(i, 3) < 0.35;
  const packed = r >= 36 && r < 46;
  const supplierPack = packed && r < 41 ? 6 : 1;
  const name = `Bench Product ${i}${supplierPack > 1 ? `, ${supplierPack}-pack` : ''}`;
  const row = `${upc},"${name}",Bench,${cost.toFixed(2)}`;
  if (r < 8) return { row, items: [] };
  const item = (k: number, packageQuantity: number): DoubleItem => {
    const unitCost = cost * (packageQuantity / supplierPack);
    // A good one sells well above its cost plus Amazon's fees; a poor one barely covers them.
    const buyBox = Math.round((good ? unitCost * 2.4 + 6 : unitCost * 1.15 + 3.5) * 100) / 100;
    const fba = 1 + Math.floor(mix(i, 4 + k) * 6);
    return {
      asin: asinOf(i, k),
      title: name,
      brand: 'Bench',
      identifiers: [{ type: 'UPC', value: upc }],
      // Good sellers rank well (a few hundred sales a month); the rest anywhere.
      rank: 300 + Math.floor(mix(i, 5) * (good ? 12_000 : 80_000)),
      package: { length: 9, width: 6, height: 3, weight: 0.9 },
      packageQuantity,
      numberOfItems: packageQuantity,
      buyBox,
      offers: fba + 1,
      fees: { total: Math.round((buyBox * 0.15 + 3.4) * 100) / 100, referral: buyBox * 0.15, fba: 3.4 },
      itemOffers: { fba, fbm: 1, lowestFba: buyBox, lowestFbm: buyBox + 1, buyBox, buyBoxWinner: 'fba' },
    };
  };
  if (r < 13) {
    const list = [item(0, 1), item(1, 2)];
    if (r < 10) list.push(item(2, 6));
    for (const x of list.slice(1)) x.parentAsin = undefined;
    return { row, items: list };
  }
  const it = item(0, packed ? (r < 41 ? 6 : 2) : 1);
  if (r < 23)
    it.restriction = {
      status: 'approval_required',
      message: 'You need approval to list products in this brand.',
      approvalUrl: `https://sellercentral.amazon.com/hz/approvalrequest/restrictions/approve?asin=${it.asin}`,
    };
  else if (r < 26) it.restriction = { status: 'not_eligible', message: 'This product cannot be sold by you.' };
  else if (r < 36) it.itemOffers = { ...it.itemOffers!, amazon: true, buyBoxWinner: 'amazon' };
  else if (r >= 46 && r < 50) {
    it.hazmat = r < 48 ? { regulation: 'ghs', ghs: ['flammable'] } : { lithium: true };
    if (r % 2 === 0) it.eligibility = { eligible: false, codes: ['FBA_INB_0004'] };
  }
  return { row, items: [it] };
}

const ENV_KEYS = ['PALLET_SPAPI_ENDPOINT', 'PALLET_LWA_URL', 'PALLET_SPAPI_RATE_SCALE'] as const;

/** One phase's double, environment and engine; `close` undoes all three. */
async function phase(dir: string, items: DoubleItem[], k: number, latencySeed: number) {
  const rates = scaledRates(k);
  const api = await startSpApiDouble({
    items,
    ratePerSec: SPAPI_OPERATIONS.searchCatalogItems.ratePerSec * k,
    burst: Math.max(1, Math.ceil(SPAPI_OPERATIONS.searchCatalogItems.burst * k)),
    ...(rates ? { rates: rates as Partial<Record<DoubleOp, { ratePerSec: number; burst: number }>> } : {}),
    // Amazon's answers take tens to a few hundred milliseconds; at k× the rates time runs k× faster, latency too (else
    // the calls in flight that keep a bucket busy at Amazon's rates could not keep it busy at k×).
    latency: { minMs: 30 / k, maxMs: 250 / k, seed: latencySeed },
  });
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  if (k === 1) delete process.env.PALLET_SPAPI_RATE_SCALE;
  else process.env.PALLET_SPAPI_RATE_SCALE = String(k);
  let engine: Engine | null = null;
  const restore = () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  };
  try {
    // The worker runs from source: the decide task is newer than any build lying around.
    engine = await createEngine({
      dbPath: join(dir, 'bench.db'),
      launcher: createNodeLauncher(),
      workers: 1,
      kinds: ['import', 'decide'],
      secrets: () => ({
        [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
        [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
        [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
      }),
    });
  } catch (err) {
    restore();
    await api.close();
    throw err;
  }
  return {
    api,
    engine,
    async close() {
      await engine?.stop();
      restore();
      await api.close();
    },
  };
}

/** Imports the list and leaves only the decide job to run: the lookup the import queued is cancelled (decide looks up). */
async function importList(engine: Engine, path: string): Promise<void> {
  const job = engine.queue.enqueue({ kind: 'import', payload: { path } });
  await waitDone(engine, job.id);
  const done = engine.queue.get(job.id);
  if (done.status !== 'completed') throw new Error(`import ended ${done.status}: ${done.error?.message}`);
  for (const j of engine.queue.list({ status: 'queued', limit: 1000 }))
    if (j.kind !== 'decide') engine.queue.cancel(j.id);
}

const totals = (api: SpApiDouble) => Object.values(api.stats.byOp).reduce((n, o) => n + (o?.throttled ?? 0), 0);

/** A product's verdict is final when nothing it names is still unknown (restrictions, offers, hazmat). */
const FINAL = `a.verdict IS NOT NULL AND a.decided_at >= ? AND a.verdict_reasons NOT LIKE '%_unknown"%'`;

export async function runDecideBench(opts: { ids?: number; scale?: number; log?: (l: string) => void } = {}) {
  const n = opts.ids ?? 10_000;
  const k = opts.scale ?? Number(process.env.PALLET_BENCH_DECIDE_SCALE ?? 10);
  const log = opts.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'pallet-decide-bench-'));
  try {
    const cases = Array.from({ length: n }, (_, i) => decideCase(i));
    const items = cases.flatMap((c) => c.items);
    const file = `UPC,Name,Brand,Cost\n${cases.map((c) => c.row).join('\n')}\n`;
    const setUp = (dir: string) => {
      writeFileSync(join(dir, 'supplier.csv'), file);
      // The seller id restrictions checks need, where the app keeps its settings (beside the database).
      writeFileSync(join(dir, 'settings.json'), JSON.stringify({ spapiSellerId: DOUBLE_SELLER_ID }));
    };

    // Throughput at k× every rate.
    const dirA = mkdtempSync(join(root, 'throughput-'));
    setUp(dirA);
    const a = await phase(dirA, items, k, 7);
    let seconds: number;
    let result: DecideJobResult;
    let throttledAt10s = 0;
    let throttledTotal = 0;
    try {
      log(`import ${n} (${items.length} ASINs at the double)`);
      await importList(a.engine, join(dirA, 'supplier.csv'));
      log(`decide at ${k}× Amazon's rates`);
      const t0 = performance.now();
      const snapshot = setTimeout(() => (throttledAt10s = totals(a.api)), 10_000);
      // Where the run is every 10 s, per operation (requests so far), to see which stage lags.
      const ops: DoubleOp[] = [
        'searchCatalogItems',
        'getCompetitivePricing',
        'getListingsRestrictions',
        'getItemOffersBatch',
      ];
      const timeline = setInterval(() => {
        const at = Math.round((performance.now() - t0) / 1000);
        log(`${at} s: ${ops.map((op) => `${op} ${a.api.stats.byOp[op]?.requests ?? 0}`).join(', ')}`);
      }, 10_000);
      const job = a.engine.queue.enqueue({ kind: 'decide', payload: { all: true, marketplace: 'US', priority: 1 } });
      try {
        await waitDone(a.engine, job.id);
      } finally {
        clearInterval(timeline);
      }
      seconds = (performance.now() - t0) / 1000;
      clearTimeout(snapshot);
      throttledTotal = totals(a.api);
      if (seconds < 10) throttledAt10s = throttledTotal;
      const done = a.engine.queue.get(job.id);
      if (done.status !== 'completed') throw new Error(`decide ended ${done.status}: ${done.error?.message}`);
      result = done.result as DecideJobResult;
    } finally {
      await a.close();
    }
    const byOp = a.api.stats.byOp;
    log(
      `429s: ${
        Object.entries(byOp)
          .filter(([, o]) => o?.throttled)
          .map(([op, o]) => `${op} ${o!.throttled}`)
          .join(', ') || 'none'
      }`,
    );
    const req = (op: DoubleOp) => byOp[op]?.requests ?? 0;
    const ok = (op: DoubleOp) => req(op) - (byOp[op]?.throttled ?? 0);

    // What each operation had to carry, read from what the run stored.
    const db = openDatabase(join(dirA, 'bench.db'));
    let need: Partial<Record<SpApiOperation, number>>;
    let candidates: number;
    try {
      const one = (sql: string) => db.prepare(sql).pluck().get() as number;
      candidates = one("SELECT count(DISTINCT asin) FROM product_candidates WHERE marketplace = 'US'");
      need = {
        searchCatalogItems: result.lookedUp,
        getCompetitivePricing: candidates,
        getMyFeesEstimates: ok('getMyFeesEstimates') > 0 ? candidates : 0,
        getListingsRestrictions: one("SELECT count(*) FROM listing_restrictions WHERE marketplace = 'US'"),
        getItemOffersBatch: one("SELECT count(*) FROM offer_summaries WHERE source = 'item_offers'"),
        getItemEligibilityPreview: one("SELECT count(*) FROM fba_eligibility WHERE marketplace = 'US'"),
      };
      // Why products ended where they did, for the log: reason codes by severity.
      const why = db
        .prepare(
          `SELECT json_extract(r.value, '$.severity') || ':' || json_extract(r.value, '$.code') AS k, count(*) AS n
           FROM analyses a, json_each(a.verdict_reasons) r WHERE a.verdict IS NOT NULL GROUP BY k ORDER BY n DESC`,
        )
        .all() as { k: string; n: number }[];
      log(`reasons: ${why.map((w) => `${w.k} ${w.n}`).join(', ')}`);
    } finally {
      db.close();
    }
    // Products an hour each operation can serve at Amazon's rate, given the share of products that needed it.
    let ceiling = Infinity;
    let bottleneck = 'none';
    for (const [op, items] of Object.entries(need) as [SpApiOperation, number][]) {
      if (!items) continue;
      const perHour = (SPAPI_OPERATIONS[op].ratePerSec * PER_CALL[op]! * 3600 * n) / items;
      if (perHour < ceiling) [ceiling, bottleneck] = [perHour, op];
    }
    const decidedPerHour = (result.decided / (seconds * k)) * 3600;
    const offersEveryProduct = Math.ceil(candidates / 20);

    // The first verdict at Amazon's real rates, on a fresh database: cancelled once one product has its verdict.
    const dirB = mkdtempSync(join(root, 'first-verdict-'));
    setUp(dirB);
    const b = await phase(dirB, items, 1, 11);
    let firstVerdict: number | null = null;
    let firstOffersVerdict: number | null = null;
    const viewed: number[] = [];
    try {
      await importList(b.engine, join(dirB, 'supplier.csv'));
      log('decide at real rates until the first verdict');
      const reader = openDatabase(join(dirB, 'bench.db'));
      try {
        const start = Date.now();
        const t0 = performance.now();
        const final = reader.prepare(`SELECT 1 FROM analyses a WHERE ${FINAL} LIMIT 1`).pluck();
        // The first that went the whole way: its offers came from getItemOffersBatch.
        const withOffers = reader
          .prepare(
            `SELECT 1 FROM analyses a JOIN offer_summaries o ON o.asin = a.decided_asin AND o.marketplace = a.marketplace
             WHERE ${FINAL} AND o.source = 'item_offers' LIMIT 1`,
          )
          .pluck();
        const job = b.engine.queue.enqueue({
          kind: 'decide',
          payload: { all: true, marketplace: 'US', priority: 1 },
        });
        // Both or the job's end (a tiny list may finish first), at most 5 minutes.
        while (performance.now() - t0 < 300_000) {
          const s = (performance.now() - t0) / 1000;
          if (firstVerdict === null && final.get(start)) firstVerdict = s;
          if (firstOffersVerdict === null && withOffers.get(start)) firstOffersVerdict = s;
          if (firstVerdict !== null && firstOffersVerdict !== null) break;
          if (FINISHED_STATUSES.includes(b.engine.queue.get(job.id).status)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        // The viewed product: one the list has not reached (from its end), asked for while the list runs; seconds from
        // the request to its saved verdict, by the two timestamps the database holds. A few, one after another, each at
        // a seeded moment within getItemOffersBatch's 10 s interval: how long one waits depends mostly on when the
        // list last spent that token, and asking right after a verdict (as a loop would) always hits the worst moment.
        const decidedAt = reader
          .prepare<[number], number | null>(
            `SELECT decided_at FROM analyses WHERE product_id = ? AND marketplace = 'US'`,
          )
          .pluck();
        const idOf = reader.prepare<[string], number>('SELECT id FROM products WHERE gtin14 = ?').pluck();
        const wanted = n >= 1000 ? 5 : 1;
        const offersInterval = 1000 / SPAPI_OPERATIONS.getItemOffersBatch.ratePerSec;
        let paused = -1;
        for (let i = n - 1; i >= 0 && viewed.length < wanted; i--) {
          if (b.engine.queue.get(job.id).status !== 'running') break;
          if (cases[i]!.items.length === 0) continue;
          if (paused < viewed.length && n >= 1000) {
            paused = viewed.length;
            await new Promise((r) => setTimeout(r, mix(viewed.length, 13) * offersInterval));
          }
          const id = idOf.get(syntheticUpc(i).padStart(14, '0'));
          if (id === undefined || decidedAt.get(id) != null) continue;
          const { jobId: own, requestedAt } = requestDecisions(b.engine.db, b.engine.queue, [id]);
          const t1 = performance.now();
          let at: number | null = null;
          while (performance.now() - t1 < 60_000) {
            at = decidedAt.get(id) ?? null;
            if (at !== null && at >= requestedAt) break;
            at = null;
            await new Promise((r) => setTimeout(r, 20));
          }
          // Only a verdict given while the list still ran counts (else nothing was in its way).
          const listRan = b.engine.queue.get(job.id).status === 'running';
          if (at !== null && listRan) viewed.push((at - requestedAt) / 1000);
          log(`viewed product ${id}: ${at === null ? 'no verdict in 60 s' : `${(at - requestedAt) / 1000} s`}`);
          // Its own job, queued behind the list, would find it decided; the phase ends here anyway.
          if (b.engine.queue.get(own).status === 'queued') b.engine.queue.cancel(own);
          if (at === null) break;
        }
        if (!FINISHED_STATUSES.includes(b.engine.queue.get(job.id).status)) b.engine.queue.cancel(job.id);
        await waitDone(b.engine, job.id);
      } finally {
        reader.close();
      }
    } finally {
      await b.close();
    }

    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      products: n,
      asins: items.length,
      rate_scale: k,
      decided: result.decided,
      buy: result.buy,
      check: result.check,
      skip: result.skip,
      run_seconds: round(seconds, 2),
      decided_per_hour: Math.round(decidedPerHour),
      ceiling_per_hour: Math.round(ceiling),
      bottleneck,
      decided_vs_ceiling: round(decidedPerHour / ceiling, 3),
      first_verdict_s: firstVerdict === null ? null : round(firstVerdict, 2),
      first_offers_verdict_s: firstOffersVerdict === null ? null : round(firstOffersVerdict, 2),
      // The median of the requests made (5 on a full list; a tiny list may end before one could be made).
      viewed_verdict_s: viewed.length === 0 ? null : round([...viewed].sort((x, y) => x - y)[viewed.length >> 1]!, 2),
      viewed_verdict_max_s: viewed.length === 0 ? null : round(Math.max(...viewed), 2),
      offers_calls_saved_ratio: round(1 - ok('getItemOffersBatch') / Math.max(1, offersEveryProduct), 3),
      task_offers_calls_saved: result.offersCallsSaved,
      steady_429s: throttledTotal - throttledAt10s,
      throttled_429_total: throttledTotal,
      search_requests: req('searchCatalogItems'),
      pricing_requests: req('getCompetitivePricing'),
      fees_requests: req('getMyFeesEstimates'),
      restrictions_requests: req('getListingsRestrictions'),
      offers_requests: req('getItemOffersBatch'),
      eligibility_requests: req('getItemEligibilityPreview'),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
