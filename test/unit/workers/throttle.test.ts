// Amazon's 429s reach the log of each job the worker process runs, marked rate_limited (the Jobs view's "waiting for
// Amazon's rate limit"): from the SP-API scheduler, through the throttle hook, to the host's messages to main.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../../../main/lookups/scheduler.ts';
import type { FromWorker } from '../../../main/workers/protocol.ts';
import { startWorkerHost } from '../../../main/workers/runtime/host.ts';
import type { ParentPort } from '../../../main/workers/runtime/parent-port.ts';
import { watchParent } from '../../../main/workers/runtime/parent-watch.ts';
import { onThrottle, RATE_LIMITED, reportThrottle } from '../../../main/workers/runtime/throttle.ts';

describe('the throttle hook', () => {
  afterEach(() => onThrottle(null));

  it('the SP-API scheduler reports a 429 with the pace it slowed the operation to', () => {
    const seen: [string, number][] = [];
    const s = createScheduler({
      rates: { searchCatalogItems: { ratePerSec: 2, burst: 2 } },
      headroom: 1,
      onThrottle: (op, r) => void seen.push([op, r]),
    });
    s.limiter('searchCatalogItems', 1).on429();
    expect(seen).toEqual([['searchCatalogItems', s.stats().searchCatalogItems!.rate]]);
    expect(seen[0]![1]).toBeLessThan(2);
  });

  it('says it once per operation per 10 s, in plain words', () => {
    const lines: string[] = [];
    onThrottle((m) => lines.push(m));
    reportThrottle('getItemOffersBatch', 0.05, 1_000);
    reportThrottle('getItemOffersBatch', 0.05, 5_000);
    reportThrottle('searchCatalogItems', 1.5, 5_000);
    reportThrottle('getItemOffersBatch', 0.05, 11_001);
    expect(lines).toEqual([
      'Amazon is rate-limiting getItemOffersBatch (HTTP 429): Pallet slows it to one every 20 s and carries on.',
      'Amazon is rate-limiting searchCatalogItems (HTTP 429): Pallet slows it to 1.5/s and carries on.',
      'Amazon is rate-limiting getItemOffersBatch (HTTP 429): Pallet slows it to one every 20 s and carries on.',
    ]);
  });
});

describe('the worker host', () => {
  // The host would exit this (test) process when its parent goes; the watch is idempotent, so it stays off.
  watchParent({ link: 'none' });
  let sent: FromWorker[];
  let deliver: (data: unknown) => void;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    sent = [];
    const port: ParentPort = {
      postMessage: (m) => void sent.push(m as FromWorker),
      on: (_event, listener) => void (deliver = (data) => listener({ data })),
    };
    startWorkerHost(
      {
        work: (ctx) =>
          new Promise<string>((resolve) => ctx.signal.addEventListener('abort', () => resolve('x'), { once: true })),
      },
      { port },
    );
  });
  afterEach(() => {
    onThrottle(null);
    vi.useRealTimers();
  });

  it('logs a throttle under every job it runs, coded rate_limited; none when nothing runs', () => {
    reportThrottle('getCatalogItem', 2);
    expect(sent.filter((m) => m.type === 'log')).toEqual([]);
    const run = (id: number) =>
      deliver({ type: 'run', job: { id, kind: 'work', payload: null, checkpoint: null, attempt: 1, leaseToken: 't' } });
    run(7);
    run(8);
    reportThrottle('searchCatalogItems', 1);
    const logs = sent.filter((m) => m.type === 'log');
    expect(logs).toEqual(
      [7, 8].map((jobId) => ({
        type: 'log',
        level: 'warn',
        message: 'Amazon is rate-limiting searchCatalogItems (HTTP 429): Pallet slows it to 1.0/s and carries on.',
        jobId,
        code: RATE_LIMITED,
      })),
    );
  });
});
