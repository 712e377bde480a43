export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Returns [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 10 * 60_000 };

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries spread out but never fire at once. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  const r = (policy.random ?? Math.random)();
  return Math.round(exp / 2 + r * (exp / 2));
}
