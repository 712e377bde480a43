import type { Db } from '../db/open.ts';
import { workerSecret } from '../workers/runtime/secrets.ts';
import { reportThrottle } from '../workers/runtime/throttle.ts';
import { TaskError } from '../workers/runtime/task.ts';
import type { LookupProvider } from './provider.ts';
import { createCatalogProvider } from './reference-catalog.ts';
import {
  createScheduler,
  SPAPI_OPERATIONS,
  type Priority,
  type SchedulerOptions,
  type SpApiScheduler,
} from './scheduler.ts';
import { createLwaAuth, type LwaAuth } from './sp-api/auth.ts';
import { createSpApiProvider, MARKETPLACES } from './sp-api/catalog.ts';
import { createSpApiClient, type SpApiClient } from './sp-api/client.ts';
import { createFbaEligibility, type FbaEligibilityClient } from './sp-api/eligibility.ts';
import { createItemOffers, type ItemOffersClient } from './sp-api/offers.ts';
import { createSpApiPricing, type SpApiPricing } from './sp-api/pricing.ts';
import { createListingsRestrictions, type ListingsRestrictions } from './sp-api/restrictions.ts';

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

/** SP-API pricing and fee estimates for a worker, with main's credentials, through the account's scheduler. */
export function workerPricing(
  marketplace: string,
  env: NodeJS.ProcessEnv = process.env,
  priority: Priority = 1,
): SpApiPricing {
  const s = sharedAuth(marketplace, env);
  return createSpApiPricing({
    client: clientFor(s, marketplace, env),
    marketplaceId: MARKETPLACES[marketplace]!.id,
    currency: 'USD',
    pricingLimiter: s.scheduler.limiter('getCompetitivePricing', priority),
    feesLimiter: s.scheduler.limiter('getMyFeesEstimates', priority),
  });
}

/** The one scheduler of this worker process for the seller account main's credentials name (every stage shares it). */
export function workerScheduler(marketplace: string, env: NodeJS.ProcessEnv = process.env): SpApiScheduler {
  return sharedAuth(marketplace, env).scheduler;
}

/** The clients a decide job needs, all paced by the account's scheduler (each call says its priority). */
export interface DecisionClients {
  scheduler: SpApiScheduler;
  /** Throws ProviderError('no_seller_id') on use when no valid seller id was given. */
  restrictions: ListingsRestrictions;
  offers: ItemOffersClient;
  eligibility: FbaEligibilityClient;
  pricing: SpApiPricing;
}

/** Builds the decide job's SP-API clients in a worker; `sellerId` comes from the `spapiSellerId` setting. */
export function workerDecisionClients(
  marketplace: string,
  opts: { sellerId: string | null | undefined; pricingPriority?: Priority },
  env: NodeJS.ProcessEnv = process.env,
): DecisionClients {
  const s = sharedAuth(marketplace, env);
  const client = clientFor(s, marketplace, env);
  const marketplaceId = MARKETPLACES[marketplace]!.id;
  return {
    scheduler: s.scheduler,
    restrictions: createListingsRestrictions({
      client,
      scheduler: s.scheduler,
      marketplaceId,
      sellerId: opts.sellerId,
    }),
    offers: createItemOffers({ client, scheduler: s.scheduler, marketplaceId }),
    eligibility: createFbaEligibility({ client, scheduler: s.scheduler, marketplaceId }),
    pricing: workerPricing(marketplace, env, opts.pricingPriority ?? 1),
  };
}

function clientFor(s: { auth: LwaAuth }, marketplace: string, env: NodeJS.ProcessEnv): SpApiClient {
  const mp = MARKETPLACES[marketplace];
  if (!mp)
    throw new TaskError(
      'bad_marketplace',
      `Marketplace "${marketplace}" is not supported; use one of ${Object.keys(MARKETPLACES).join(', ')}.`,
    );
  return createSpApiClient({ auth: s.auth, endpoint: env.PALLET_SPAPI_ENDPOINT ?? mp.endpoint });
}

/**
 * The rate multiplier a test double asks for (PALLET_SPAPI_RATE_SCALE, e.g. 20 = every usage plan 20× Amazon's), so a
 * bench can run a 35-minute chain in two. Honoured only together with PALLET_SPAPI_ENDPOINT (a double, never Amazon:
 * against Amazon it would only earn 429s); an installed app drops both (DEVELOPMENT_ONLY_ENV). 1 otherwise.
 */
export function rateScaleOf(env: NodeJS.ProcessEnv): number {
  const k = Number(env.PALLET_SPAPI_RATE_SCALE);
  return env.PALLET_SPAPI_ENDPOINT && Number.isFinite(k) && k > 0 && k <= 1000 ? k : 1;
}

/** Every operation's documented rate and burst times k (burst rounded up, at least 1); undefined for k = 1. */
export function scaledRates(k: number): SchedulerOptions['rates'] {
  if (k === 1) return undefined;
  return Object.fromEntries(
    Object.entries(SPAPI_OPERATIONS).map(([op, p]) => [
      op,
      { ratePerSec: p.ratePerSec * k, burst: Math.max(1, Math.ceil(p.burst * k)) },
    ]),
  ) as SchedulerOptions['rates'];
}

// One token per marketplace and one scheduler per seller account in this worker process: every job's requests wait
// in the same per-operation buckets, so two jobs never spend the same quota twice.
const shared = new Map<string, { auth: LwaAuth; key: string }>();
const schedulers = new Map<string, SpApiScheduler>();

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
  return createSpApiProvider({
    auth: s.auth,
    limiter: s.scheduler.limiter('searchCatalogItems', 1),
    marketplace,
    endpoint: env.PALLET_SPAPI_ENDPOINT,
  });
}

/** Whether main handed this worker SP-API credentials (else lookups and decisions use the local catalog only). */
export function workerHasSpApi(): boolean {
  return workerSecret(SPAPI_SECRETS.refreshToken) !== null;
}

/** searchCatalogItems as a LookupProvider at a caller's priority (the decide job's), through the account's scheduler. */
export function workerCatalogSearch(
  marketplace: string,
  priority: Priority,
  env: NodeJS.ProcessEnv = process.env,
): LookupProvider {
  const s = sharedAuth(marketplace, env);
  return createSpApiProvider({
    auth: s.auth,
    limiter: s.scheduler.limiter('searchCatalogItems', priority),
    marketplace,
    endpoint: env.PALLET_SPAPI_ENDPOINT,
  });
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
    };
    shared.set(marketplace, s);
  }
  let scheduler = schedulers.get(key);
  if (!scheduler)
    schedulers.set(
      key,
      (scheduler = createScheduler({ rates: scaledRates(rateScaleOf(env)), onThrottle: reportThrottle })),
    );
  return { ...s, scheduler };
}
