// getItemOffersBatch (Product Pricing v0): who sells an ASIN new, at what landed price, and who holds the Buy Box.
// ≤ 20 item requests a call at 0.1 req/s burst 1 — the scarcest operation, so a batch is always filled and never
// carries an ASIN twice (Amazon refuses the whole batch with 400 "Duplicate requests"). Each item answers with its own
// status inside the batch.
import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import type { Priority, SpApiScheduler } from '../scheduler.ts';
import { inOrder, parseAnswer, splitAsins, statusError, stopsEverything, type AsinError } from './answers.ts';
import type { SpApiClient } from './client.ts';

/** Amazon's own retail seller id per marketplace: its offer on a listing is the competitor that rarely loses. */
export const AMAZON_RETAIL_SELLER: Record<string, string> = {
  ATVPDKIKX0DER: 'ATVPDKIKX0DER', // US
  A2EUQ1WTGCTBG2: 'A3DWYIK6Y9EEQB', // CA
  A1AM78C64UM0Y8: 'AVDBXBAVVSXLQ', // MX
  A1F83G8C2ARO7P: 'A3P5ROKL5A1OLE', // UK
  A1PA6795UKMFR9: 'A3JWKAKR8XB7XF', // DE
};

/** The new-condition offer picture of one ASIN. Prices are landed (price + shipping − points), in the listing currency. */
export interface ItemOffers {
  asin: string;
  buyBoxPrice: number | null;
  buyBoxWinner: 'amazon' | 'fba' | 'fbm' | null;
  amazonOnListing: boolean;
  fbaOffers: number;
  fbmOffers: number;
  lowestFba: number | null;
  lowestFbm: number | null;
  totalOffers: number;
}
export type ItemOffersAnswer = ItemOffers | AsinError;

