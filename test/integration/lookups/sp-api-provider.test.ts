import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../main/lookups/rate-limiter.ts';
import { createLwaAuth } from '../../../main/lookups/sp-api/auth.ts';
import { createSpApiProvider } from '../../../main/lookups/sp-api/catalog.ts';
import { CREDENTIALS, startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';

// The provider on its own against the double: the cases a whole job would make slow to show.
let api: SpApiDouble;
beforeEach(
  async () =>
    (api = await startSpApiDouble({
      items: [{ asin: 'B000WIDGET', identifiers: [{ type: 'UPC', value: '036000291452' }] }],
      ratePerSec: 100,
      burst: 100,
    })),
);
afterEach(async () => api.close());

const instantClock = { now: () => performance.now(), sleep: async () => {} };
const provider = (over: { timeoutMs?: number; credentials?: typeof CREDENTIALS } = {}) =>
  createSpApiProvider({
    auth: createLwaAuth({ credentials: over.credentials ?? CREDENTIALS, tokenUrl: api.tokenUrl }),
    limiter: createRateLimiter({ ratePerSec: 100, burst: 100 }),
    marketplace: 'US',
    endpoint: api.endpoint,
    timeoutMs: over.timeoutMs,
    maxRetries: 2,
    clock: instantClock,
  });
const signal = new AbortController().signal;

describe('SP-API provider', () => {
  it('a slow answer times out, is retried, and then fails only its batch with the reason', async () => {
    api.faults.slowMs = 1_000;
    const answers = await provider({ timeoutMs: 100 }).lookup(['00036000291452'], signal);
    expect(answers).toEqual([
      {
        gtin14: '00036000291452',
        matches: [],
        error: { code: 'timeout', message: expect.stringMatching(/No answer from 127\.0\.0\.1:\d+ within 0\.1 s/) },
      },
    ]);
    expect(api.stats.requests).toBe(3);
  });

  it('bisects a batch Amazon calls invalid until the bad identifier stands alone', async () => {
    const answers = await provider().lookup(['00036000291452', '00999999999993'.slice(0, 2) + '999999999993'], signal);
    expect(answers.map((a) => [a.gtin14, a.matches.map((m) => m.asin)])).toEqual([
      ['00036000291452', ['B000WIDGET']],
      ['00999999999993', []],
    ]);
  });

  it('refused credentials fail with a message that names no secret', async () => {
    const answers = await provider({ credentials: { ...CREDENTIALS, clientSecret: 'wrong' } })
      .lookup(['00036000291452'], signal)
      .catch((e: Error) => e);
    expect(answers).toMatchObject({
      code: 'auth_rejected',
      message: expect.stringMatching(/refused the SP-API credentials \(invalid_client\)/),
    });
    expect(String((answers as Error).message)).not.toMatch(/wrong|test-secret|Atzr/);
  });
});
