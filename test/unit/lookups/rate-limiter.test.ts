import { describe, expect, it } from 'vitest';
import { createRateLimiter, type LimiterClock } from '../../../main/lookups/rate-limiter.ts';

/** A clock whose sleeps advance time instantly, recording what was slept. */
function fakeClock(): LimiterClock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('rate limiter', () => {
  it('lets requests out at the documented rate, without spending the whole burst at start', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSec: 2, burst: 2, clock });
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await limiter.acquire();
      times.push(clock.t);
    }
    // First at once, then one every 500 ms: 8 intervals → 4 s.
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBeGreaterThanOrEqual(4000);
    expect(times.at(-1)).toBeLessThanOrEqual(4010);
  });

  it('halves the rate on a 429, not below the floor, and wins it back on successes', () => {
    const limiter = createRateLimiter({ ratePerSec: 2, burst: 2, clock: fakeClock(), floor: 0.1 });
    limiter.on429();
    expect(limiter.rate).toBe(1);
    for (let i = 0; i < 10; i++) limiter.on429();
    expect(limiter.rate).toBeCloseTo(0.2);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    expect(limiter.rate).toBe(2);
  });

  it('follows the rate the provider announces', () => {
    const limiter = createRateLimiter({ ratePerSec: 2, burst: 2, clock: fakeClock() });
    limiter.setLimit(5);
    expect(limiter.rate).toBe(5);
    limiter.setLimit(1);
    expect(limiter.rate).toBe(1);
    limiter.setLimit(Number.NaN);
    expect(limiter.rate).toBe(1);
  });

  it('serves waiting callers in order and gives up when their signal aborts', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSec: 1, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    const ac = new AbortController();
    ac.abort(new Error('cancel'));
    const realSleep = createRateLimiter({ ratePerSec: 0.001, burst: 1 });
    await realSleep.acquire();
    await expect(realSleep.acquire(ac.signal)).rejects.toThrow('cancel');
  });
});
