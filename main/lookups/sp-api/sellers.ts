// getMarketplaceParticipations (Sellers API v1): the marketplaces the authorising seller can sell in. It takes no
// parameters and needs no role beyond the app's authorisation, so it is the cheapest proof that credentials work.
// Usage plan from the model (sellers.json): 0.016 requests per second, burst 15.
import { z } from 'zod';
import type { CallLimiter } from '../rate-limiter.ts';
import { parseAnswer, statusError } from './answers.ts';
import type { SpApiClient } from './client.ts';

/** The operation's default usage plan (requests per second, burst), as Amazon's model documents it. */
export const MARKETPLACE_PARTICIPATIONS_RATE = { ratePerSec: 0.016, burst: 15 } as const;

const participationsSchema = z.looseObject({
  payload: z.array(
    z.looseObject({
      marketplace: z.looseObject({
        id: z.string().min(1),
        name: z.string(),
        countryCode: z.string(),
        domainName: z.string().optional(),
      }),
      participation: z.looseObject({ isParticipating: z.boolean(), hasSuspendedListings: z.boolean() }),
      storeName: z.string().optional(),
    }),
  ),
});

/** One marketplace the seller is registered in. */
export interface MarketplaceParticipation {
  id: string;
  name: string;
  countryCode: string;
  participating: boolean;
  suspendedListings: boolean;
  storeName: string | null;
}

/**
 * Calls getMarketplaceParticipations once through `client` and `limiter`. Throws what the client throws (offline,
 * refused credentials, timeout, 5xx after its retries) and ProviderError(`http_<status>`) for any other non-2xx.
 */
export async function getMarketplaceParticipations(
  client: SpApiClient,
  limiter: CallLimiter,
  signal: AbortSignal,
): Promise<MarketplaceParticipation[]> {
  const res = await client.call(limiter, 'GET', '/sellers/v1/marketplaceParticipations', { signal });
  if (res.status < 200 || res.status >= 300) throw statusError(res, 'marketplace participations');
  return parseAnswer(participationsSchema, res, 'marketplace participations').payload.map((p) => ({
    id: p.marketplace.id,
    name: p.marketplace.name,
    countryCode: p.marketplace.countryCode,
    participating: p.participation.isParticipating,
    suspendedListings: p.participation.hasSuspendedListings,
    storeName: p.storeName ?? null,
  }));
}
