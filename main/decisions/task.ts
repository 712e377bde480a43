// The `decide` job: for a set of products, the whole chain — lookup (when a product has no ASIN yet), competitive
// pricing, listing restrictions, the local analysis per candidate ASIN with the pack multiplier, the first cut, item
// offers for the survivors (best expected profit first), FBA eligibility where the catalog said nothing of hazmat, and
// the verdict. Stages run at once, joined by small queues, every call through the account's one scheduler: the first
// verdicts land within seconds while later products keep every operation's bucket busy. Each answer is committed with
// the job's checkpoint as it arrives; a resumed run asks again only what this run had not saved yet.
import { setMaxListeners } from 'node:events';
import type { AnalysisOptions } from '../analysis/analyze.ts';
import { scheduleFor, type FeeSchedule } from '../analysis/schedule.ts';
import { createAnalysisWriter, ANALYSIS_SELECT } from '../analysis/task.ts';
import type { Db } from '../db/open.ts';
import { ProviderError, type LookupAnswer, type LookupProvider } from '../lookups/provider.ts';
import type { Priority } from '../lookups/scheduler.ts';
import { stopsEverything } from '../lookups/sp-api/answers.ts';
import type { FbaEligibilityClient } from '../lookups/sp-api/eligibility.ts';
import type { ItemOffersClient } from '../lookups/sp-api/offers.ts';
import type { SpApiPricing } from '../lookups/sp-api/pricing.ts';
import { SELLER_ID_PATTERN, type ListingsRestrictions } from '../lookups/sp-api/restrictions.ts';
import { createMatchWriter } from '../lookups/task.ts';
import type { Queue } from '../queue/queue.ts';
import type { Lease } from '../queue/types.ts';
import { NetworkUnavailableError, TaskError, parsePayload, type Task } from '../workers/runtime/task.ts';
import { createMatchSink } from './catalog.ts';
import { evaluateCandidate, type CandidateFacts, type JudgeContext, type DecideProductRow } from './evaluate.ts';
import { createCondition, createOffersPool } from './flow.ts';
import { firstCut } from './funnel.ts';
import { decidePayloadSchema, type DecideJobResult } from './kind.ts';
import type { Reason } from './reasons.ts';
import { createDecideRequests, type DecideRequest } from './requests.ts';
import { referenceOffers, referenceRestriction } from './reference.ts';
import { createDecisionStore, type ListingRestriction, type OfferSummary } from './store.ts';
import type { ReferenceFacts } from '../lookups/reference-facts.ts';
import { chooseCandidate, type DecisionThresholds } from './verdict.ts';

/** The seller's settings a decision reads (from the settings file beside the database, in a worker). */
export interface DecideSettings {
  sellerId: string | null;
  thresholds: DecisionThresholds;
  /** Fee assumptions on top of Amazon's. */
  prepPerUnit: number;
  inboundPerLb: number;
}

/** Amazon's clients, each call at the job's priority through the account's scheduler. */
export interface DecideClients {
  search: LookupProvider;
  pricing: Pick<SpApiPricing, 'competitivePrices'>;
  restrictions: Pick<ListingsRestrictions, 'restriction'>;
  offers: Pick<ItemOffersClient, 'batch'>;
  eligibility: Pick<FbaEligibilityClient, 'preview'>;
}

export interface DecideTaskDeps {
  database(): { db: Db; queue: Queue };
  settings(): DecideSettings;
  /** Whether SP-API credentials are there; without them the job decides from the local catalog and analysis. */
  hasSpApi(): boolean;
  clients(marketplace: string, sellerId: string, priority: Priority): DecideClients;
  /** The local reference catalog as a provider (lookups without SP-API). */
  localSearch(db: Db, marketplace: string): LookupProvider;
  /** What the local reference catalog says of an ASIN's offers and restriction (read without SP-API only). */
  reference?(db: Db): (asin: string) => ReferenceFacts | null;
  clock?: () => Date;
  /** Products read, looked up and queued per step (default 20: one catalog search, one pricing call). */
  window?: number;
}

type Counts = Omit<DecideJobResult, 'source' | 'feeSchedule'>;
type Checkpoint = { startedAt: number; counts: Counts };

const ZERO: Counts = {
  decided: 0,
  buy: 0,
  check: 0,
  skip: 0,
  candidates: 0,
  lookedUp: 0,
  catalogCalls: 0,
  pricingCalls: 0,
  restrictionsCalls: 0,
  offersCalls: 0,
  offersCallsSaved: 0,
  eligibilityCalls: 0,
  answerErrors: 0,
};

const DECIDE_SELECT = ANALYSIS_SELECT.replace(
  'SELECT id,',
  'SELECT id, gtin14, name, pack_size, asin, asin_override, lookup_status,',
);

