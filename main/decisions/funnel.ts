// The order of the funnel: the cheap answers (Buy Box / competitive price, local fees, restrictions, pack) decide
// which products deserve getItemOffersBatch, the scarcest call (0.1 req/s, 20 items: about 7,200 products an hour).
import { expectedMonthlyProfit, type HazmatStatus, type RestrictionStatus } from './verdict.ts';
import type { Reason } from './reasons.ts';

/** What the first cut needs of a product, all from the cheap calls. */
export interface FirstCutInput {
  asin: string | null;
  restriction: RestrictionStatus | null;
  hazmat?: HazmatStatus | null;
  /** ROI and profit at the Buy Box (or competitive) price, cost × pack multiplier. */
  roi: number | null;
  profit: number | null;
  /** null: the pack did not match, so roi/profit are not trustworthy enough to cut on. */
  packMultiplier: number | null;
}

export interface FirstCutOptions {
  minRoi: number;
  /**
   * How far below the ROI target a product may be and still get its offers: the Buy Box price is already the best price
   * one can expect, so offers cannot lift a product far below target. 0.1 = ten points.
   */
  roiSlack?: number;
}

export const DEFAULT_ROI_SLACK = 0.1;

/** Whether to spend an offers call on the product, and the skip reasons that made the answer no. */
export interface FirstCut {
  fetchOffers: boolean;
  reasons: Reason[];
}

/**
 * Decides whether a product deserves an offers call: not when it is already a skip that offers cannot change — no
 * ASIN, not eligible / ASIN unknown to Amazon, refused by FBA, or ROI far below target (or a loss) at the Buy Box
 * price with a matching pack. Gated (approval required) products still get offers: the seller may apply.
 */
export function firstCut(p: FirstCutInput, o: FirstCutOptions): FirstCut {
  const reasons: Reason[] = [];
  const slack = o.roiSlack ?? DEFAULT_ROI_SLACK;
  if (!p.asin)
    reasons.push({ code: 'no_asin', severity: 'skip', text: 'No Amazon listing (ASIN) found for this product.' });
  if (p.restriction === 'not_eligible')
    reasons.push({ code: 'not_eligible', severity: 'skip', text: 'You are not allowed to sell this product.' });
  if (p.restriction === 'asin_not_found')
    reasons.push({
      code: 'asin_not_found',
      severity: 'skip',
      text: 'Amazon does not know this ASIN in your marketplace.',
    });
  if (p.hazmat === 'ineligible')
    reasons.push({ code: 'hazmat_ineligible', severity: 'skip', text: 'Amazon will not take this product into FBA.' });
  if (p.packMultiplier !== null) {
    if (p.roi !== null && p.roi < o.minRoi - slack)
      reasons.push({
        code: 'roi_below_target',
        severity: 'skip',
        text: `ROI ${Math.round(p.roi * 100)}% at the Buy Box price is far below your ${Math.round(o.minRoi * 100)}% target.`,
      });
    else if (p.profit !== null && p.profit <= 0)
      reasons.push({
        code: 'profit_below_target',
        severity: 'skip',
        text: `Loses money at the Buy Box price (profit $${p.profit.toFixed(2)}).`,
      });
  }
  return { fetchOffers: reasons.length === 0, reasons };
}

/** What offersOrder needs of each product. */
export interface OffersCandidate {
  asin: string;
  profit: number | null;
  estSalesMid: number | null;
}

/**
 * The order to fetch offers in: highest expected monthly profit (profit × est. sales) first; unknown sales after
 * (by profit), unknown profit last. Each ASIN appears once (its best entry) — a batch with an ASIN twice is refused.
 */
export function offersOrder<T extends OffersCandidate>(list: readonly T[]): T[] {
  const key = (x: T): [number, number, number] => {
    const e = expectedMonthlyProfit({ profit: x.profit, estSales: x.estSalesMid });
    if (e !== null) return [0, -e, 0];
    if (x.profit !== null) return [1, -x.profit, 0];
    return [2, 0, 0];
  };
  const sorted = list
    .map((x, i) => ({ x, k: key(x), i }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((e) => e.x);
  const seen = new Set<string>();
  return sorted.filter((x) => (seen.has(x.asin) ? false : (seen.add(x.asin), true)));
}
