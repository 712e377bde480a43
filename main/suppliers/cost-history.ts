// A product's costs over time, by supplier: what the window's detail drawer and `pallet product` show.
import type { Db } from '../db/open.ts';

/** One supplier's price for the product in one of its lists. */
export interface CostPoint {
  supplierId: number;
  supplier: string;
  importId: number;
  /** The list's file name (never its path). */
  fileName: string;
  at: number;
  cost: number | null;
  currency: string | null;
  casePack: number | null;
  moq: number | null;
}

/** Every list that priced the product, oldest first, every supplier's. */
export function productCostHistory(db: Db, productId: number): CostPoint[] {
  // History's key starts with the import: walk the (few) imports and look each one up. Filtering history by product
  // (or supplier) instead scans every row of every list.
  return db
    .prepare(
      `SELECT s.id AS supplierId, s.name AS supplier, i.id AS importId, i.file_name AS fileName, i.created_at AS at,
              h.cost, h.currency, h.case_pack AS casePack, h.moq
       FROM imports i CROSS JOIN supplier_offer_history h ON h.import_id = i.id AND h.product_id = ?
       JOIN suppliers s ON s.id = h.supplier_id
       ORDER BY i.created_at, i.id`,
    )
    .all(productId) as CostPoint[];
}