/** One candidate on its way through the stages. */
interface Cand extends CandidateFacts {
  product: Prod;
  priced: boolean;
  restricted: boolean;
  offered: boolean;
  checkedEligibility: boolean;
  stage: 'fetch' | 'offers' | 'eligibility' | 'settled';
  /** Answers the reference catalog gave offline, saved with the verdict as Amazon's answers are. */
  fromReference?: { summary: OfferSummary | null; restriction: ListingRestriction | null };
}
interface Prod {
  row: DecideProductRow;
  cands: Cand[];
  unsettled: number;
  /** Answers fetched since then are fresh for this product: the run's start, or when the seller asked for it. */
  since: number;
  /** The seller asked for it: its calls go in the front lane, at the scheduler's priority 0. */
  urgent: boolean;
  /** One of the job's own products (counted in its progress). */
  fromList: boolean;
  /** The request this product answers (deleted with its verdict). */
  requestedAt: number | null;
  lookupError?: string;
}

/** Builds the decide task. */
export function createDecideTask(deps: DecideTaskDeps): Task<'decide'> {
  const width = deps.window ?? 20;
  return async (ctx) => {
    const p = parsePayload(decidePayloadSchema, ctx.job.payload, 'decide');
    const mp = p.marketplace;
    const priority = p.priority as Priority;
    const { db, queue } = deps.database();
    const settings = deps.settings();
    const today = deps.clock?.() ?? new Date();
    let schedule: FeeSchedule;
    try {
      schedule = scheduleFor(today);
    } catch (err) {
      throw new TaskError('no_fee_schedule', (err as Error).message);
    }
    const options: AnalysisOptions = {
      month: today.getUTCMonth() + 1,
      prepPerUnit: settings.prepPerUnit,
      inboundPerLb: settings.inboundPerLb,
      targets: {
        minRoi: settings.thresholds.minRoi,
        minProfit: settings.thresholds.minProfit,
        ...(settings.thresholds.maxRank !== null ? { maxRank: settings.thresholds.maxRank } : {}),
      },
    };
    const judge: JudgeContext = { schedule, options, thresholds: settings.thresholds };
    const online = deps.hasSpApi();
    const sellerId = settings.sellerId?.trim() ?? '';
    // The daily refresh of a seller who has not given the seller id yet has nothing it could refresh: it stays quiet
    // (a job the seller asked for says what is missing).
    if (online && !SELLER_ID_PATTERN.test(sellerId) && p.staleDays !== undefined)
      return { ...ZERO, source: 'local', feeSchedule: schedule.id } satisfies DecideJobResult;
    if (online && !SELLER_ID_PATTERN.test(sellerId))
      throw new TaskError(
        'no_seller_id',
        sellerId
          ? `"${sellerId.slice(0, 24)}" is not an Amazon seller id (it looks like A2EXAMPLE1234); fix it in Settings.`
          : 'Buying decisions need your Amazon seller id ("Merchant Token" in Seller Central → Account info) to check listing restrictions; add it in Settings.',
      );
    const api = online ? deps.clients(mp, sellerId, priority) : null;
    // The products the seller asks for while this run goes: the same pipeline, every call at priority 0.
    const frontApi = online ? deps.clients(mp, sellerId, 0) : null;
    const search = api ? api.search : deps.localSearch(db, mp);
    const reference = api ? null : (deps.reference?.(db) ?? null);
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const store = createDecisionStore(db);
    const writeAnalysis = createAnalysisWriter(db);
    const writeMatches = createMatchWriter(db);
    const sink = createMatchSink(db);
    const cachePut = db.prepare(
      'INSERT OR REPLACE INTO lookup_cache (gtin14, marketplace, provider, matches, fetched_at) VALUES (?, ?, ?, ?, ?)',
    );
    const setPrice = db.prepare(
      'UPDATE products SET amazon_price = coalesce(?, amazon_price), offer_count = ?, amazon_price_at = ? WHERE id = ?',
    );
    const byId = db.prepare<[number], DecideProductRow>(`${DECIDE_SELECT} WHERE id = ?`);
    const decidedAt = db
      .prepare<[number, string], number | null>(
        'SELECT decided_at FROM analyses WHERE product_id = ? AND marketplace = ?',
      )
      .pluck();

    // The run's first start: answers saved since then are this run's and are not asked again after a resume.
    let cp = (ctx.job.checkpoint as Checkpoint | null) ?? null;
    if (cp === null) {
      const first: Checkpoint = { startedAt: Date.now(), counts: { ...ZERO } };
      cp = queue.checkpointAfter(lease, () => first);
    }
    const startedAt = cp.startedAt;
    // A job the seller queued for what they look at: what a run decided since they asked is not asked again.
    const listSince = p.requestedAt !== undefined ? Math.min(startedAt, p.requestedAt) : startedAt;
    const requests = createDecideRequests(db);
    const ids = productIds(db, p, startedAt);
    /** Commits writes with the checkpoint (the counts they change), under the job's lease. */
    const commit = (writes: (c: Counts, now: number) => void): void => {
      const prev: Checkpoint = cp!;
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const c = { ...prev.counts };
        writes(c, Date.now());
        return { startedAt, counts: c };
      });
    };
    const report = () => {
      const c = cp!.counts;
      ctx.progress({
        total: ids.length,
        done: Math.min(ids.length, doneBefore + decidedNow),
        succeeded: c.buy,
        skipped: c.skip,
        note: `Deciding: ${c.buy} buy · ${c.check} check · ${c.skip} skip`,
      });
    };

    // Stages stop together: the first failure (offline, refused credentials, a lost lease) aborts the others.
    const stop = new AbortController();
    setMaxListeners(10_000, stop.signal);
    const onAbort = () => stop.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    let failure: unknown = null;
    const fail = (err: unknown) => {
      if (failure === null && !stop.signal.aborted) failure = err;
      stop.abort(err);
    };
    const changed = createCondition();

    /**
     * Two lanes through the same stages: the list's, and the front lane of the products the seller asked for (polled
     * from decide_requests), whose calls wait at priority 0 and so take each operation's next token.
     */
    const newLane = (clients: DecideClients | null, prio: Priority) => ({
      api: clients,
      priority: prio,
      pricingQ: [] as Cand[],
      restrictQ: [] as Cand[],
      eligQ: [] as Cand[],
      pool: createOffersPool<Cand>(),
      /** Candidates waiting for pricing or restrictions. */
      fetching: 0,
    });
    type Lane = ReturnType<typeof newLane>;
    const list = newLane(api, priority);
    const front = newLane(frontApi, 0);
    const laneOf = (cand: Cand): Lane => (cand.product.urgent ? front : list);
    /** Products read and not decided yet, by id (both lanes). */
    const open = new Map<number, Prod>();
    let frontOpen = 0;
    let prepared = false;
    let doneBefore = 0;
    let decidedNow = 0;
    let wakePoll: (() => void) | null = null;

    /** The list's products are all read and none waits for pricing or restrictions: no more can join its pool. */
    const upstreamDone = () => prepared && list.fetching === 0;
    /** The list is read and every product read is decided: the stages and the request poll stop. */
    const over = () => prepared && open.size === 0;

    const fresh = (t: number | undefined | null, since: number) => t !== undefined && t !== null && t >= since;
    const fetchedNow = (t: number | undefined | null) => fresh(t, listSince);

    function loadCandidates(prod: Prod): void {
      const row = prod.row;
      const fetchedNow = (t: number | undefined | null) => fresh(t, prod.since);
      const asins = store.candidates(row.id, mp).map((c) => c.asin);
      if (asins.length === 0 && row.asin) asins.push(row.asin);
      if (row.asin_override && !asins.includes(row.asin_override)) asins.push(row.asin_override);
      for (const asin of asins) {
        // Offline, the reference catalog stands in for Amazon's offers and restriction answers where it has them.
        const facts = reference?.(asin) ?? null;
        const refNow = Date.now();
        const refSummary = facts ? referenceOffers(facts, asin, mp, refNow) : null;
        const refRestriction = facts ? referenceRestriction(facts, asin, mp, refNow) : null;
        const summary = refSummary ?? store.offerSummary(asin, mp);
        const restriction = api ? store.restriction(asin, mp, sellerId) : refRestriction;
        const eligibility = store.eligibility(asin, mp);
        const cand: Cand = {
          asin,
          product: prod,
          catalog: store.catalogItem(asin, mp),
          summary,
          restriction: restriction && fetchedNow(restriction.fetchedAt) ? restriction : null,
          eligibility: eligibility && fetchedNow(eligibility.fetchedAt) ? eligibility : null,
          local: !api,
          priced: !api || fetchedNow(summary?.fetchedAt),
          restricted: !api || fetchedNow(restriction?.fetchedAt),
          offered: fetchedNow(summary?.fetchedAt) && summary?.source === 'item_offers',
          checkedEligibility: fetchedNow(eligibility?.fetchedAt),
          stage: 'fetch',
          ...(refSummary || refRestriction
            ? { fromReference: { summary: refSummary, restriction: refRestriction } }
            : {}),
        };
        prod.cands.push(cand);
      }
      prod.unsettled = prod.cands.length;
    }

    /** Pricing and restrictions are in: the first cut sends the candidate to the offers pool or settles it. */
    function afterFetch(cand: Cand): void {
      if (!cand.priced || !cand.restricted || cand.stage !== 'fetch') return;
      laneOf(cand).fetching--;
      if (!api || cand.offered) return afterOffers(cand);
      const e = evaluateCandidate(cand.product.row, cand, judge);
      const cut = firstCut(
        {
          asin: cand.asin,
          restriction: cand.restriction?.status ?? null,
          hazmat: cand.eligibility
            ? cand.eligibility.status === 'eligible'
              ? 'none'
              : cand.eligibility.status
            : (cand.catalog?.hazmat?.status ?? null),
          roi: e.analysis.roi,
          profit: e.analysis.profit,
          packMultiplier: e.pack.multiplier,
        },
        { minRoi: settings.thresholds.minRoi },
      );
      if (!cut.fetchOffers) {
        cand.cut = true;
        return settle(cand);
      }
      cand.stage = 'offers';
      laneOf(cand).pool.add(
        { asin: cand.asin, profit: e.analysis.profit, estSalesMid: e.analysis.estMonthlySales?.mid ?? null },
        cand,
      );
      changed.notify();
    }

    /** Offers are in (or were not needed): eligibility only where the verdict still hangs on an unknown hazmat. */
    function afterOffers(cand: Cand): void {
      if (api && !cand.checkedEligibility && !cand.catalog?.hazmat) {
        const e = evaluateCandidate(cand.product.row, cand, judge);
        if (e.decision.verdict !== 'skip') {
          cand.stage = 'eligibility';
          laneOf(cand).eligQ.push(cand);
          changed.notify();
          return;
        }
      }
      settle(cand);
    }

    function settle(cand: Cand): void {
      if (cand.stage === 'settled') return;
      cand.stage = 'settled';
      const prod = cand.product;
      if (--prod.unsettled === 0) finish(prod);
      changed.notify();
    }

    /** Every candidate of a product is judged: choose one and save the verdict, analysis and candidates together. */
    function finish(prod: Prod): void {
      const row = prod.row;
      const evals = prod.cands.map((c) => evaluateCandidate(row, c, judge));
      const choice = chooseCandidate(
        evals.map((e) => ({
          asin: e.asin,
          verdict: e.decision.verdict,
          profit: e.analysis.profit,
          roi: e.analysis.roi,
          estSales: e.analysis.estMonthlySales?.mid ?? null,
        })),
        row.asin_override,
      );
      const chosen = evals.find((e) => e.asin === choice.chosen?.asin) ?? null;
      commit((c, now) => {
        for (const cand of prod.cands) {
          const ref = cand.fromReference;
          if (ref?.summary) store.upsertOfferSummary({ ...ref.summary, fetchedAt: now });
          if (ref?.restriction) store.upsertRestriction({ ...ref.restriction, fetchedAt: now });
        }
        if (chosen) {
          writeAnalysis(row.id, mp, chosen.analysis, now);
          const m = chosen.pack.multiplier;
          store.saveVerdict(row.id, mp, {
            verdict: chosen.decision.verdict,
            reasons: chosen.decision.reasons,
            packMultiplier: m !== null && m > 0 ? m : null,
            asin: chosen.asin,
            decidedAt: now,
          });
          store.replaceCandidates(
            row.id,
            mp,
            evals.map((e) => ({
              asin: e.asin,
              chosen: e === chosen,
              verdict: e.decision.verdict,
              profit: e.analysis.profit,
              roi: e.analysis.roi,
              estSalesMid: e.analysis.estMonthlySales ? Math.round(e.analysis.estMonthlySales.mid) : null,
              reasons: e.decision.reasons,
            })),
            now,
          );
        } else {
          // No ASIN: the analysis on the file's own figures, and why there is nothing to decide on.
          const only = evaluateCandidate(
            row,
            { asin: '', catalog: null, summary: null, restriction: null, eligibility: null },
            judge,
          );
          writeAnalysis(row.id, mp, only.analysis, now);
          const reason: Reason = prod.lookupError
            ? { code: 'no_asin', severity: 'check', text: `Amazon's catalog search failed: ${prod.lookupError}` }
            : { code: 'no_asin', severity: 'skip', text: 'No Amazon listing (ASIN) found for this product.' };
          store.saveVerdict(row.id, mp, {
            verdict: reason.severity === 'skip' ? 'skip' : 'check',
            reasons: [reason],
            packMultiplier: null,
            asin: null,
            decidedAt: now,
          });
        }
        // The request is answered in the transaction that saves its verdict: a crash before it keeps the request.
        if (prod.requestedAt !== null) requests.done(row.id, mp, prod.requestedAt);
        const verdict = chosen ? chosen.decision.verdict : prod.lookupError ? 'check' : 'skip';
        c.decided++;
        c[verdict]++;
        c.candidates += prod.cands.length;
      });
      open.delete(row.id);
      if (prod.urgent) frontOpen--;
      if (prod.fromList) decidedNow++;
      report();
      if (over()) wakePoll?.();
      changed.notify();
    }

    /** Queues products' candidates in their lane (after any lookup); those with none are decided at once. */
    function enter(prods: Prod[]): void {
      for (const prod of prods) {
        loadCandidates(prod);
        if (prod.cands.length === 0) {
          finish(prod);
          continue;
        }
        for (const cand of prod.cands) {
          const lane = laneOf(cand);
          lane.fetching++;
          if (!cand.priced) lane.pricingQ.push(cand);
          if (!cand.restricted) lane.restrictQ.push(cand);
        }
      }
      for (const prod of prods) for (const cand of prod.cands) afterFetch(cand);
      changed.notify();
    }

    /** A product of the list the seller asked for: it and whatever of it waits moves to the front lane. */
    function promote(prod: Prod, requestedAt: number): void {
      prod.urgent = true;
      prod.requestedAt = requestedAt;
      frontOpen++;
      const move = (from: Cand[], to: Cand[], cand: Cand) => {
        const at = from.indexOf(cand);
        if (at < 0) return; // in a call now: its answer routes it by its product's lane
        from.splice(at, 1);
        to.push(cand);
      };
      for (const cand of prod.cands) {
        if (cand.stage === 'fetch') {
          list.fetching--;
          front.fetching++;
          move(list.pricingQ, front.pricingQ, cand);
          move(list.restrictQ, front.restrictQ, cand);
        } else if (cand.stage === 'offers') {
          // Other products waiting on the same ASIN ride along; each is routed by its own lane after the answer.
          const entry = list.pool.remove(cand.asin);
          if (entry) front.pool.put(entry);
        } else if (cand.stage === 'eligibility') move(list.eligQ, front.eligQ, cand);
      }
    }

    const admitting = new Set<Promise<void>>();
    /**
     * Takes the seller's pending requests (up to a window's worth in hand): a product already decided since it was
     * asked for just has its request answered; one of the list in flight is promoted; the others enter the front lane.
     */
    function take(): void {
      if (frontOpen >= width) return;
      const answered: DecideRequest[] = [];
      const claimed: DecideRequest[] = [];
      const entering: Prod[] = [];
      for (const req of requests.claimable(mp, ctx.job.id, width + frontOpen)) {
        if (frontOpen >= width) break;
        const held = open.get(req.productId);
        if (held?.urgent) continue; // in hand; asked again since: taken afresh once this one is decided
        if (held) {
          promote(held, req.requestedAt);
          claimed.push(req);
          continue;
        }
        const row = fresh(decidedAt.get(req.productId, mp), req.requestedAt) ? undefined : byId.get(req.productId);
        if (!row) {
          answered.push(req); // decided since it was asked for (or no longer a product)
          continue;
        }
        const prod: Prod = {
          row,
          cands: [],
          unsettled: 0,
          since: req.requestedAt,
          urgent: true,
          fromList: false,
          requestedAt: req.requestedAt,
        };
        open.set(row.id, prod);
        frontOpen++;
        entering.push(prod);
        claimed.push(req);
      }
      if (answered.length === 0 && claimed.length === 0) return;
      commit((_c, now) => {
        for (const r of answered) requests.done(r.productId, mp, r.requestedAt);
        for (const r of claimed) requests.mark(r.productId, mp, ctx.job.id, now);
      });
      if (entering.length > 0) {
        const admit = run(async () => {
          await lookUp(entering, frontApi ? frontApi.search : search);
          if (!stop.signal.aborted) enter(entering);
        });
        admitting.add(admit);
        void admit.finally(() => admitting.delete(admit));
      }
      changed.notify();
    }

    /** Polls decide_requests every ~250 ms (one small indexed read) while the run lasts; never blocks a stage. */
    async function poll(): Promise<void> {
      while (!stop.signal.aborted && !over()) {
        take();
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            stop.signal.removeEventListener('abort', done);
            wakePoll = null;
            resolve();
          };
          const timer = setTimeout(done, 250);
          stop.signal.addEventListener('abort', done, { once: true });
          wakePoll = done;
        });
      }
    }

    /** Reads the products a window at a time, looks up those without an ASIN, and feeds the fetch stages. */
    async function prepare(): Promise<void> {
      for (let i = 0; i < ids.length; i += width) {
        // Stay a bounded distance ahead of the slowest stage.
        while (list.fetching > 50 * width && !stop.signal.aborted) await changed.wait(stop.signal);
        if (stop.signal.aborted) return;
        const prods: Prod[] = [];
        for (const id of ids.slice(i, i + width)) {
          // The seller asked for it: the front lane has it in hand.
          if (open.has(id)) {
            doneBefore++;
            continue;
          }
          const row = byId.get(id);
          if (!row) continue;
          if (fetchedNow(decidedAt.get(id, mp))) {
            doneBefore++;
            continue;
          }
          const prod: Prod = {
            row,
            cands: [],
            unsettled: 0,
            since: listSince,
            urgent: false,
            fromList: true,
            requestedAt: null,
          };
          open.set(id, prod);
          prods.push(prod);
        }
        await lookUp(prods);
        if (stop.signal.aborted) return;
        enter(prods);
      }
    }

    /** Products with no ASIN and no candidates are looked up first (catalog data and candidates stored as the lookup does). */
    async function lookUp(prods: Prod[], via: LookupProvider = search): Promise<void> {
      const need = prods.filter(
        (x) =>
          x.row.gtin14 &&
          !x.row.asin &&
          x.row.lookup_status !== 'not_found' &&
          store.candidates(x.row.id, mp).length === 0,
      );
      if (need.length === 0) return;
      const gtins = [...new Set(need.map((x) => x.row.gtin14!))];
      let answers: LookupAnswer[] = [];
      const calls = via.id === 'spapi' ? Math.ceil(gtins.length / 20) : 0;
      try {
        answers = await via.lookup(gtins, stop.signal);
      } catch (err) {
        if (!(err instanceof ProviderError) || err.code.startsWith('auth_')) throw err;
        for (const x of need) x.lookupError = err.message;
        return;
      }
      const byGtin = new Map(answers.map((a) => [a.gtin14, a]));
      commit((c, now) => {
        c.catalogCalls += calls;
        for (const x of need) {
          const a = byGtin.get(x.row.gtin14!);
          if (!a || a.error) {
            x.lookupError = a?.error?.message ?? 'no answer for this barcode.';
            c.answerErrors++;
            continue;
          }
          cachePut.run(a.gtin14, mp, via.id, JSON.stringify(a.matches), now);
          writeMatches(x.row.id, a.matches, now);
          if (a.matches.length > 0) sink(x.row.id, mp, via.id, a.matches, now);
          c.lookedUp++;
        }
      });
      for (const x of need) {
        const fresh = byId.get(x.row.id);
        if (fresh) x.row = fresh;
      }
    }

    /**
     * Competitive pricing, 20 ASINs a call: the Buy Box the first cut prices at. The front lane asks at once and fills
     * its call with the list's waiting ASINs (its token is one the list would have spent).
     */
    async function pricing(lane: Lane): Promise<void> {
      for (;;) {
        if (stop.signal.aborted) return;
        if (lane.pricingQ.length === 0) {
          if (over()) return;
          await changed.wait(stop.signal);
          continue;
        }
        const batch: Cand[] = [];
        const asins: string[] = [];
        for (const q of lane === front ? [front.pricingQ, list.pricingQ] : [list.pricingQ])
          while (q.length > 0 && (asins.length < 20 || asins.includes(q[0]!.asin))) {
            const cand = q.shift()!;
            batch.push(cand);
            if (!asins.includes(cand.asin)) asins.push(cand.asin);
          }
        let prices: Awaited<ReturnType<DecideClients['pricing']['competitivePrices']>> = [];
        let error: string | null = null;
        try {
          prices = await lane.api!.pricing.competitivePrices(asins, stop.signal);
        } catch (err) {
          if (!(err instanceof ProviderError) || stopsEverything(err)) throw err;
          error = err.message;
          queue.addErrors(ctx.job.id, [{ code: err.code, message: `${asins.length} ASINs: ${err.message}` }]);
        }
        const byAsin = new Map(prices.map((x) => [x.asin, x]));
        commit((c, now) => {
          if (error === null) c.pricingCalls++;
          for (const asin of asins) {
            const price = byAsin.get(asin);
            if (!price) continue;
            store.upsertOfferSummary({
              asin,
              marketplace: mp,
              buyBoxPrice: price.buyBox,
              buyBoxWinner: null,
              amazonOnListing: null,
              fbaOffers: null,
              fbmOffers: null,
              lowestFba: null,
              lowestFbm: null,
              source: 'competitive_pricing',
              fetchedAt: now,
            });
          }
          for (const cand of batch)
            if (byAsin.has(cand.asin) && cand.asin === cand.product.row.asin)
              setPrice.run(byAsin.get(cand.asin)!.buyBox, byAsin.get(cand.asin)!.offers, now, cand.product.row.id);
        });
        for (const cand of batch) {
          if (byAsin.has(cand.asin)) cand.summary = store.offerSummary(cand.asin, mp);
          else cand.pricingError = error ?? 'Amazon gave no price for this ASIN.';
          cand.priced = true;
          afterFetch(cand);
        }
        changed.notify();
      }
    }

    /** Listing restrictions, one ASIN a call (5/s): `askers` in flight keep the bucket busy; each answer saved as it comes. */
    async function restrictions(lane: Lane, askers: number): Promise<void> {
      const ask = async (): Promise<void> => {
        for (;;) {
          if (stop.signal.aborted) return;
          if (lane.restrictQ.length === 0) {
            if (over()) return;
            await changed.wait(stop.signal);
            continue;
          }
          const cand = lane.restrictQ.shift()!;
          // Another product may have asked for this ASIN already in this run.
          const known = store.restriction(cand.asin, mp, sellerId);
          if (known && fresh(known.fetchedAt, cand.product.since)) {
            cand.restriction = known;
            cand.restricted = true;
            afterFetch(cand);
            continue;
          }
          try {
            const r = await lane.api!.restrictions.restriction(cand.asin, {
              signal: stop.signal,
              priority: lane.priority,
            });
            commit((c, now) => {
              c.restrictionsCalls++;
              store.upsertRestriction({ ...r, marketplace: mp, sellerId, fetchedAt: now });
            });
            cand.restriction = store.restriction(cand.asin, mp, sellerId);
          } catch (err) {
            if (!(err instanceof ProviderError) || stopsEverything(err)) throw err;
            cand.restrictionError = err.message;
            commit((c) => {
              c.restrictionsCalls++;
              c.answerErrors++;
            });
          }
          cand.restricted = true;
          afterFetch(cand);
          changed.notify();
        }
      };
      await Promise.all(Array.from({ length: askers }, ask));
    }

    /**
     * getItemOffersBatch: the list's 20 most promising ASINs a call, full batches while more are coming; the front
     * lane's ASINs at once, the call filled with the list's best.
     */
    async function offers(lane: Lane): Promise<void> {
      for (;;) {
        if (stop.signal.aborted) return;
        const ready =
          lane === front ? front.pool.size > 0 : list.pool.size >= 20 || (list.pool.size > 0 && upstreamDone());
        if (!ready) {
          if (over()) return;
          await changed.wait(stop.signal);
          continue;
        }
        const entries = lane.pool.take(20);
        if (lane === front)
          for (const e of list.pool.take(20 - entries.length)) {
            // One ASIN twice in a batch is refused: waiters of an ASIN both lanes hold share its entry.
            const same = entries.find((x) => x.asin === e.asin);
            if (same) same.waiting.push(...e.waiting);
            else entries.push(e);
          }
        try {
          const asins = entries.map((e) => e.asin);
          let answers: Awaited<ReturnType<DecideClients['offers']['batch']>>;
          try {
            answers = await lane.api!.offers.batch(asins, { signal: stop.signal, priority: lane.priority });
          } catch (err) {
            if (!(err instanceof ProviderError) || stopsEverything(err)) throw err;
            answers = asins.map((asin) => ({ asin, error: { code: err.code, message: err.message } }));
          }
          const byAsin = new Map(answers.map((a) => [a.asin, a]));
          commit((c, now) => {
            c.offersCalls++;
            for (const a of answers) {
              if ('error' in a) {
                c.answerErrors++;
                continue;
              }
              store.upsertOfferSummary({
                asin: a.asin,
                marketplace: mp,
                buyBoxPrice: a.buyBoxPrice,
                buyBoxWinner: a.buyBoxWinner,
                amazonOnListing: a.amazonOnListing,
                fbaOffers: a.fbaOffers,
                fbmOffers: a.fbmOffers,
                lowestFba: a.lowestFba,
                lowestFbm: a.lowestFbm,
                source: 'item_offers',
                fetchedAt: now,
              });
            }
          });
          for (const e of entries) {
            const a = byAsin.get(e.asin);
            const summary = a && !('error' in a) ? store.offerSummary(e.asin, mp) : null;
            for (const cand of e.waiting) {
              if (summary) cand.summary = summary;
              else cand.offersError = a && 'error' in a ? a.error.message : 'Amazon gave no offers for this ASIN.';
              cand.offered = true;
              afterOffers(cand);
            }
          }
        } finally {
          changed.notify();
        }
      }
    }

    /** FBA eligibility previews (1/s): `askers` in flight, each answer saved as it comes. */
    async function eligibility(lane: Lane, askers: number): Promise<void> {
      const ask = async (): Promise<void> => {
        for (;;) {
          if (stop.signal.aborted) return;
          if (lane.eligQ.length === 0) {
            if (over()) return;
            await changed.wait(stop.signal);
            continue;
          }
          const cand = lane.eligQ.shift()!;
          const known = store.eligibility(cand.asin, mp);
          if (known && fresh(known.fetchedAt, cand.product.since)) {
            cand.eligibility = known;
          } else {
            try {
              const e = await lane.api!.eligibility.preview(cand.asin, {
                signal: stop.signal,
                priority: lane.priority,
              });
              commit((c, now) => {
                c.eligibilityCalls++;
                store.upsertEligibility({
                  asin: e.asin,
                  marketplace: mp,
                  status: e.status,
                  reasonCodes: e.reasonCodes,
                  fetchedAt: now,
                });
              });
              cand.eligibility = store.eligibility(cand.asin, mp);
            } catch (err) {
              if (!(err instanceof ProviderError) || stopsEverything(err)) throw err;
              cand.eligibilityError = err.message;
              commit((c) => {
                c.eligibilityCalls++;
                c.answerErrors++;
              });
            }
          }
          cand.checkedEligibility = true;
          settle(cand);
        }
      };
      await Promise.all(Array.from({ length: askers }, ask));
    }

    const run = (stage: () => Promise<void>) =>
      stage().catch((err: unknown) => {
        fail(err);
      });
    report();
    // Requests waiting when the run starts go first: taken before the list's first window is read.
    take();
    try {
      await Promise.all([
        run(async () => {
          try {
            await prepare();
          } finally {
            prepared = true;
            if (over()) wakePoll?.();
            changed.notify();
          }
        }),
        run(poll),
        ...(api
          ? [
              run(() => pricing(list)),
              run(() => restrictions(list, 10)),
              run(() => offers(list)),
              run(() => eligibility(list, 2)),
              run(() => pricing(front)),
              run(() => restrictions(front, 3)),
              run(() => offers(front)),
              run(() => eligibility(front, 2)),
            ]
          : []),
      ]);
      await Promise.all(admitting);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (ctx.signal.aborted) return null;
    if (failure !== null) throw asTaskError(failure);
    // What asking offers for every candidate would have cost, against what the funnel spent.
    commit((c) => {
      c.offersCallsSaved = api ? Math.max(0, Math.ceil(c.candidates / 20) - c.offersCalls) : 0;
    });
    report();
    return { ...cp!.counts, source: api ? 'spapi' : 'local', feeSchedule: schedule.id } satisfies DecideJobResult;
  };
}

