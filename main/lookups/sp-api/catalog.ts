import { z } from 'zod';
import { displayGtin, normalizeGtin } from '../../catalog/gtin.ts';
import { ProviderError, type CatalogMatch, type LookupAnswer, type LookupProvider } from '../provider.ts';
import type { CallLimiter, LimiterClock } from '../rate-limiter.ts';
import { catalogExtras } from './catalog-extras.ts';
import { createSpApiClient, errorCode } from './client.ts';
import type { LwaAuth } from './auth.ts';

/** Marketplace ids and the regional endpoint that serves each (seller-domain research §1.2–1.3). */
export const MARKETPLACES: Record<string, { id: string; endpoint: string }> = {
  US: { id: 'ATVPDKIKX0DER', endpoint: 'https://sellingpartnerapi-na.amazon.com' },
  CA: { id: 'A2EUQ1WTGCTBG2', endpoint: 'https://sellingpartnerapi-na.amazon.com' },
  MX: { id: 'A1AM78C64UM0Y8', endpoint: 'https://sellingpartnerapi-na.amazon.com' },
  UK: { id: 'A1F83G8C2ARO7P', endpoint: 'https://sellingpartnerapi-eu.amazon.com' },
  DE: { id: 'A1PA6795UKMFR9', endpoint: 'https://sellingpartnerapi-eu.amazon.com' },
};

const measure = z.object({ unit: z.string(), value: z.number() });
const itemSchema = z.looseObject({
  asin: z.string().min(1),
  identifiers: z
    .array(
      z.object({
        marketplaceId: z.string(),
        identifiers: z.array(z.object({ identifierType: z.string(), identifier: z.string() })),
      }),
    )
    .optional(),
  summaries: z
    .array(
      z.looseObject({
        marketplaceId: z.string(),
        itemName: z.string().nullish(),
        brand: z.string().nullish(),
        browseClassification: z.object({ displayName: z.string() }).nullish(),
        websiteDisplayGroupName: z.string().nullish(),
      }),
    )
    .optional()
    .catch(undefined),
  // Read field by field (catalog-extras.ts): a malformed rank, relationship or attribute never costs the match.
  salesRanks: z.unknown().optional(),
  relationships: z.unknown().optional(),
  attributes: z.unknown().optional(),
  dimensions: z
    .array(
      z.object({
        marketplaceId: z.string(),
        package: z.object({ length: measure, width: measure, height: measure, weight: measure }).partial().optional(),
      }),
    )
    .optional()
    .catch(undefined),
  images: z
    .array(z.object({ marketplaceId: z.string(), images: z.array(z.looseObject({ link: z.string() })) }))
    .optional()
    .catch(undefined),
});
const searchSchema = z.object({
  numberOfResults: z.number().optional(),
  pagination: z.object({ nextToken: z.string().optional() }).optional(),
  items: z.array(itemSchema),
});
type Item = z.infer<typeof itemSchema>;

const TO_INCHES: Record<string, number> = { inches: 1, centimeters: 1 / 2.54, millimeters: 1 / 25.4, meters: 39.3701 };
const TO_POUNDS: Record<string, number> = { pounds: 1, kilograms: 2.20462262, grams: 0.00220462262, ounces: 1 / 16 };

/** The identifiersType a GTIN-14 is searched as, and the digits sent (Amazon may still list it under another type). */
function identifierOf(gtin14: string): { type: 'UPC' | 'EAN' | 'GTIN'; value: string } {
  const shown = displayGtin(gtin14);
  return { type: shown.length === 12 ? 'UPC' : shown.length === 13 ? 'EAN' : 'GTIN', value: shown };
}

/** Reads what Pallet needs from one catalog item, for one marketplace. */
function toMatch(item: Item, marketplaceId: string): CatalogMatch {
  const forMp = <T extends { marketplaceId: string }>(list: T[] | undefined) =>
    list?.find((x) => x.marketplaceId === marketplaceId) ?? list?.[0];
  const summary = forMp(item.summaries);
  const pkg = forMp(item.dimensions)?.package;
  const convert = (m: z.infer<typeof measure> | undefined, table: Record<string, number>) => {
    const f = m ? table[m.unit.toLowerCase()] : undefined;
    return m && f ? Math.round(m.value * f * 10_000) / 10_000 : null;
  };
  const inch = (m: z.infer<typeof measure> | undefined) => convert(m, TO_INCHES);
  const lb = (m: z.infer<typeof measure> | undefined) => convert(m, TO_POUNDS);
  const sides = [inch(pkg?.length), inch(pkg?.width), inch(pkg?.height), lb(pkg?.weight)];
  const extras = catalogExtras(item, marketplaceId);
  // The top-level BSR, as before: the first display-group rank.
  const rank = extras.salesRanks?.find((r) => r.kind === 'group');
  return {
    asin: item.asin,
    title: summary?.itemName ?? null,
    brand: summary?.brand ?? null,
    category: rank?.title ?? summary?.websiteDisplayGroupName ?? summary?.browseClassification?.displayName ?? null,
    salesRank: rank?.rank ?? null,
    package: sides.every((x) => x !== null && x > 0)
      ? { lengthIn: sides[0]!, widthIn: sides[1]!, heightIn: sides[2]!, weightLb: sides[3]! }
      : null,
    imageUrl: forMp(item.images)?.images[0]?.link ?? null,
    ...extras,
  };
}

