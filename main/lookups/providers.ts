import type { Db } from '../db/open.ts';
import type { SecretsPort } from '../ports.ts';
import { workerSecret } from '../workers/runtime/secrets.ts';
import { TaskError } from '../workers/runtime/task.ts';
import type { LookupProvider } from './provider.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createCatalogProvider } from './reference-catalog.ts';
import { createLwaAuth, type LwaAuth } from './sp-api/auth.ts';
import { createSpApiProvider } from './sp-api/catalog.ts';

/** Secret names the SP-API provider reads (set through Settings; handed to workers by main). */
export const SPAPI_SECRETS = { clientId: 'spapi.clientId', clientSecret: 'spapi.clientSecret', refreshToken: 'spapi.refreshToken' } as const;

/** The SP-API credentials held by the secrets port, as the worker secrets message carries them (empty when unset). */
export function spApiSecrets(port: Pick<SecretsPort, 'get'>): Record<string, string> {
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

// One token and one bucket per worker process and marketplace: lookups run one job at a time (engine concurrency).
const shared = new Map<string, { auth: LwaAuth; limiter: RateLimiter; key: string }>();

/** Builds the provider a lookup job asked for, in a worker: the local catalog, or SP-API with main's credentials. */
export function workerLookupProvider(name: 'auto' | 'catalog' | 'spapi', marketplace: string, db: Db, env: NodeJS.ProcessEnv = process.env): LookupProvider {
  if (name === 'auto') name = workerSecret(SPAPI_SECRETS.refreshToken) ? 'spapi' : 'catalog';
  if (name === 'catalog') return createCatalogProvider(db, marketplace);
  const credentials = { clientId: workerSecret(SPAPI_SECRETS.clientId), clientSecret: workerSecret(SPAPI_SECRETS.clientSecret), refreshToken: workerSecret(SPAPI_SECRETS.refreshToken) };
  if (!credentials.clientId || !credentials.clientSecret || !credentials.refreshToken) {
    throw new TaskError('no_credentials', 'No SP-API credentials are set: add them in Settings, or look up in the local reference catalog.');
  }
  const key = `${credentials.clientId}:${credentials.refreshToken.slice(-8)}`;
  let s = shared.get(marketplace);
  if (!s || s.key !== key) {
    s = {
      key,
      auth: createLwaAuth({ credentials: credentials as { clientId: string; clientSecret: string; refreshToken: string }, tokenUrl: env.PALLET_LWA_URL }),
      limiter: createRateLimiter({ ratePerSec: 2, burst: 2 }),
    };
    shared.set(marketplace, s);
  }
  return createSpApiProvider({ auth: s.auth, limiter: s.limiter, marketplace, endpoint: env.PALLET_SPAPI_ENDPOINT });
}
