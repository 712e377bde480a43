// Property-based: whatever an SP-API or Login with Amazon server sends (truncated or mistyped JSON, huge bodies,
// garbled rate headers, bodies dripped past the timeout), each call ends in an answer or a ProviderError with a clear
// message — retryable unless the credentials were refused — never another error, an unhandled rejection or a hang.
// A real HTTP server on 127.0.0.1 (test/support/fuzz/spapi-target.ts); fewer runs than the others, as each is an HTTP
// exchange and some wait out the client's timeout.
import { describe, expect, it } from 'vitest';
import { createRateLimiter, MIN_ANNOUNCED_RATE } from '../../../main/lookups/rate-limiter.ts';
import { createLwaAuth } from '../../../main/lookups/sp-api/auth.ts';
import { assertTarget } from '../../support/fuzz/target.ts';
import { FUZZ_CREDENTIALS, spApiTarget } from '../../support/fuzz/spapi-target.ts';
import { startSpApiDouble } from '../../support/spapi-double.ts';

describe('SP-API answer fuzzing', () => {
  it('ends 100 calls against arbitrary answers in a result or a clear ProviderError', async () => {
    await assertTarget(spApiTarget, 100);
  }, 120_000);

  // Found by fuzzing: a token service failure (HTTP 5xx) was as final as refused credentials, failing the job for good.
  it('marks refused credentials final and a failing token service retryable', async () => {
    const api = await startSpApiDouble({ items: [], credentials: FUZZ_CREDENTIALS });
    try {
      const wrong = { ...FUZZ_CREDENTIALS, clientSecret: 'wrong' };
      const refused = createLwaAuth({ credentials: wrong, tokenUrl: api.tokenUrl });
      await expect(refused.token()).rejects.toMatchObject({ code: 'auth_rejected', retryable: false });
      const failing = createLwaAuth({ credentials: FUZZ_CREDENTIALS, tokenUrl: `${api.endpoint}/no-such-path` });
      await expect(failing.token()).rejects.toMatchObject({ code: 'auth_failed', retryable: true });
    } finally {
      await api.close();
    }
  });

  // Found by fuzzing: an announced rate of 1e-9/s made the next request wait ~30 years (a timer Node caps to 1 ms, so
  // in fact a busy loop of 1 ms sleeps).
  it('ignores an announced rate outside one request per 200 s to 1000 a second', () => {
    const limiter = createRateLimiter({ ratePerSec: 2, burst: 2 });
    for (const garbled of [1e-9, MIN_ANNOUNCED_RATE / 2, 1e9, 0, -1, NaN, Infinity]) limiter.setLimit(garbled);
    expect(limiter.rate).toBe(2);
    limiter.setLimit(0.5);
    expect(limiter.rate).toBe(0.5);
  });
});