const money = z.looseObject({ Amount: z.number(), CurrencyCode: z.string().optional() });
const price = z.looseObject({
  condition: z.string().optional(),
  fulfillmentChannel: z.string().optional(),
  LandedPrice: money.optional(),
  ListingPrice: money.optional(),
  Shipping: money.optional(),
  sellerId: z.string().optional(),
});
const offersBodySchema = z.looseObject({
  payload: z
    .looseObject({
      ASIN: z.string().optional(),
      status: z.string(),
      Summary: z
        .looseObject({
          TotalOfferCount: z.number().optional(),
          NumberOfOffers: z
            .array(
              z.looseObject({
                condition: z.string().optional(),
                fulfillmentChannel: z.string().optional(),
                OfferCount: z.number().optional(),
              }),
            )
            .optional(),
          LowestPrices: z.array(price).optional(),
          BuyBoxPrices: z.array(price).optional(),
        })
        .optional(),
      Offers: z
        .array(
          z.looseObject({
            SellerId: z.string().optional(),
            IsBuyBoxWinner: z.boolean().optional(),
            IsFulfilledByAmazon: z.boolean().optional(),
            SubCondition: z.string().optional(),
            ListingPrice: money.optional(),
            Shipping: money.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  errors: z.array(z.looseObject({ code: z.string().optional(), message: z.string().optional() })).optional(),
});
const batchSchema = z.looseObject({
  responses: z.array(
    z.looseObject({
      status: z.looseObject({ statusCode: z.number() }).optional(),
      body: z.unknown(),
      request: z.looseObject({ Asin: z.string().optional() }).optional(),
    }),
  ),
});

const isNew = (c: string | undefined) => (c ?? 'new').toLowerCase() === 'new';
const landed = (p: z.infer<typeof price>) =>
  p.LandedPrice?.Amount ?? (p.ListingPrice ? p.ListingPrice.Amount + (p.Shipping?.Amount ?? 0) : null);
const lowest = (xs: (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return ok.length > 0 ? Math.min(...ok) : null;
};

/** Reads one item's offers payload; `amazonId` is Amazon's retail seller id in the marketplace. */
export function itemOffersOf(
  asin: string,
  payload: NonNullable<z.infer<typeof offersBodySchema>['payload']>,
  amazonId: string | undefined,
): ItemOffers {
  const s = payload.Summary;
  const counts = (channel: string) =>
    (s?.NumberOfOffers ?? [])
      .filter((n) => isNew(n.condition) && n.fulfillmentChannel === channel)
      .reduce((sum, n) => sum + (n.OfferCount ?? 0), 0);
  const lows = (channel: string) =>
    lowest((s?.LowestPrices ?? []).filter((p) => isNew(p.condition) && p.fulfillmentChannel === channel).map(landed));
  const box = (s?.BuyBoxPrices ?? []).find((p) => isNew(p.condition));
  const offers = payload.Offers ?? [];
  const winner = offers.find((x) => x.IsBuyBoxWinner);
  const isAmazon = (id: string | undefined) => amazonId !== undefined && id === amazonId;
  const buyBoxWinner: ItemOffers['buyBoxWinner'] = winner
    ? isAmazon(winner.SellerId)
      ? 'amazon'
      : winner.IsFulfilledByAmazon
        ? 'fba'
        : 'fbm'
    : isAmazon(box?.sellerId)
      ? 'amazon'
      : null;
  return {
    asin,
    buyBoxPrice: box ? landed(box) : null,
    buyBoxWinner,
    amazonOnListing:
      offers.some((x) => isAmazon(x.SellerId)) || (s?.BuyBoxPrices ?? []).some((p) => isAmazon(p.sellerId)),
    fbaOffers: counts('Amazon'),
    fbmOffers: counts('Merchant'),
    lowestFba: lows('Amazon'),
    lowestFbm: lows('Merchant'),
    totalOffers: s?.TotalOfferCount ?? offers.length,
  };
}

/** Full offers of ASINs in one marketplace, 20 a call, through the account's scheduler. */
export function createItemOffers(o: {
  client: SpApiClient;
  scheduler: Pick<SpApiScheduler, 'limiter'>;
  marketplaceId: string;
}) {
  const amazonId = AMAZON_RETAIL_SELLER[o.marketplaceId];

  /** One batch of ≤ 20 distinct ASINs; throws ProviderError when the batch as a whole is unusable. */
  async function batch(
    asins: readonly string[],
    opts: { signal: AbortSignal; priority?: Priority },
  ): Promise<ItemOffersAnswer[]> {
    if (asins.length === 0 || asins.length > 20 || new Set(asins).size !== asins.length)
      throw new Error('An item offers batch holds 1 to 20 distinct ASINs.');
    const body = {
      requests: asins.map((asin) => ({
        uri: `/products/pricing/v0/items/${asin}/offers`,
        method: 'GET',
        MarketplaceId: o.marketplaceId,
        ItemCondition: 'New',
        CustomerType: 'Consumer',
      })),
    };
    const limiter = o.scheduler.limiter('getItemOffersBatch', opts.priority ?? 1);
    const res = await o.client.call(limiter, 'POST', '/batches/products/pricing/v0/itemOffers', {
      body,
      signal: opts.signal,
    });
    if (res.status !== 200) throw statusError(res, 'item offers');
    const parsed = parseAnswer(batchSchema, res, 'item offers');
    const answers: ItemOffersAnswer[] = [];
    parsed.responses.forEach((r, i) => {
      const asin = (r.request?.Asin ?? asins[i] ?? '').toUpperCase();
      if (!asins.includes(asin)) return;
      const item = offersBodySchema.safeParse(r.body);
      const status = r.status?.statusCode ?? 200;
      const fail = (code: string, message: string) => answers.push({ asin, error: { code, message } });
      if (!item.success)
        return fail(
          'malformed_response',
          `Amazon's offers answer for ${asin} could not be read (request id ${res.requestId}).`,
        );
      const err = item.data.errors?.[0];
      if (status < 200 || status >= 300 || !item.data.payload)
        return fail(
          err?.code ?? `http_${status}`,
          `Amazon gave no offers for ${asin}: ${err?.message ?? `HTTP ${status}`}.`,
        );
      const p = item.data.payload;
      // "NoBuyableOffers" is an answer (nobody sells it new), not a failure.
      if (p.status !== 'Success' && p.status !== 'NoBuyableOffers')
        return fail('item_status', `Amazon gave no offers for ${asin} (status ${p.status.slice(0, 40)}).`);
      answers.push(itemOffersOf(asin, p, amazonId));
    });
    for (const asin of asins)
      if (!answers.some((a) => a.asin === asin))
        answers.push({
          asin,
          error: { code: 'missing_answer', message: `Amazon's offers batch had no answer for ${asin}.` },
        });
    return answers;
  }

  return {
    batch,
    /** Offers of many ASINs: deduped, 20 a call; a batch that fails gives each of its ASINs that error. */
    async itemOffers(
      asins: readonly string[],
      opts: { signal: AbortSignal; priority?: Priority },
    ): Promise<ItemOffersAnswer[]> {
      const { order, send, invalid } = splitAsins(asins);
      const answers: ItemOffersAnswer[] = [...invalid];
      for (let i = 0; i < send.length; i += 20) {
        const group = send.slice(i, i + 20);
        try {
          answers.push(...(await batch(group, opts)));
        } catch (err) {
          if (!(err instanceof ProviderError) || stopsEverything(err)) throw err;
          answers.push(...group.map((asin) => ({ asin, error: { code: err.code, message: err.message } })));
        }
      }
      return inOrder(order, answers);
    },
  };
}
export type ItemOffersClient = ReturnType<typeof createItemOffers>;
