// Shared by the per-operation clients: reading a body with its schema, the error for an unexpected status, and the
// per-ASIN error an answer carries when one item failed but the others did not.
import { setMaxListeners } from 'node:events';
import type { z } from 'zod';
import { ProviderError } from '../provider.ts';
import { errorCode, type SpApiResponse } from './client.ts';

/** Why one ASIN has no answer; the other ASINs of the same call keep theirs. */
export interface AsinError {
  asin: string;
  error: { code: string; message: string };
}

/** Parses an answer's JSON with its schema, or throws ProviderError('malformed_response') naming the request id. */
export function parseAnswer<T>(schema: z.ZodType<T>, res: SpApiResponse, what: string): T {
  try {
    return schema.parse(JSON.parse(res.text));
  } catch {
    throw new ProviderError(
      'malformed_response',
      `Amazon's ${what} answer could not be read (request id ${res.requestId}).`,
    );
  }
}

/** The ProviderError for a status the caller does not handle; 401/403 are final (the app lacks a role or access). */
export function statusError(res: SpApiResponse, what: string): ProviderError {
  const code = errorCode(res.text);
  return new ProviderError(
    `http_${res.status}`,
    `Amazon answered HTTP ${res.status}${code ? ` (${code})` : ''} to a ${what} request (request id ${res.requestId}).`,
    res.status !== 401 && res.status !== 403,
  );
}

/** The first error message of an SP-API error body, shortened, if any. */
export function errorMessage(text: string): string | undefined {
  return /"message"\s*:\s*"((?:[^"\\]|\\.){1,300})/.exec(text)?.[1];
}

/** Errors no other ASIN can escape: refused credentials, a missing role or access, a missing seller id. */
export function stopsEverything(err: ProviderError): boolean {
  return (
    err.code.startsWith('auth_') || err.code === 'http_401' || err.code === 'http_403' || err.code === 'no_seller_id'
  );
}

/**
 * Runs fn over items, at most `width` at a time, keeping order. A ProviderError becomes that item's AsinError (other
 * items go on); offline, cancellation and what stopsEverything stop the whole run. The requests share one child of
 * the caller's signal, so a wide run adds one listener to it, not one per request.
 */
export async function perAsin<T>(
  asins: readonly string[],
  width: number,
  signal: AbortSignal,
  fn: (asin: string, signal: AbortSignal) => Promise<T>,
): Promise<(T | AsinError)[]> {
  const child = new AbortController();
  setMaxListeners(4 * width + 10, child.signal);
  const onAbort = () => child.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const out: (T | AsinError)[] = new Array(asins.length);
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (next < asins.length && failed === null) {
      const i = next++;
      const asin = asins[i]!;
      try {
        out[i] = await fn(asin, child.signal);
      } catch (err) {
        if (!(err instanceof ProviderError) || stopsEverything(err)) {
          failed ??= err;
          return;
        }
        out[i] = { asin, error: { code: err.code, message: err.message } };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(width, asins.length) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failed !== null) throw failed;
  return out;
}

/**
 * ASINs as Amazon wants them: trimmed, upper-case, each once in first-seen order (`order`); the well-formed ones to
 * send, and an AsinError for each that is not an ASIN (never sent: one bad id must not fail a batch).
 */
export function splitAsins(asins: readonly string[]): { order: string[]; send: string[]; invalid: AsinError[] } {
  const order = [...new Set(asins.map((raw) => String(raw).trim().toUpperCase()))];
  const send: string[] = [];
  const invalid: AsinError[] = [];
  for (const a of order) {
    if (/^[A-Z0-9]{10}$/.test(a)) send.push(a);
    else
      invalid.push({
        asin: a,
        error: { code: 'invalid_asin', message: `"${a.slice(0, 20)}" is not an ASIN (10 letters or digits).` },
      });
  }
  return { order, send, invalid };
}

/** Answers in the order the ASINs were first asked for. */
export function inOrder<T extends { asin: string }>(order: readonly string[], answers: readonly T[]): T[] {
  const by = new Map(answers.map((a) => [a.asin, a]));
  return order.flatMap((a) => by.get(a) ?? []);
}
