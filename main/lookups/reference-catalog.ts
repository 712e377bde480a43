import type { Db } from '../db/open.ts';
import type { CatalogMatch } from './provider.ts';
import type { LookupProvider } from './provider.ts';
import { parseFacts } from './reference-facts.ts';

/**
 * The local reference catalog as a provider: barcode → ASIN pairs the seller imported; works offline, no account.
 * A row that came with a sales rank, category or hazmat note answers with them, as Amazon's catalog would.
 */
export function createCatalogProvider(db: Db, marketplace = 'US'): LookupProvider {
  const find = db.prepare<[string], { asin: string; title: string | null; brand: string | null; facts: string | null }>(
    'SELECT asin, title, brand, facts FROM reference_catalog WHERE gtin14 = ? ORDER BY asin',
  );
  return {
    id: 'catalog',
    marketplace,
    maxBatch: 500,
    async lookup(gtins) {
      return gtins.map((gtin14) => ({
        gtin14,
        matches: find.all(gtin14).map((r): CatalogMatch => {
          const f = parseFacts(r.facts);
          const match: CatalogMatch = {
            asin: r.asin,
            title: r.title,
            brand: r.brand,
            category: f?.category ?? null,
            salesRank: f?.salesRank ?? null,
            package: null,
            imageUrl: null,
          };
          if (f?.salesRank)
            match.salesRanks = [
              { kind: 'group', id: f.category ?? 'reference', title: f.category ?? null, rank: f.salesRank },
            ];
          if (f?.hazmat) match.hazmat = { status: f.hazmat, reasons: [] };
          return match;
        }),
      }));
    },
  };
}
