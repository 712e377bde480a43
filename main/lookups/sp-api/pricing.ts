import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import type { CallLimiter } from '../rate-limiter.ts';
import { errorCode, type SpApiClient } from './client.ts';

const money = z.object({ CurrencyCode: z.string(), Amount: z.number() });
const competitiveSchema = z.object({
  payload: z.array(
    z.looseObject({
      ASIN: z.string(),
      status: z.string(),
      Product: z
        .looseObject({
          CompetitivePricing: z
            .looseObject({
              CompetitivePrices: z
                .array(
                  z.looseObject({
                    CompetitivePriceId: z.string(),
                    Price: z.looseObject({ LandedPrice: money.optional(), ListingPrice: money.optional() }),
                    condition: z.string().optional(),
                  }),
                )
                .optional(),
              NumberOfOfferListings: z
                .array(z.looseObject({ Count: z.number(), condition: z.string().optional() }))
                .optional(),
            })
            .optional(),
        })
        .optional(),
    }),
  ),
});
const feesSchema = z.array(
  z.looseObject({
    Status: z.string(),
    FeesEstimateIdentifier: z.looseObject({ IdValue: z.string() }).optional(),
    FeesEstimate: z
      .looseObject({
        TotalFeesEstimate: money.optional(),
        FeeDetailList: z.array(z.looseObject({ FeeType: z.string(), FinalFee: money.optional() })).optional(),
      })
      .optional(),
    Error: z.looseObject({ Code: z.string().optional(), Message: z.string().optional() }).optional(),
  }),
);

/** Buy Box (new) landed price and new-offer count of an ASIN. */
export interface CompetitivePrice {
  asin: string;
  buyBox: number | null;
  offers: number | null;
  /**
   * Offer listings by condition as Amazon counts them (NumberOfOfferListings: lower-cased condition → count, e.g.
   * new, used, any). The model gives no fulfilment channel here; getItemOffersBatch (offers.ts) has FBA/FBM counts.
   */
  offerCounts: Record<string, number>;
}

/** Amazon's own fee estimate at a price: total, referral and FBA parts, or why it could not give one. */
export type FeeEstimate =
  { asin: string; total: number; referral: number | null; fba: number | null } | { asin: string; error: string };

/** Competitive pricing (getCompetitivePricing, 20 ASINs, 0.5 req/s) and fee estimates (getMyFeesEstimates, 20, 0.5 req/s). */
export function createSpApiPricing(o: {
  client: SpApiClient;
  marketplaceId: string;
  currency: string;
  /** A RateLimiter, or a scheduler's `limiter('getCompetitivePricing', priority)`. */
  pricingLimiter: CallLimiter;
  /** A RateLimiter, or a scheduler's `limiter('getMyFeesEstimates', priority)`. */
  feesLimiter: CallLimiter;
}) {
  const parse = <T>(schema: z.ZodType<T>, text: string, what: string, requestId: string): T => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      throw new ProviderError(
        'malformed_response',
        `Amazon's ${what} answer could not be read (request id ${requestId}).`,
      );
    }
  };
  return {
    async competitivePrices(asins: readonly string[], signal: AbortSignal): Promise<CompetitivePrice[]> {
      const out: CompetitivePrice[] = [];
      for (let i = 0; i < asins.length; i += 20) {
        const batch = asins.slice(i, i + 20);
        const query = new URLSearchParams({ MarketplaceId: o.marketplaceId, Asins: batch.join(','), ItemType: 'Asin' });
        const res = await o.client.call(o.pricingLimiter, 'GET', '/products/pricing/v0/competitivePrice', {
          query,
          signal,
        });
        if (res.status !== 200)
          throw new ProviderError(
            `http_${res.status}`,
            `Amazon answered HTTP ${res.status} (${errorCode(res.text) || 'no code'}) to a pricing request.`,
          );
        for (const item of parse(competitiveSchema, res.text, 'pricing', res.requestId).payload) {
          const cp = item.Product?.CompetitivePricing;
          // CompetitivePriceId "1" is the new-condition Buy Box.
          const box =
            cp?.CompetitivePrices?.find((p) => p.CompetitivePriceId === '1') ??
            cp?.CompetitivePrices?.find((p) => (p.condition ?? '').toLowerCase() === 'new');
          const offers =
            cp?.NumberOfOfferListings?.find((n) => (n.condition ?? '').toLowerCase() === 'new')?.Count ?? null;
          const offerCounts: Record<string, number> = {};
          for (const n of cp?.NumberOfOfferListings ?? []) {
            const condition = (n.condition ?? '').trim().toLowerCase();
            if (condition && Number.isInteger(n.Count) && n.Count >= 0)
              offerCounts[condition] = (offerCounts[condition] ?? 0) + n.Count;
          }
          out.push({
            asin: item.ASIN,
            buyBox: box?.Price.LandedPrice?.Amount ?? box?.Price.ListingPrice?.Amount ?? null,
            offers,
            offerCounts,
          });
        }
      }
      return out;
    },
    async feeEstimates(items: readonly { asin: string; price: number }[], signal: AbortSignal): Promise<FeeEstimate[]> {
      const out: FeeEstimate[] = [];
      for (let i = 0; i < items.length; i += 20) {
        const batch = items.slice(i, i + 20);
        const body = batch.map((it, k) => ({
          IdType: 'ASIN',
          IdValue: it.asin,
          FeesEstimateRequest: {
            MarketplaceId: o.marketplaceId,
            IsAmazonFulfilled: true,
            PriceToEstimateFees: {
              ListingPrice: { CurrencyCode: o.currency, Amount: it.price },
              Shipping: { CurrencyCode: o.currency, Amount: 0 },
            },
            Identifier: `pallet-${i + k}`,
          },
        }));
        const res = await o.client.call(o.feesLimiter, 'POST', '/products/fees/v0/feesEstimate', { body, signal });
        if (res.status !== 200)
          throw new ProviderError(
            `http_${res.status}`,
            `Amazon answered HTTP ${res.status} (${errorCode(res.text) || 'no code'}) to a fee estimate request.`,
          );
        const answers = parse(feesSchema, res.text, 'fee estimate', res.requestId);
        batch.forEach((it, k) => {
          const a = answers.find((x) => x.FeesEstimateIdentifier?.IdValue === it.asin) ?? answers[k];
          const total = a?.FeesEstimate?.TotalFeesEstimate?.Amount;
          if (!a || a.Status !== 'Success' || total === undefined) {
            out.push({ asin: it.asin, error: a?.Error?.Message ?? 'Amazon gave no fee estimate for this item.' });
            return;
          }
          const part = (type: string) =>
            a.FeesEstimate?.FeeDetailList?.find((f) => f.FeeType === type)?.FinalFee?.Amount ?? null;
          out.push({ asin: it.asin, total, referral: part('ReferralFee'), fba: part('FBAFees') });
        });
      }
      return out;
    },
  };
}
export type SpApiPricing = ReturnType<typeof createSpApiPricing>;
