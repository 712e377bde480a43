// One scheduler for every SP-API operation of one seller account: a token bucket per operation at its documented
// rate and burst (sp-api.md), following `x-amzn-RateLimit-Limit` and slowing down on 429, with the waiting requests
// of all stages served by priority (0 = the product the seller is looking at, 1 = funnel, 2 = sweep), FIFO within one.
import { createRateLimiter, realClock, type CallLimiter, type LimiterClock, type RateLimiter } from './rate-limiter.ts';

/** Default usage plans (requests per second, burst) of the operations Pallet calls, from Amazon's models. */
export const SPAPI_OPERATIONS = {
  searchCatalogItems: { ratePerSec: 2, burst: 2 },
  getCatalogItem: { ratePerSec: 2, burst: 2 },
  getCompetitivePricing: { ratePerSec: 0.5, burst: 1 },
  getItemOffersBatch: { ratePerSec: 0.1, burst: 1 },
  getCompetitiveSummary: { ratePerSec: 0.033, burst: 1 },
  getMyFeesEstimates: { ratePerSec: 0.5, burst: 1 },
  getMyFeesEstimateForASIN: { ratePerSec: 1, burst: 2 },
  getListingsRestrictions: { ratePerSec: 5, burst: 10 },
  getItemEligibilityPreview: { ratePerSec: 1, burst: 1 },
} as const satisfies Record<string, { ratePerSec: number; burst: number }>;
export type SpApiOperation = keyof typeof SPAPI_OPERATIONS;

/** 0 = the product the seller is looking at, 1 = a funnel job, 2 = the background sweep. Lower goes sooner. */
export type Priority = 0 | 1 | 2;

interface Waiter {
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface OpState {
  bucket: RateLimiter;
  queue: Waiter[];
  inFlight: number;
  /** After a 429 only one request is out at a time until one succeeds: retries cannot pile up into a storm. */
  probing: boolean;
  pumping: boolean;
  /** Cuts the pump's sleep short when nothing is left to wait for, so no timer outlives the queue. */
  nap: AbortController | null;
  wake: (() => void) | null;
  granted: number;
  throttled: number;
}

/** One operation's pacing as the scheduler sees it now. */
export interface OperationStats {
  rate: number;
  limit: number;
  queued: number;
  inFlight: number;
  granted: number;
  throttled: number;
}

export interface SchedulerOptions {
  clock?: LimiterClock;
  /** Rates and bursts that differ from the defaults (a seller's own usage plan, or tests). */
  rates?: Partial<Record<SpApiOperation, { ratePerSec: number; burst: number }>>;
  /** Lowest fraction of an operation's rate a run of 429s can push it to. */
  floor?: number;
  /**
   * The share of each limit requests leave at (default 0.97). Paced at exactly the limit, requests still met 429s:
   * their arrival at Amazon's bucket jitters by a few ms while ours counts from when they left, and one 429 halves
   * the operation's rate. 3% below lets Amazon's bucket bank the slack (up to its burst) that absorbs the jitter.
   */
  headroom?: number;
  /** Told after each 429 with the operation's new pace (the job log's "waiting for the rate limit"). */
  onThrottle?: (op: SpApiOperation, ratePerSec: number) => void;
}

/** Builds the scheduler; one per worker process and seller account (see providers.ts `workerScheduler`). */
export function createScheduler(opts: SchedulerOptions = {}) {
  const clock = opts.clock ?? realClock;
  const headroom = opts.headroom ?? 0.97;
  const ops = new Map<SpApiOperation, OpState>();
  let seq = 0;

  const state = (op: SpApiOperation): OpState => {
    let s = ops.get(op);
    if (!s) {
      const plan = opts.rates?.[op] ?? SPAPI_OPERATIONS[op];
      if (!plan) throw new Error(`Unknown SP-API operation "${op}".`);
      s = {
        bucket: createRateLimiter({
          ratePerSec: plan.ratePerSec * headroom,
          burst: plan.burst,
          clock,
          floor: opts.floor,
        }),
        queue: [],
        inFlight: 0,
        probing: false,
        pumping: false,
        nap: null,
        wake: null,
        granted: 0,
        throttled: 0,
      };
      ops.set(op, s);
    }
    return s;
  };

  /** Hands tokens to the queue's head as they come due; sleeps (never spins) until the next one. */
  async function pump(s: OpState): Promise<void> {
    if (s.pumping) return;
    s.pumping = true;
    try {
      while (s.queue.length > 0) {
        if (s.probing && s.inFlight > 0) {
          await new Promise<void>((r) => (s.wake = r));
          s.wake = null;
          continue;
        }
        const wait = s.bucket.take();
        if (wait === 0) {
          const w = s.queue.shift()!;
          w.signal?.removeEventListener('abort', w.onAbort!);
          s.inFlight++;
          s.granted++;
          w.resolve();
          continue;
        }
        s.nap = new AbortController();
        await clock.sleep(wait, s.nap.signal).catch(() => {});
        s.nap = null;
      }
    } finally {
      s.pumping = false;
    }
  }

  function enqueue(op: SpApiOperation, priority: Priority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const s = state(op);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { priority, seq: seq++, resolve, reject, signal };
      // Lower priority number first; FIFO among equals (seq grows).
      let i = s.queue.length;
      while (i > 0 && s.queue[i - 1]!.priority > priority) i--;
      s.queue.splice(i, 0, w);
      if (signal) {
        w.onAbort = () => {
          const at = s.queue.indexOf(w);
          if (at >= 0) s.queue.splice(at, 1);
          if (s.queue.length === 0) s.nap?.abort();
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      void pump(s);
    });
  }

  const release = (s: OpState) => {
    s.inFlight = Math.max(0, s.inFlight - 1);
    s.wake?.();
  };

  return {
    /** A CallLimiter for SpApiClient.call: one operation's bucket, waited for at one priority. */
    limiter(op: SpApiOperation, priority: Priority): CallLimiter {
      const s = state(op);
      return {
        acquire: (signal) => enqueue(op, priority, signal),
        on429: () => {
          s.throttled++;
          s.probing = true;
          s.bucket.on429();
          opts.onThrottle?.(op, s.bucket.rate);
        },
        onSuccess: () => {
          s.probing = false;
          s.bucket.onSuccess();
        },
        setLimit: (perSec) => s.bucket.setLimit(perSec * headroom),
        refund: () => s.bucket.refund(),
        release: () => release(s),
      };
    },

    /** Runs fn when the operation's bucket allows, after every waiter of a lower priority number and earlier arrival. */
    async schedule<T>(op: SpApiOperation, priority: Priority, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await enqueue(op, priority, signal);
      try {
        return await fn();
      } finally {
        release(state(op));
      }
    },

    /** Per operation: the current rate, the announced or documented limit, who waits, who is out, and totals. */
    stats(): Partial<Record<SpApiOperation, OperationStats>> {
      const out: Partial<Record<SpApiOperation, OperationStats>> = {};
      for (const [op, s] of ops)
        out[op] = {
          // The pace requests leave at (headroom and any 429 slow-down included), and the limit Amazon set.
          rate: s.bucket.rate,
          limit: s.bucket.limit / headroom,
          queued: s.queue.length,
          inFlight: s.inFlight,
          granted: s.granted,
          throttled: s.throttled,
        };
      return out;
    },
  };
}
export type SpApiScheduler = ReturnType<typeof createScheduler>;
