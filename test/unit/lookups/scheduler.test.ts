import { describe, expect, it } from 'vitest';
import type { LimiterClock } from '../../../main/lookups/rate-limiter.ts';
import { createScheduler } from '../../../main/lookups/scheduler.ts';

const flush = () => new Promise<void>((r) => setImmediate(r));

/** A clock that moves only when the test advances it; sleeps are timers it fires in time order. */
function manualClock(): LimiterClock & { advance(ms: number): Promise<void>; pending(): number; sleeps: number } {
  let t = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const c = {
    sleeps: 0,
    now: () => t,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        c.sleeps++;
        const timer = { at: t + ms, resolve };
        timers.push(timer);
        signal?.addEventListener(
          'abort',
          () => {
            timers.splice(timers.indexOf(timer), 1);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        await flush();
        timers.sort((a, b) => a.at - b.at);
        if (!timers[0] || timers[0].at > end) break;
        const due = timers.shift()!;
        t = due.at;
        due.resolve();
      }
      t = end;
      await flush();
    },
    pending: () => timers.length,
  };
  return c;
}

/** Records when (clock time) each acquire of a label was granted. */
function recorder(clock: LimiterClock) {
  const granted: [string, number][] = [];
  return {
    granted,
    track: (label: string, p: Promise<void>) =>
      p.then(
        () => granted.push([label, clock.now()]),
        () => granted.push([`${label}:aborted`, clock.now()]),
      ),
  };
}

