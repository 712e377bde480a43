// A product's costs over time, by supplier: what the window's detail drawer and `pallet product` show.
import type { Db } from '../db/open.ts';
import { offerFound, offerJoin, offerValue } from './offer-rows.ts';

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
  // History's key starts with the import: walk the (few) imports and look each one up (the product itself for the
  // list that created it). Filtering history by product (or supplier) instead scans every row of every list.
  return db
    .prepare(
      `SELECT s.id AS supplierId, s.name AS supplier, i.id AS importId, i.file_name AS fileName, i.created_at AS at,
              ${offerValue('h', 'cost')} AS cost, ${offerValue('h', 'currency')} AS currency,
              ${offerValue('h', 'case_pack')} AS casePack, ${offerValue('h', 'moq')} AS moq
       FROM imports i ${offerJoin('i', ':p', 'h')}
       JOIN suppliers s ON s.id = coalesce(h_h.supplier_id, i.supplier_id)
       WHERE ${offerFound('h')}
       ORDER BY i.created_at, i.id`,
    )
    .all({ p: productId }) as CostPoint[];
}
