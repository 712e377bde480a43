// Everything known about one product, for the window's detail drawer: its table row (fees, verdict, offers), the
// decision's candidate ASINs with Amazon's answers for each, and what each supplier asked for it over time.
import type { Db } from '../db/open.ts';
import { productDecisionView, type ProductDecisionView } from '../decisions/store.ts';
import { productsByIds, type ProductRow } from './query.ts';
import { productCostHistory, type CostPoint } from '../suppliers/cost-history.ts';

export type { CostPoint };

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
  const costHistory = productCostHistory(db, id);
  return { product, decision, decisionError, costHistory };
}