describe('SP-API scheduler', () => {
  it('keeps a bucket per operation: restrictions (5/s) never wait behind offers (0.1/s)', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const r = recorder(clock);
    const offers = s.limiter('getItemOffersBatch', 1);
    const restrictions = s.limiter('getListingsRestrictions', 1);
    void r.track('offers-1', offers.acquire());
    void r.track('offers-2', offers.acquire());
    for (let i = 1; i <= 5; i++) void r.track(`restr-${i}`, restrictions.acquire());
    await clock.advance(1000);
    // One token at start, then one every 200 ms; the second offers request waits its 10 s.
    expect(r.granted).toEqual([
      ['offers-1', 0],
      ['restr-1', 0],
      ['restr-2', 200],
      ['restr-3', 400],
      ['restr-4', 600],
      ['restr-5', 800],
    ]);
    await clock.advance(9000);
    expect(r.granted.at(-1)).toEqual(['offers-2', 10_000]);
  });

  it('serves waiters by priority, first come first served within one', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const r = recorder(clock);
    const at = (p: 0 | 1 | 2) => s.limiter('getItemEligibilityPreview', p);
    void r.track('first', at(2).acquire());
    await flush();
    void r.track('sweep-a', at(2).acquire());
    void r.track('funnel-b', at(1).acquire());
    void r.track('looking-c', at(0).acquire());
    void r.track('sweep-d', at(2).acquire());
    void r.track('looking-e', at(0).acquire());
    await clock.advance(10_000);
    expect(r.granted.map(([label]) => label)).toEqual([
      'first',
      'looking-c',
      'looking-e',
      'funnel-b',
      'sweep-a',
      'sweep-d',
    ]);
    expect(r.granted.map(([, t]) => t)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('follows the rate Amazon announces in x-amzn-RateLimit-Limit', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const r = recorder(clock);
    const pricing = s.limiter('getCompetitivePricing', 1);
    pricing.setLimit(4);
    expect(s.stats().getCompetitivePricing).toMatchObject({ rate: 4, limit: 4 });
    for (let i = 0; i < 4; i++) void r.track(`p${i}`, pricing.acquire());
    await clock.advance(1000);
    expect(r.granted.map(([, t]) => t)).toEqual([0, 250, 500, 750]);
    pricing.setLimit(1e-9); // garbled: ignored
    expect(s.stats().getCompetitivePricing!.rate).toBe(4);
  });

  it('on a 429 halves the rate and lets one request out at a time until one succeeds, then wins the rate back', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const r = recorder(clock);
    const restrictions = s.limiter('getListingsRestrictions', 1);
    await restrictions.acquire();
    restrictions.on429();
    restrictions.release!();
    expect(s.stats().getListingsRestrictions).toMatchObject({ rate: 2.5, limit: 5, throttled: 1 });
    void r.track('retry', restrictions.acquire());
    void r.track('other', restrictions.acquire());
    await clock.advance(5000);
    // The retry waits for a token at the halved rate (400 ms); the other waits for the retry's outcome, however
    // many tokens build up meanwhile.
    expect(r.granted).toEqual([['retry', 400]]);
    restrictions.onSuccess();
    restrictions.release!();
    await clock.advance(0);
    expect(r.granted).toEqual([
      ['retry', 400],
      ['other', 5000],
    ]);
    restrictions.release!();
    for (let i = 0; i < 20; i++) restrictions.onSuccess();
    expect(s.stats().getListingsRestrictions!.rate).toBe(5);
  });

  it('drops an aborted waiter from the queue, and a waiter costs one timer, not a loop', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const r = recorder(clock);
    const offers = s.limiter('getItemOffersBatch', 1);
    await offers.acquire();
    offers.release!();
    const ac = new AbortController();
    const aborted = offers.acquire(ac.signal);
    void r.track('aborted', aborted);
    void r.track('next', offers.acquire());
    await flush();
    expect(s.stats().getItemOffersBatch!.queued).toBe(2);
    const sleepsBefore = clock.sleeps;
    ac.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    expect(s.stats().getItemOffersBatch!.queued).toBe(1);
    await clock.advance(10_000);
    expect(r.granted).toEqual([
      ['aborted:aborted', 0],
      ['next', 10_000],
    ]);
    expect(clock.sleeps - sleepsBefore).toBeLessThanOrEqual(1);
    // Everyone gone: no timer left behind.
    const ac2 = new AbortController();
    const lone = offers.acquire(ac2.signal);
    await flush();
    expect(clock.pending()).toBe(1);
    ac2.abort(new Error('gone'));
    await expect(lone).rejects.toThrow('gone');
    await flush();
    expect(clock.pending()).toBe(0);
    expect(s.stats().getItemOffersBatch!.queued).toBe(0);
  });

  it('gives back the token of a request that never left (offline) and runs scheduled work in turn', async () => {
    const clock = manualClock();
    const s = createScheduler({ headroom: 1, clock });
    const offers = s.limiter('getItemOffersBatch', 0);
    await offers.acquire();
    offers.refund!();
    offers.release!();
    let second = false;
    void offers.acquire().then(() => (second = true));
    await flush();
    expect(second).toBe(true);
    expect(clock.now()).toBe(0);
    offers.release!();
    const order: string[] = [];
    const a = s.schedule('getMyFeesEstimates', 2, async () => order.push('sweep'));
    const b = s.schedule('getMyFeesEstimates', 0, async () => order.push('looking'));
    await clock.advance(2000);
    await Promise.all([a, b]);
    expect(order).toEqual(['sweep', 'looking']);
    expect(s.stats().getMyFeesEstimates).toMatchObject({ granted: 2, inFlight: 0, queued: 0 });
  });

  it('by default paces 3% under each limit, so jitter on the way does not meet a 429', async () => {
    const clock = manualClock();
    const s = createScheduler({ clock });
    const r = recorder(clock);
    // getItemOffersBatch: 0.1/s, burst 1 → one at once, then one every 10 s / 0.97 ≈ 10,310 ms.
    for (let i = 0; i < 3; i++) void r.track(`o${i}`, s.limiter('getItemOffersBatch', 1).acquire());
    await clock.advance(30_000);
    const at = r.granted.map(([, t]) => t);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThan(10_250);
    expect(at[1]! - at[0]!).toBeLessThan(10_400);
    expect(at[2]! - at[1]!).toBeGreaterThan(10_250);
    // A rate Amazon announces gets the same headroom.
    const h = s.limiter('getItemOffersBatch', 1);
    h.setLimit(1);
    expect(s.stats().getItemOffersBatch).toMatchObject({ limit: 1 });
    expect(s.stats().getItemOffersBatch!.rate).toBeCloseTo(0.97, 5);
  });
});
