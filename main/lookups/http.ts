import { NetworkUnavailableError } from '../workers/runtime/task.ts';

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** True when an error from fetch means "no network" (refused, DNS, unreachable, connect timeout). */
export function isOfflineError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: string }).code;
    if (code && OFFLINE_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * fetch with a timeout on top of the caller's signal. Network failures become NetworkUnavailableError (the job waits
 * for the network, spending nothing); a timeout is reported as such so the caller can retry.
 */
export async function request(
  url: string,
  init: RequestInit & { timeoutMs: number; signal?: AbortSignal },
): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(init.timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { ...init, signal });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    if (init.signal?.aborted) throw err;
    if (timeout.aborted)
      throw new RequestTimeoutError(`No answer from ${new URL(url).host} within ${init.timeoutMs / 1000} s.`);
    if (isOfflineError(err))
      throw new NetworkUnavailableError(`Cannot reach ${new URL(url).host}: the network looks unavailable.`);
    throw err;
  }
}

/** The provider took longer than the request's timeout. */
export class RequestTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestTimeoutError';
  }
}
