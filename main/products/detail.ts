// Everything known about one product, for the window's detail drawer: its table row (fees, verdict, offers), the
// decision's candidate ASINs with Amazon's answers for each, and what each supplier asked for it over time.
import type { Db } from '../db/open.ts';
import { productDecisionView, type ProductDecisionView } from '../decisions/store.ts';
import { productsByIds, type ProductRow } from './query.ts';

/** One supplier's price for the product in one of its lists. */
export interface CostPoint {
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

/** What the detail drawer shows for one product. */
export interface ProductDetail {
  product: ProductRow;
  /** Candidates, verdict and Amazon's answers per ASIN; null when none is stored (not decided yet). */
  decision: ProductDecisionView | null;
  /** Why the decision could not be read (a damaged stored cell), when it could not; the rest still shows. */
  decisionError: string | null;
  /** Oldest first, every supplier's lists. */
  costHistory: CostPoint[];
}

/** The detail of one product, or null when there is no such product. */
export function productDetail(db: Db, id: number): ProductDetail | null {
  const [product] = productsByIds(db, [id]);
  if (!product) return null;
  let decision: ProductDecisionView | null = null;
  let decisionError: string | null = null;
  try {
    decision = productDecisionView(db, id, 'US');
  } catch (e) {
    decisionError = (e as Error).message;
  }
  // History's key starts with the import: walk the (few) imports and look each one up, rather than scan the history.
  const costHistory = db
    .prepare(
      `SELECT s.name AS supplier, i.id AS importId, i.file_name AS fileName, i.created_at AS at, h.cost, h.currency,
              h.case_pack AS casePack, h.moq
       FROM imports i CROSS JOIN supplier_offer_history h ON h.import_id = i.id AND h.product_id = ?
       JOIN suppliers s ON s.id = h.supplier_id
       ORDER BY i.created_at, i.id`,
    )
    .all(id) as CostPoint[];
  return { product, decision, decisionError, costHistory };
}
