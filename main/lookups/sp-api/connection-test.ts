// "Test connection" for the SP-API credentials in Settings: one Login with Amazon exchange and one cheap call
// (getMarketplaceParticipations), each failure put in plain words a seller can act on. Nothing here ever puts a
// credential into a message: Amazon's error bodies are read for their codes only, and every message is scrubbed.
import { NetworkUnavailableError } from '../../workers/runtime/task.ts';
import { RequestTimeoutError } from '../http.ts';
import { ProviderError } from '../provider.ts';
import type { CallLimiter } from '../rate-limiter.ts';
import { createLwaAuth, type SpApiCredentials } from './auth.ts';
import { MARKETPLACES } from './catalog.ts';
import { createSpApiClient } from './client.ts';
import { getMarketplaceParticipations } from './sellers.ts';

/** Why a connection test failed, for the window to act on (the message says it in words). */
export type ConnectionProblem =
  | 'no_credentials'
  | 'refused'
  | 'offline'
  | 'not_authorised'
  | 'server_error'
  | 'timeout'
  | 'rate_limited'
  | 'too_soon'
  | 'unreadable';

/** What a connection test found; never holds a credential. */
export interface ConnectionTestResult {
  ok: boolean;
  problem?: ConnectionProblem;
  /** The marketplaces the seller sells in, as "Amazon.com (US)". */
  marketplaces?: string[];
  /** Where to find the seller id, when Settings has none (the call cannot tell it). */
  sellerIdHint?: string;
  message: string;
}

/** The local limiter would make the call wait this long: answered at once instead of leaving the seller waiting. */
export class TooSoonError extends Error {
  constructor(readonly waitMs: number) {
    super(`Amazon allows this check about once a minute; try again in ${Math.ceil(waitMs / 1000)} s.`);
    this.name = 'TooSoonError';
  }
}

export const SELLER_ID_HINT =
  'Enter your seller id (Seller Central → Settings → Account Info → Business Information → Merchant Token) under ' +
  'Account & marketplace, so restriction checks can run.';

export interface ConnectionTestOptions {
  credentials: SpApiCredentials;
  /** Settings' marketplace key ('US'). */
  marketplace: string;
  /** Settings' seller id; null → the result carries a hint on where to find it. */
  sellerId: string | null;
  /** PALLET_LWA_URL / PALLET_SPAPI_ENDPOINT (test doubles); Amazon's by default. */
  tokenUrl?: string;
  endpoint?: string;
  limiter: CallLimiter;
  timeoutMs: number;
}

/** Exchanges the refresh token and calls getMarketplaceParticipations once; every outcome is an answer, not a throw. */
export async function testSpApiConnection(o: ConnectionTestOptions): Promise<ConnectionTestResult> {
  const mp = MARKETPLACES[o.marketplace];
  const scrub = (r: ConnectionTestResult) => redact(r, Object.values(o.credentials));
  try {
    if (!mp) return { ok: false, problem: 'unreadable', message: `Marketplace "${o.marketplace}" is not supported.` };
    const auth = createLwaAuth({ credentials: o.credentials, tokenUrl: o.tokenUrl, timeoutMs: o.timeoutMs });
    // No retries: a test says what Amazon answers now; the seller can press again.
    const client = createSpApiClient({
      auth,
      endpoint: o.endpoint ?? mp.endpoint,
      timeoutMs: o.timeoutMs,
      maxRetries: 0,
    });
    const list = await getMarketplaceParticipations(client, o.limiter, new AbortController().signal);
    const selling = list.filter((p) => p.participating);
    const marketplaces = selling.map((p) => `${p.name} (${p.countryCode})`);
    const store = list.find((p) => p.storeName)?.storeName;
    const here = selling.some((p) => p.id === mp.id);
    const message =
      `Connected${store ? ` as “${store}”` : ''}. ` +
      (selling.length === 0
        ? 'Amazon lists no marketplace this seller sells in.'
        : here
          ? `Amazon accepted the credentials; the seller sells in ${marketplaces.join(', ')}.`
          : `Amazon accepted the credentials, but the seller does not sell in the ${o.marketplace} marketplace set ` +
            `here (only in ${marketplaces.join(', ')}): restriction checks there will fail.`);
    return scrub({ ok: true, marketplaces, ...(o.sellerId ? {} : { sellerIdHint: SELLER_ID_HINT }), message });
  } catch (err) {
    return scrub({ ok: false, ...explainFailure(err) });
  }
}

