// What a barcode lookup leaves for the decisions: each match's catalog data (catalog_items) and, for a product with
// several ASINs, every candidate (product_candidates). Both come from the searchCatalogItems answer already in hand:
// no extra request. The lookup task calls this through its `matchSink` dependency (wired in main/worker-tasks.ts), so
// main/lookups never imports this domain.
import type { Db } from '../db/open.ts';
import type { CatalogMatch } from '../lookups/provider.ts';
import { createDecisionStore, type CatalogItem } from './store.ts';

/** The catalog_items row of one match (dimensions only when Amazon gave all four). */
export function catalogItemOf(m: CatalogMatch, marketplace: string, fetchedAt: number): CatalogItem {
  const pos = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 1 ? n : null);
  return {
    asin: m.asin,
    marketplace,
    title: m.title,
    brand: m.brand,
    packageQuantity: pos(m.packageQuantity),
    numberOfItems: pos(m.numberOfItems),
    parentAsin: m.parentAsin ?? null,
    variationTheme: m.variationTheme ?? null,
    isVariationParent: m.isVariationParent === true,
    lengthIn: m.package?.lengthIn ?? null,
    widthIn: m.package?.widthIn ?? null,
    heightIn: m.package?.heightIn ?? null,
    weightLb: m.package?.weightLb ?? null,
    imageUrl: m.imageUrl,
    salesRanks: (m.salesRanks ?? []).filter((r) => Number.isInteger(r.rank) && r.rank > 0),
    hazmat: m.hazmat ?? null,
    fetchedAt,
  };
}

/** Records one product's matches; run inside the caller's transaction. */
export type MatchSink = (
  productId: number,
  marketplace: string,
  providerId: 'spapi' | 'catalog',
  matches: readonly CatalogMatch[],
  now: number,
) => void;

/**
 * The sink the lookup task writes through. Catalog data is stored from SP-API, and from the local catalog only when
 * its row carried a rank or hazmat note and Amazon has not answered for that ASIN (it must not overwrite Amazon's
 * answer); candidates from either. A product's candidates are replaced only when its set of ASINs changed, so a
 * cached re-lookup keeps the verdicts a decide job gave them.
 */
export function createMatchSink(db: Db): MatchSink {
  const store = createDecisionStore(db);
  return (productId, marketplace, providerId, matches, now) => {
    for (const m of matches) {
      if (providerId !== 'spapi' && (!(m.salesRanks?.length || m.hazmat) || store.catalogItem(m.asin, marketplace)))
        continue;
      try {
        store.upsertCatalogItem(catalogItemOf(m, marketplace, now));
      } catch {
        // An item whose data does not fit (a malformed ASIN from the local catalog, say) is simply not kept: it is
        // extra information, and the lookup itself must not fail over it.
      }
    }
    const asins = [...new Set(matches.map((m) => m.asin))].filter((a) => /^[A-Z0-9]{10}$/.test(a));
    if (asins.length === 0) return;
    const had = store
      .candidates(productId, marketplace)
      .map((c) => c.asin)
      .sort();
    if (had.length === asins.length && [...asins].sort().every((a, i) => a === had[i])) return;
    store.replaceCandidates(
      productId,
      marketplace,
      asins.map((asin) => ({
        asin,
        chosen: asins.length === 1,
        verdict: null,
        profit: null,
        roi: null,
        estSalesMid: null,
        reasons: [],
      })),
      now,
    );
  };
}
