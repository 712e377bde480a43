// settings:testConnection: tries the stored SP-API credentials from main. All of it is awaited I/O (fetch), so main's
// loop never blocks; one test runs at a time, and a limiter at the operation's documented rate keeps repeated presses
// from spending the seller's quota (a press that would have to wait is answered at once with when to try again).
import { SPAPI_SECRETS } from '../../lookups/providers.ts';
import {
  createRateLimiter,
  type CallLimiter,
  type LimiterClock,
  type RateLimiter,
} from '../../lookups/rate-limiter.ts';
import { testSpApiConnection, TooSoonError, type ConnectionTestResult } from '../../lookups/sp-api/connection-test.ts';
import { MARKETPLACE_PARTICIPATIONS_RATE } from '../../lookups/sp-api/sellers.ts';
import type { SecretsPort, SettingsStore } from '../../ports.ts';
import type { Settings } from '../../settings/schema.ts';
import type { Handlers } from '../router.ts';

export interface ConnectionTestDeps {
  secrets: Pick<SecretsPort, 'availability' | 'get'>;
  settings: Pick<SettingsStore<Settings>, 'get'>;
  /**
   * Where PALLET_LWA_URL / PALLET_SPAPI_ENDPOINT are read (test doubles), as the lookups read them. An installed app
   * has already dropped both from process.env at start (main/index.ts, DEVELOPMENT_ONLY_ENV). Default process.env.
   */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout of the token exchange and of the call (default 15 s). */
  timeoutMs?: number;
  clock?: LimiterClock;
}

/** The Test connection handler, with its own limiter and at most one test in flight. */
export function createConnectionTestHandlers(d: ConnectionTestDeps): Pick<Handlers, 'settings:testConnection'> {
  const bucket = createRateLimiter({ ...MARKETPLACE_PARTICIPATIONS_RATE, clock: d.clock });
  let running: Promise<ConnectionTestResult> | null = null;
  return {
    'settings:testConnection': () => {
      // A second press while one runs gets the same answer, not a second call to Amazon.
      running ??= run(d, bucket).finally(() => (running = null));
      return running;
    },
  };
}

async function run(d: ConnectionTestDeps, bucket: RateLimiter): Promise<ConnectionTestResult> {
  const can = d.secrets.availability();
  if (!can.ok)
    return { ok: false, problem: 'no_credentials', message: `No SP-API credentials can be kept here: ${can.reason}` };
  let credentials;
  try {
    credentials = {
      clientId: d.secrets.get(SPAPI_SECRETS.clientId),
      clientSecret: d.secrets.get(SPAPI_SECRETS.clientSecret),
      refreshToken: d.secrets.get(SPAPI_SECRETS.refreshToken),
    };
  } catch {
    return {
      ok: false,
      problem: 'no_credentials',
      message: 'The stored SP-API credentials cannot be read (the system keyring refused). Store them again.',
    };
  }
  if (!credentials.clientId || !credentials.clientSecret || !credentials.refreshToken)
    return {
      ok: false,
      problem: 'no_credentials',
      message:
        'No SP-API credentials are stored. Enter the LWA client ID, client secret and refresh token, store them, ' +
        'then test again.',
    };
  const env = d.env ?? process.env;
  return testSpApiConnection({
    credentials: credentials as { clientId: string; clientSecret: string; refreshToken: string },
    marketplace: d.settings.get('marketplace'),
    sellerId: d.settings.get('spapiSellerId'),
    tokenUrl: env.PALLET_LWA_URL || undefined,
    endpoint: env.PALLET_SPAPI_ENDPOINT || undefined,
    limiter: refusingLimiter(bucket),
    timeoutMs: d.timeoutMs ?? 15_000,
  });
}

/**
 * One test's view of the bucket: the first request takes a token or is refused (TooSoonError) rather than waiting a
 * minute; a retry within the same test (an expired token refreshed) goes through. Refused credentials and offline
 * give their token back (the client refunds what never reached Amazon).
 */
function refusingLimiter(bucket: RateLimiter): CallLimiter {
  let granted = false;
  return {
    async acquire() {
      if (granted) return;
      const wait = bucket.take();
      if (wait > 0) throw new TooSoonError(wait);
      granted = true;
    },
    on429: () => bucket.on429(),
    onSuccess: () => bucket.onSuccess(),
    setLimit: (perSec) => bucket.setLimit(perSec),
    refund: () => bucket.refund(),
  };
}