/** A failed test's problem and plain message. */
export function explainFailure(err: unknown): { problem: ConnectionProblem; message: string } {
  if (err instanceof TooSoonError) return { problem: 'too_soon', message: err.message };
  if (err instanceof NetworkUnavailableError)
    return {
      problem: 'offline',
      message:
        'Cannot reach Amazon: this computer looks offline (or a firewall blocks it). The credentials were not ' +
        'checked; test again once online.',
    };
  if (err instanceof RequestTimeoutError)
    return { problem: 'timeout', message: `Amazon did not answer in time: ${err.message} Try again in a minute.` };
  if (!(err instanceof ProviderError))
    return {
      problem: 'unreadable',
      message: `The test stopped on an unexpected error: ${err instanceof Error ? err.message : String(err)}`,
    };
  // auth.ts keeps only Login with Amazon's error code, in brackets: invalid_grant, invalid_client, http_400…
  const lwa = /\(([a-z0-9_]+)\)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'auth_rejected':
      if (lwa === 'invalid_grant')
        return {
          problem: 'refused',
          message:
            'Amazon refused the refresh token (invalid_grant): it was revoked, has expired, or belongs to another ' +
            'app. Authorise the app again in Seller Central and store the new refresh token.',
        };
      if (lwa === 'invalid_client')
        return {
          problem: 'refused',
          message:
            'Amazon refused the LWA client ID or client secret (invalid_client). Copy both again from the app in ' +
            'Developer Central (a rotated secret stops working) and store them.',
        };
      return {
        problem: 'refused',
        message: `Amazon refused the SP-API credentials${lwa ? ` (${lwa})` : ''}. Check the client ID, client secret and refresh token.`,
      };
    case 'auth_failed':
    case 'auth_malformed':
      return { problem: 'server_error', message: `${err.message} Amazon's sign-in may be down; try again later.` };
    case 'http_401':
    case 'http_403':
      return {
        problem: 'not_authorised',
        message:
          `Amazon accepted the credentials but refused access (HTTP ${err.code.slice(5)}): the app is not ` +
          'authorised for this seller account. Authorise it in Seller Central (Apps and Services → Manage Your ' +
          'Apps), then store the new refresh token.',
      };
    case 'server_error': {
      const status = /HTTP (\d{3})/.exec(err.message)?.[1] ?? '5xx';
      return {
        problem: 'server_error',
        message: `Amazon's SP-API answered HTTP ${status}, a problem on Amazon's side. Try again in a few minutes.`,
      };
    }
    case 'rate_limited':
      return {
        problem: 'rate_limited',
        message: 'Amazon says Pallet asked too often (HTTP 429). Try again in a minute.',
      };
    case 'timeout':
      return { problem: 'timeout', message: `Amazon did not answer in time: ${err.message} Try again in a minute.` };
    default:
      return { problem: 'unreadable', message: err.message };
  }
}

// Belt and braces: whatever a message quotes, no credential leaves this module.
function redact(r: ConnectionTestResult, secrets: readonly string[]): ConnectionTestResult {
  const clean = (text: string) => secrets.reduce((t, s) => (s.length >= 4 ? t.split(s).join('[hidden]') : t), text);
  return {
    ...r,
    message: clean(r.message),
    ...(r.marketplaces ? { marketplaces: r.marketplaces.map(clean) } : {}),
  };
}
