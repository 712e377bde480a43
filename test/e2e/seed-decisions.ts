// Buying decisions written straight into a test database through the decisions store (main/decisions/store.ts), as
// the `decide` job would write them: the window's columns, filters and drawer can be tested before that job exists.
import type { Db } from '../../main/db/open.ts';
import { createDecisionStore } from '../../main/decisions/store.ts';
import type { Reason } from '../../main/decisions/reasons.ts';
import { verdictOf } from '../../main/decisions/reasons.ts';

export const APPROVAL_URL = 'https://sellercentral.amazon.com/hz/approvalrequest?asin=';

/** What one product's decision says; the verdict follows from the reasons' severities. */
export interface SeededDecision {
  productId: number;
  asin: string;
  reasons: Reason[];
  buyBoxPrice?: number | null;
  amazonOnListing?: boolean | null;
  fbaOffers?: number | null;
  fbmOffers?: number | null;
  restriction?: 'ok' | 'approval_required' | 'not_eligible';
  packMultiplier?: number | null;
  /** Other candidate ASINs besides `asin` (the chosen one). */
  otherCandidates?: string[];
  imageUrl?: string | null;
}

/** Saves catalog item, offers, restriction, candidates and verdict for each product (their analyses must exist). */
export function seedDecisions(db: Db, rows: readonly SeededDecision[], now = Date.now()): void {
  const store = createDecisionStore(db);
  db.transaction(() => {
    for (const d of rows) {
      const verdict = verdictOf(d.reasons);
      store.upsertCatalogItem({
        asin: d.asin,
        marketplace: 'US',
        title: `Listing ${d.asin}`,
        brand: null,
        packageQuantity: 1,
        numberOfItems: 1,
        parentAsin: null,
        variationTheme: null,
        isVariationParent: false,
        lengthIn: null,
        widthIn: null,
        heightIn: null,
        weightLb: null,
        imageUrl: d.imageUrl ?? null,
        salesRanks: [],
        hazmat: null,
        fetchedAt: now,
      });
      store.upsertOfferSummary({
        asin: d.asin,
        marketplace: 'US',
        buyBoxPrice: d.buyBoxPrice ?? null,
        buyBoxWinner: d.amazonOnListing ? 'amazon' : 'fba',
        amazonOnListing: d.amazonOnListing ?? null,
        fbaOffers: d.fbaOffers ?? null,
        fbmOffers: d.fbmOffers ?? null,
        lowestFba: d.buyBoxPrice ?? null,
        lowestFbm: null,
        source: 'item_offers',
        fetchedAt: now,
      });
      if (d.restriction)
        store.upsertRestriction({
          asin: d.asin,
          marketplace: 'US',
          sellerId: 'A1SELLER',
          status: d.restriction,
          reasons:
            d.restriction === 'ok'
              ? []
              : [
                  {
                    code: 'APPROVAL_REQUIRED',
                    message: 'You need approval to list in this brand.',
                    approvalUrl: `${APPROVAL_URL}${d.asin}`,
                  },
                ],
          fetchedAt: now,
        });
      store.replaceCandidates(
        d.productId,
        'US',
        [d.asin, ...(d.otherCandidates ?? [])].map((asin, i) => ({
          asin,
          chosen: i === 0,
          verdict: i === 0 ? verdict : 'skip',
          profit: null,
          roi: null,
          estSalesMid: null,
          reasons: i === 0 ? d.reasons : [],
        })),
        now,
      );
      if (
        !store.saveVerdict(d.productId, 'US', {
          verdict,
          reasons: d.reasons,
          packMultiplier: d.packMultiplier ?? null,
          asin: d.asin,
          decidedAt: now,
        })
      )
        throw new Error(`product ${d.productId} has no analysis to put a verdict on`);
    }
  })();
}

/** Reasons as the decide job words them, for tests. */
export const REASON = {
  gated: (asin: string): Reason => ({
    code: 'approval_required',
    severity: 'skip',
    text: 'You need Amazon’s approval to sell this ASIN.',
    url: `${APPROVAL_URL}${asin}`,
  }),
  amazon: { code: 'amazon_on_listing', severity: 'check', text: 'Amazon sells this listing itself.' } as Reason,
  pack: {
    code: 'pack_multiple',
    severity: 'info',
    text: 'Amazon’s listing is a 2-pack: buy 2 units per sale.',
  } as Reason,
  roiLow: { code: 'roi_below_target', severity: 'skip', text: 'ROI is below your 30 % target.' } as Reason,
};

/** Records each (supplier, import, cost) as that supplier's offer on the product in that list. */
export function seedCostHistory(
  db: Db,
  productId: number,
  points: readonly { supplier: string; fileName: string; cost: number; at: number }[],
): void {
  db.transaction(() => {
    for (const p of points) {
      db.prepare('INSERT OR IGNORE INTO suppliers (name, created_at) VALUES (?, ?)').run(p.supplier, p.at);
      const supplierId = db.prepare('SELECT id FROM suppliers WHERE name = ?').pluck().get(p.supplier) as number;
      const importId = Number(
        db
          .prepare(
            `INSERT INTO imports (file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers,
               mapping, fingerprint, status, created_at, supplier_id)
             VALUES (?, ?, 1, 'h', 'utf-8', ',', '.', '[]', '{}', 'f', 'completed', ?, ?)`,
          )
          .run(p.fileName, `/tmp/${p.fileName}`, p.at, supplierId).lastInsertRowid,
      );
      db.prepare(
        'INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency) VALUES (?, ?, ?, ?, ?)',
      ).run(supplierId, productId, importId, p.cost, 'USD');
    }
  })();
}