/** Every GTIN-14 an item is listed under, whatever identifier type Amazon filed it as. */
function gtinsOf(item: Item): Set<string> {
  const out = new Set<string>();
  for (const group of item.identifiers ?? []) {
    for (const id of group.identifiers) {
      const g = normalizeGtin(id.identifier);
      if (g.ok) out.add(g.gtin14);
    }
  }
  return out;
}

export interface SpApiProviderOptions {
  auth: LwaAuth;
  /** A RateLimiter, or a scheduler's `limiter('searchCatalogItems', priority)`. */
  limiter: CallLimiter;
  marketplace: string;
  /** Override for tests (the double on 127.0.0.1). */
  endpoint?: string;
  timeoutMs?: number;
  maxRetries?: number;
  clock?: LimiterClock;
  random?: () => number;
}

/** Amazon SP-API `searchCatalogItems` (2022-04-01) as a LookupProvider: 20 identifiers a call, answers matched by GTIN-14. */
export function createSpApiProvider(o: SpApiProviderOptions): LookupProvider {
  const mp = MARKETPLACES[o.marketplace];
  if (!mp)
    throw new Error(
      `Marketplace "${o.marketplace}" is not supported; use one of ${Object.keys(MARKETPLACES).join(', ')}.`,
    );
  const client = createSpApiClient({
    auth: o.auth,
    endpoint: o.endpoint ?? mp.endpoint,
    timeoutMs: o.timeoutMs,
    maxRetries: o.maxRetries,
    clock: o.clock,
    random: o.random,
  });

  /** One search (and its following pages) for up to 20 identifiers of one type. */
  async function search(
    type: string,
    values: readonly string[],
    signal: AbortSignal,
  ): Promise<Item[] | 'invalid_input'> {
    const items: Item[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const query = new URLSearchParams({
        identifiers: values.join(','),
        identifiersType: type,
        marketplaceIds: mp!.id,
        includedData: 'identifiers,summaries,attributes,dimensions,images,relationships,salesRanks,classifications',
        pageSize: '20',
      });
      if (pageToken) query.set('pageToken', pageToken);
      const res = await client.call(o.limiter, 'GET', '/catalog/2022-04-01/items', { query, signal });
      if (res.status === 400) return 'invalid_input';
      if (res.status !== 200) {
        const code = errorCode(res.text);
        throw new ProviderError(
          `http_${res.status}`,
          `Amazon answered HTTP ${res.status}${code ? ` (${code})` : ''} to a catalog search.`,
        );
      }
      let body;
      try {
        body = searchSchema.parse(JSON.parse(res.text));
      } catch {
        throw new ProviderError(
          'malformed_response',
          `Amazon's catalog answer could not be read (request id ${res.requestId}).`,
        );
      }
      items.push(...body.items);
      pageToken = body.pagination?.nextToken;
      if (!pageToken) break;
    }
    return items;
  }

  /** Searches a batch; a batch Amazon calls invalid is split in halves until the bad identifier stands alone. */
  async function lookupBatch(type: string, gtins: readonly string[], signal: AbortSignal): Promise<LookupAnswer[]> {
    const found = await search(
      type,
      gtins.map((g) => identifierOf(g).value),
      signal,
    );
    if (found === 'invalid_input') {
      if (gtins.length === 1) return [{ gtin14: gtins[0]!, matches: [] }];
      const half = Math.ceil(gtins.length / 2);
      return [
        ...(await lookupBatch(type, gtins.slice(0, half), signal)),
        ...(await lookupBatch(type, gtins.slice(half), signal)),
      ];
    }
    const byGtin = found.map((item) => ({ item, gtins: gtinsOf(item) }));
    return gtins.map((gtin14) => {
      const seen = new Set<string>();
      const matches = byGtin
        .filter((x) => x.gtins.has(gtin14) && !seen.has(x.item.asin) && seen.add(x.item.asin))
        .map((x) => toMatch(x.item, mp!.id));
      return { gtin14, matches };
    });
  }

  return {
    id: 'spapi',
    marketplace: o.marketplace,
    maxBatch: 20,
    async lookup(gtins, signal) {
      const groups = new Map<string, string[]>();
      for (const g of gtins) {
        const t = identifierOf(g).type;
        groups.set(t, [...(groups.get(t) ?? []), g]);
      }
      const answers: LookupAnswer[] = [];
      for (const [type, list] of groups) {
        for (let i = 0; i < list.length; i += 20) {
          const batch = list.slice(i, i + 20);
          try {
            answers.push(...(await lookupBatch(type, batch, signal)));
          } catch (err) {
            // An unusable answer fails its own batch only; offline, cancel and refused credentials stop the whole lookup.
            if (!(err instanceof ProviderError) || err.code.startsWith('auth_')) throw err;
            answers.push(
              ...batch.map((gtin14) => ({ gtin14, matches: [], error: { code: err.code, message: err.message } })),
            );
          }
        }
      }
      return answers;
    },
  };
}
