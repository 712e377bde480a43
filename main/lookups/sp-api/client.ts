import { request, RequestTimeoutError } from '../http.ts';
import { ProviderError } from '../provider.ts';
import { realClock, type CallLimiter, type LimiterClock } from '../rate-limiter.ts';
import type { LwaAuth } from './auth.ts';

export interface SpApiClientOptions {
  auth: LwaAuth;
  endpoint: string;
  timeoutMs?: number;
  maxRetries?: number;
  clock?: LimiterClock;
  random?: () => number;
}

/** An SP-API answer the caller interprets: 2xx with its text, or a 4xx other than the ones handled here. */
export interface SpApiResponse {
  status: number;
  text: string;
  requestId: string;
}

/**
 * One SP-API operation call through its rate limiter: the LWA token on every request, 429 (the limiter slows down)
 * and 5xx and timeouts retried with capped, jittered backoff, an expired token refreshed once, the announced rate
 * followed. Offline surfaces as NetworkUnavailableError. Returns 2xx and unhandled 4xx answers to the caller.
 */
export function createSpApiClient(o: SpApiClientOptions) {
  const clock = o.clock ?? realClock;
  const random = o.random ?? Math.random;
  const maxRetries = o.maxRetries ?? 5;
  const backoff = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt) * (0.5 + random() / 2);

  /** One request on a granted token; if it throws, the grant ends here and its token goes back unless it reached Amazon. */
  async function send(
    limiter: CallLimiter,
    method: 'GET' | 'POST',
    path: string,
    init: { query?: URLSearchParams; body?: unknown; signal: AbortSignal },
  ) {
    try {
      return await request(`${o.endpoint}${path}${init.query ? `?${init.query}` : ''}`, {
        method,
        headers: {
          'x-amz-access-token': await o.auth.token(init.signal),
          'user-agent': 'Pallet/0.1 (Language=TypeScript)',
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        timeoutMs: o.timeoutMs ?? 30_000,
        signal: init.signal,
      });
    } catch (err) {
      // Only a timeout may have reached Amazon; offline, cancelled or a refused token spent nothing there.
      if (!(err instanceof RequestTimeoutError)) limiter.refund?.();
      limiter.release?.();
      throw err;
    }
  }

  return {
    async call(
      limiter: CallLimiter,
      method: 'GET' | 'POST',
      path: string,
      init: { query?: URLSearchParams; body?: unknown; signal: AbortSignal },
    ): Promise<SpApiResponse> {
      let failures = 0;
      let refreshed = false;
      for (;;) {
        await limiter.acquire(init.signal);
        let res;
        try {
          res = await send(limiter, method, path, init);
        } catch (err) {
          if (!(err instanceof RequestTimeoutError)) throw err;
          if (++failures > maxRetries) throw new ProviderError('timeout', err.message);
          await clock.sleep(backoff(failures), init.signal);
          continue;
        }
        const announced = Number(res.headers.get('x-amzn-ratelimit-limit'));
        if (announced > 0) limiter.setLimit(announced);
        const requestId = res.headers.get('x-amzn-requestid') ?? 'unknown';
        // The outcome is recorded before the grant ends, so a scheduler sees the 429 before it lets the next one out.
        if (res.status === 429) limiter.on429();
        else if (res.status >= 200 && res.status < 300) limiter.onSuccess();
        limiter.release?.();
        if (res.status >= 200 && res.status < 300) {
          return { status: res.status, text: res.text, requestId };
        }
        if (res.status === 403 && /expired/i.test(res.text) && !refreshed) {
          refreshed = true;
          o.auth.invalidate();
          continue;
        }
        if (res.status === 429 || res.status >= 500) {
          if (++failures > maxRetries) {
            throw new ProviderError(
              res.status === 429 ? 'rate_limited' : 'server_error',
              `Amazon kept answering HTTP ${res.status} after ${maxRetries} retries.`,
            );
          }
          await clock.sleep(backoff(failures), init.signal);
          continue;
        }
        return { status: res.status, text: res.text, requestId };
      }
    },
  };
}
export type SpApiClient = ReturnType<typeof createSpApiClient>;

/** The error code in an SP-API error body, if any. */
export function errorCode(text: string): string {
  return /"code"\s*:\s*"([A-Za-z]+)"/.exec(text)?.[1] ?? '';
}
