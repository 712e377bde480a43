/** Time and waiting, injectable so the limiter is testable without real sleeps. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Announced rates (per second) outside one request per 200 s to 1000 a second are taken for a garbled header. */
export const MIN_ANNOUNCED_RATE = 0.005;
export const MAX_ANNOUNCED_RATE = 1000;

export interface RateLimiterOptions {
  /** Requests per second the provider documents (or its header announced). */
  ratePerSec: number;
  burst: number;
  clock?: LimiterClock;
  /** Lowest fraction of the rate a run of 429s can push it to. */
  floor?: number;
}

/**
 * A token bucket per provider, account and operation: waits for a token before each request, halves its rate on a 429
 * and wins it back slowly on successes (AIMD), and follows the `x-amzn-RateLimit-Limit` header when one arrives.
 */
export function createRateLimiter(opts: RateLimiterOptions) {
  const clock = opts.clock ?? realClock;
  let limit = opts.ratePerSec;
  let rate = limit;
  const floor = opts.floor ?? 0.1;
  let tokens = Math.min(1, opts.burst);
  let last = clock.now();
  let chain: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(opts.burst, tokens + ((now - last) / 1000) * rate);
    last = now;
  };

  /** Takes a token now (returns 0) or says how many ms until one is due (takes nothing). */
  const take = (): number => {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - tokens) / rate) * 1000));
  };

  return {
    /** Waits until a request may go out; requests leave in the order they asked. */
    acquire(signal?: AbortSignal): Promise<void> {
      const turn = chain.then(async () => {
        for (;;) {
          const wait = take();
          if (wait === 0) return;
          await clock.sleep(wait, signal);
        }
      });
      chain = turn.catch(() => {});
      return turn;
    },
    take,
    /** A granted request never reached the provider (offline): its token goes back. */
    refund(): void {
      refill();
      tokens = Math.min(opts.burst, tokens + 1);
    },
    /** The provider said 429: slow down by half (not below the floor) and drop the banked burst. */
    on429(): void {
      refill();
      rate = Math.max(limit * floor, rate / 2);
      tokens = Math.min(tokens, 0);
    },
    /** A request went through: recover a little of the rate given up after a 429. */
    onSuccess(): void {
      if (rate < limit) rate = Math.min(limit, rate + limit * 0.05);
    },
    /** The provider announced the rate that applies (`x-amzn-RateLimit-Limit`). */
    setLimit(perSec: number): void {
      // A garbled header must not stall every later request for hours (1e-9/s) or lift all pacing (1e9/s).
      if (!(perSec >= MIN_ANNOUNCED_RATE && perSec <= MAX_ANNOUNCED_RATE)) return;
      refill();
      rate = Math.min(perSec, rate === limit ? perSec : rate);
      limit = perSec;
    },
    get rate() {
      return rate;
    },
    /** The rate the provider documents or last announced (what a run of successes recovers to). */
    get limit() {
      return limit;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * What an SP-API call needs of its pacing: a RateLimiter, or a scheduler's per-operation, per-priority handle.
 * `refund` gives back the token of a request that never left (offline); `release` says the granted request is over.
 */
export interface CallLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
  on429(): void;
  onSuccess(): void;
  setLimit(perSec: number): void;
  refund?(): void;
  release?(): void;
}
