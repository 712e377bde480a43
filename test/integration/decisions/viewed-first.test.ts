// The product the seller is looking at is decided first, even while a long list is being decided: a real engine (SQLite
// file, forked worker running the real task table) against the SP-API double on 127.0.0.1 at every operation's rate
// (k× in the long run, as the decide bench does: the double and the worker's scheduler alike). The seller's request
// goes in decide_requests with its own job; the running list job takes it within a quarter second and decides it in
// a front lane at the scheduler's priority 0. Order and counts are asserted, never wall time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecideJobResult } from '../../../main/decisions/kind.ts';
import { requestDecisions } from '../../../main/decisions/requests.ts';
import { scaledRates, SPAPI_SECRETS } from '../../../main/lookups/providers.ts';
import { SPAPI_OPERATIONS } from '../../../main/lookups/scheduler.ts';
import { FINISHED_STATUSES } from '../../../main/queue/types.ts';
import { decideCase } from '../../bench/decide-bench.ts';
import {
  CREDENTIALS,
  DOUBLE_SELLER_ID,
  startSpApiDouble,
  type DoubleOp,
  type SpApiDouble,
} from '../../support/spapi-double.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

const ENV_KEYS = ['PALLET_SPAPI_ENDPOINT', 'PALLET_LWA_URL', 'PALLET_SPAPI_RATE_SCALE'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let api: SpApiDouble | null = null;
let t: TestEngine | null = null;
afterEach(async () => {
  await t?.stop();
  await api?.close();
  t = null;
  api = null;
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/** A list of n products (the decide bench's mix of cases), imported, with a worker whose scheduler runs at k×. */
async function setUp(n: number, k: number) {
  const cases = Array.from({ length: n }, (_, i) => decideCase(i));
  const items = cases.flatMap((c) => c.items);
  const rates = scaledRates(k);
  api = await startSpApiDouble({
    items,
    ratePerSec: SPAPI_OPERATIONS.searchCatalogItems.ratePerSec * k,
    burst: Math.max(1, Math.ceil(SPAPI_OPERATIONS.searchCatalogItems.burst * k)),
    ...(rates ? { rates: rates as Partial<Record<DoubleOp, { ratePerSec: number; burst: number }>> } : {}),
    latency: { minMs: 30 / k, maxMs: 250 / k, seed: 5 },
  });
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  if (k === 1) delete process.env.PALLET_SPAPI_RATE_SCALE;
  else process.env.PALLET_SPAPI_RATE_SCALE = String(k);
  t = await startTestEngine({
    secrets: () => ({
      [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
      [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
      [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
    }),
    queue: { backoff: { baseMs: 50, maxMs: 200 } },
    supervisor: { restartBaseMs: 20, restartMaxMs: 200 },
  });
  writeFileSync(join(t.dir, 'settings.json'), JSON.stringify({ spapiSellerId: DOUBLE_SELLER_ID }));
  const file = `UPC,Name,Brand,Cost\n${cases.map((c) => c.row).join('\n')}\n`;
  const imp = await t.run({ kind: 'import', payload: { path: t.file('list.csv', file), lookupAfter: false } }, 120_000);
  expect(imp.status).toBe('completed');
  for (const j of t.queue.list({ status: 'queued', limit: 1000 })) t.queue.cancel(j.id);
  const engine = t;
  const idOf = (i: number) =>
    engine.db
      .prepare('SELECT id FROM products WHERE gtin14 = ?')
      .pluck()
      .get(decideCase(i).row.split(',')[0]!.padStart(14, '0')) as number;
  return { cases, engine, idOf };
}

/**
 * The last product of the list (id order, which the list job follows) that goes the whole way: one ASIN, nothing in
 * the way, priced to make money, so its verdict needs the offers call — the scarcest token.
 */
function lastWholeWay(n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    const c = decideCase(i);
    const it = c.items[0];
    if (c.items.length !== 1 || !it || it.restriction || it.hazmat || it.itemOffers?.amazon) continue;
    const cost = Number(c.row.split(',').at(-1));
    if ((it.packageQuantity ?? 1) === 1 && !c.row.includes('-pack') && it.buyBox! > cost * 2 + 4) return i;
  }
  throw new Error('no product goes the whole way');
}

/** Requests Amazon answered (429s excluded), per operation. */
function answered(double: SpApiDouble): Record<string, number> {
  return Object.fromEntries(Object.entries(double.stats.byOp).map(([op, s]) => [op, s!.requests - s!.throttled]));
}

const decidedAt = (e: TestEngine, id: number) =>
  e.db.prepare(`SELECT decided_at FROM analyses WHERE product_id = ? AND marketplace = 'US'`).pluck().get(id) as
    number | null | undefined;
const pending = (e: TestEngine) =>
  e.db.prepare('SELECT product_id, claimed_job FROM decide_requests').all() as {
    product_id: number;
    claimed_job: number | null;
  }[];

describe('the viewed product goes first', () => {
  it('a request made while a long list is decided gets its verdict before the list gets far; the queued job then asks nothing', async () => {
    const N = 1000;
    const { engine, idOf } = await setUp(N, 10);
    const viewed = idOf(lastWholeWay(N));
    const list = engine.queue.enqueue({ kind: 'decide', payload: { all: true, priority: 1 } });
    const listDecided = () =>
      (engine.queue.get(list.id).checkpoint as { counts?: DecideJobResult } | null)?.counts?.decided ?? 0;
    await waitFor(() => listDecided() >= 1, 'the list run to give its first verdicts', 120_000);

    const { jobId, requestedAt } = requestDecisions(engine.db, engine.queue, [viewed]);
    await waitFor(() => (decidedAt(engine, viewed) ?? 0) >= requestedAt, 'the viewed product’s verdict', 120_000);
    // Saved while the list job still runs, with the request answered in the same transaction.
    expect(engine.queue.get(list.id).status).toBe('running');
    expect(pending(engine)).toEqual([]);
    const at = decidedAt(engine, viewed)!;
    const startedAt = (engine.queue.get(list.id).checkpoint as { startedAt: number }).startedAt;
    const before = engine.db
      .prepare(`SELECT count(*) FROM analyses WHERE decided_at >= ? AND decided_at <= ? AND product_id != ?`)
      .pluck()
      .get(startedAt, at, viewed) as number;
    const atRequest = engine.db
      .prepare(`SELECT count(*) FROM analyses WHERE decided_at >= ? AND decided_at < ?`)
      .pluck()
      .get(startedAt, requestedAt) as number;
    console.log(JSON.stringify({ decidedBeforeRequest: atRequest, decidedBeforeViewed: before, of: N }));
    // The last product in the list's order, decided before a fifth of the list (most of them already done when asked).
    expect(before).toBeLessThan(N / 5);
    const v = engine.db.prepare(`SELECT verdict, decided_asin FROM analyses WHERE product_id = ?`).get(viewed) as {
      verdict: string;
      decided_asin: string;
    };
    expect(['buy', 'check', 'skip']).toContain(v.verdict);
    // It went the whole way: its offers came from getItemOffersBatch.
    expect(engine.db.prepare(`SELECT source FROM offer_summaries WHERE asin = ?`).pluck().get(v.decided_asin)).toBe(
      'item_offers',
    );

    // The list finishes with every product decided once: the viewed one counted once, no ASIN's restriction asked twice.
    await waitFor(
      () => FINISHED_STATUSES.includes(engine.queue.get(list.id).status),
      'the list job to finish',
      300_000,
    );
    const done = engine.queue.get(list.id);
    expect(done.status).toBe('completed');
    const r = done.result as DecideJobResult;
    expect(r.decided).toBe(N);
    const restrictionsAsked = engine.db.prepare('SELECT count(*) FROM listing_restrictions').pluck().get() as number;
    expect(r.restrictionsCalls).toBe(restrictionsAsked);
    expect(answered(api!).getListingsRestrictions).toBe(r.restrictionsCalls);

    // The viewed product's own job, queued behind the list, finds it decided since the request and asks Amazon nothing.
    const calls = answered(api!);
    await waitFor(() => FINISHED_STATUSES.includes(engine.queue.get(jobId).status), 'the viewed job', 60_000);
    const own = engine.queue.get(jobId);
    expect(own.status).toBe('completed');
    expect(own.result).toMatchObject({
      decided: 0,
      catalogCalls: 0,
      pricingCalls: 0,
      restrictionsCalls: 0,
      offersCalls: 0,
      eligibilityCalls: 0,
    });
    expect(answered(api!)).toEqual(calls);
    expect(decidedAt(engine, viewed)).toBe(at);
  }, 420_000);

  it('a worker killed with the request in hand keeps the request; after the restart it is decided first', async () => {
    const N = 300;
    const { engine, idOf } = await setUp(N, 1);
    const viewed = idOf(lastWholeWay(N));
    const list = engine.queue.enqueue({ kind: 'decide', payload: { all: true, priority: 1 }, maxAttempts: 5 });
    await waitFor(
      () => ((engine.queue.get(list.id).checkpoint as { counts?: DecideJobResult } | null)?.counts?.decided ?? 0) >= 1,
      'the list run to give its first verdicts',
      120_000,
    );
    const { requestedAt } = requestDecisions(engine.db, engine.queue, [viewed]);
    // The run has taken it (marked in hand), and its verdict is not in yet: kill the worker there.
    let killed = false;
    await waitFor(
      () => {
        const row = pending(engine)[0];
        if (row?.claimed_job !== list.id || (decidedAt(engine, viewed) ?? 0) >= requestedAt) return false;
        process.kill(engine.engine.workers[0]!.pid!, 'SIGKILL');
        killed = true;
        return true;
      },
      'the run to take the request',
      60_000,
    );
    expect(killed).toBe(true);
    // Nothing the dead worker had in hand is lost: the request is still there, the product undecided since.
    expect(pending(engine).map((r) => r.product_id)).toEqual([viewed]);
    expect(decidedAt(engine, viewed) ?? 0).toBeLessThan(requestedAt);

    // The restarted worker resumes the list job, takes the request again and decides it ahead of the list.
    await waitFor(() => (decidedAt(engine, viewed) ?? 0) >= requestedAt, 'the viewed verdict after restart', 180_000);
    expect(pending(engine)).toEqual([]);
    // Whichever decide run the restarted worker took up first — the resumed list, or the request's own job (queued
    // ahead of it) — the list is far from done: the viewed product did not wait for it.
    expect(engine.queue.get(list.id).status).not.toBe('completed');
    // The last product in the list's order, decided with most of the list still to come.
    const before = engine.db
      .prepare(`SELECT count(*) FROM analyses WHERE decided_at <= ? AND product_id != ?`)
      .pluck()
      .get(decidedAt(engine, viewed)!, viewed) as number;
    console.log(JSON.stringify({ decidedBeforeViewed: before, of: N }));
    expect(before).toBeLessThan(N / 2);
    // The list itself resumes from its checkpoint, on its second attempt.
    await waitFor(
      () => engine.queue.get(list.id).status === 'running' && engine.queue.get(list.id).attempts === 2,
      'the list to resume',
      180_000,
    );
    engine.queue.cancel(list.id);
  }, 420_000);

  it('with no decide job running, the request’s own job decides the products at once and answers the requests', async () => {
    const { engine, idOf, cases } = await setUp(40, 1);
    const ids = [idOf(3), idOf(lastWholeWay(40))];
    const { jobId } = requestDecisions(engine.db, engine.queue, ids);
    await waitFor(() => FINISHED_STATUSES.includes(engine.queue.get(jobId).status), 'the viewed job', 120_000);
    const job = engine.queue.get(jobId);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ decided: 2 });
    expect(pending(engine)).toEqual([]);
    // Each candidate ASIN's restriction asked once, nothing for the other 38 products.
    const asins = [3, lastWholeWay(40)].reduce((s, i) => s + cases[i]!.items.length, 0);
    expect((job.result as DecideJobResult).restrictionsCalls).toBe(asins);
    expect(engine.db.prepare('SELECT count(*) FROM analyses WHERE verdict IS NOT NULL').pluck().get()).toBe(2);
  }, 180_000);
});
