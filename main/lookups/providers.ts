import type { Db } from '../db/open.ts';
import { workerSecret } from '../workers/runtime/secrets.ts';
import { TaskError } from '../workers/runtime/task.ts';
import type { LookupProvider } from './provider.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createCatalogProvider } from './reference-catalog.ts';
import { createLwaAuth, type LwaAuth } from './sp-api/auth.ts';
import { createSpApiProvider, MARKETPLACES } from './sp-api/catalog.ts';
import { createSpApiClient } from './sp-api/client.ts';
import { createSpApiPricing, type SpApiPricing } from './sp-api/pricing.ts';

/** The one thing the lookups need of the secrets store (main/ports.ts `SecretsPort` has it): reading a value. */
export interface SecretReader {
  get(name: string): string | null;
}

/** Secret names the SP-API provider reads (set through Settings; handed to workers by main). */
export const SPAPI_SECRETS = {
  clientId: 'spapi.clientId',
  clientSecret: 'spapi.clientSecret',
  refreshToken: 'spapi.refreshToken',
} as const;

/** The SP-API credentials held by the secrets port, as the worker secrets message carries them (empty when unset). */
export function spApiSecrets(port: SecretReader): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const name of Object.values(SPAPI_SECRETS)) {
      const v = port.get(name);
      if (v) out[name] = v;
    }
  } catch {
    // Secrets cannot be read here (no keyring now): lookups fall back to the local catalog.
    return {};
  }
  return out;
}

/** SP-API pricing and fee estimates for a worker, with main's credentials (0.5 req/s, burst 1 each). */
export function workerPricing(marketplace: string, env: NodeJS.ProcessEnv = process.env): SpApiPricing {
  const s = sharedAuth(marketplace, env);
  const mp = MARKETPLACES[marketplace]!;
  pricingLimiters ??= {
    pricing: createRateLimiter({ ratePerSec: 0.5, burst: 1 }),
    fees: createRateLimiter({ ratePerSec: 0.5, burst: 1 }),
  };
  return createSpApiPricing({
    client: createSpApiClient({ auth: s.auth, endpoint: env.PALLET_SPAPI_ENDPOINT ?? mp.endpoint }),
    marketplaceId: mp.id,
    currency: 'USD',
    pricingLimiter: pricingLimiters.pricing,
    feesLimiter: pricingLimiters.fees,
  });
}
let pricingLimiters: { pricing: RateLimiter; fees: RateLimiter } | null = null;

// One token and one bucket per worker process and marketplace: lookups run one job at a time (engine concurrency).
const shared = new Map<string, { auth: LwaAuth; limiter: RateLimiter; key: string }>();

/** Builds the provider a lookup job asked for, in a worker: the local catalog, or SP-API with main's credentials. */
export function workerLookupProvider(
  name: 'auto' | 'catalog' | 'spapi',
  marketplace: string,
  db: Db,
  env: NodeJS.ProcessEnv = process.env,
): LookupProvider {
  if (name === 'auto') name = workerSecret(SPAPI_SECRETS.refreshToken) ? 'spapi' : 'catalog';
  if (name === 'catalog') return createCatalogProvider(db, marketplace);
  const s = sharedAuth(marketplace, env);
  return createSpApiProvider({ auth: s.auth, limiter: s.limiter, marketplace, endpoint: env.PALLET_SPAPI_ENDPOINT });
}

function sharedAuth(marketplace: string, env: NodeJS.ProcessEnv) {
  const credentials = {
    clientId: workerSecret(SPAPI_SECRETS.clientId),
    clientSecret: workerSecret(SPAPI_SECRETS.clientSecret),
    refreshToken: workerSecret(SPAPI_SECRETS.refreshToken),
  };
  if (!credentials.clientId || !credentials.clientSecret || !credentials.refreshToken) {
    throw new TaskError(
      'no_credentials',
      'No SP-API credentials are set: add them in Settings, or look up in the local reference catalog.',
    );
  }
  const key = `${credentials.clientId}:${credentials.refreshToken.slice(-8)}`;
  let s = shared.get(marketplace);
  if (!s || s.key !== key) {
    s = {
      key,
      auth: createLwaAuth({
        credentials: credentials as { clientId: string; clientSecret: string; refreshToken: string },
        tokenUrl: env.PALLET_LWA_URL,
      }),
      limiter: createRateLimiter({ ratePerSec: 2, burst: 2 }),
    };
    shared.set(marketplace, s);
  }
  return s;
}