/** Offline waits for the network; refused credentials and a missing role fail the job with Amazon's words. */
function asTaskError(err: unknown): unknown {
  if (err instanceof NetworkUnavailableError || err instanceof TaskError) return err;
  if (err instanceof ProviderError) return new TaskError(err.code, err.message, err.retryable);
  return err;
}

/** The products a payload names, in id order. */
function productIds(
  db: Db,
  p: { ids?: number[]; importId?: number; all?: true; staleDays?: number; limit?: number; marketplace?: string },
  startedAt: number,
): number[] {
  if (p.ids) return [...new Set(p.ids)].sort((a, b) => a - b);
  if (p.staleDays !== undefined) {
    // Decided before the run began, longer ago than staleDays: restrictions, offers and prices change. Counted from
    // the run's first start, so a resumed run picks up where it was (those it decided are no longer stale).
    return db
      .prepare<[string, number, number], number>(
        `SELECT product_id FROM analyses WHERE marketplace = ? AND verdict IS NOT NULL AND decided_at < ?
         ORDER BY decided_at, product_id LIMIT ?`,
      )
      .pluck()
      .all(p.marketplace ?? 'US', startedAt - p.staleDays * 86_400_000, p.limit ?? 2000)
      .sort((a, b) => a - b);
  }
  if (p.importId !== undefined) {
    const exists = db.prepare('SELECT 1 FROM imports WHERE id = ?').get(p.importId);
    if (!exists) throw new TaskError('no_such_import', `There is no import ${p.importId}.`);
    return db
      .prepare<[number, number, number, number], number>(
        `SELECT id FROM products WHERE seen_import_id = ? OR import_id = ? OR created_import_id = ?
         UNION SELECT product_id FROM supplier_offer_history WHERE import_id = ? ORDER BY 1`,
      )
      .pluck()
      .all(p.importId, p.importId, p.importId, p.importId);
  }
  return db.prepare<[], number>('SELECT id FROM products ORDER BY id').pluck().all();
}
