import type { Db } from '../db/open.ts';
import type { LookupProvider } from './provider.ts';

/** The local reference catalog as a provider: barcode → ASIN pairs the seller imported; works offline, no account. */
export function createCatalogProvider(db: Db, marketplace = 'US'): LookupProvider {
  const find = db.prepare<[string], { asin: string; title: string | null; brand: string | null }>(
    'SELECT asin, title, brand FROM reference_catalog WHERE gtin14 = ? ORDER BY asin',
  );
  return {
    id: 'catalog',
    marketplace,
    maxBatch: 500,
    async lookup(gtins) {
      return gtins.map((gtin14) => ({
        gtin14,
        matches: find.all(gtin14).map((r) => ({
          asin: r.asin,
          title: r.title,
          brand: r.brand,
          category: null,
          salesRank: null,
          package: null,
          imageUrl: null,
        })),
      }));
    },
  };
}
