// The verdict for one product on one candidate ASIN: buy, check or skip, with every reason in plain words. Pure: the
// caller gathers the analysis, pack match, restriction, offers and hazmat answers; nothing here reads or writes.
import type { PackMatch } from './pack.ts';
import { verdictOf, type Reason, type Verdict } from './reasons.ts';

export type RestrictionStatus = 'ok' | 'approval_required' | 'not_eligible' | 'asin_not_found';
export type HazmatStatus = 'none' | 'review' | 'ineligible';
export type BuyBoxWinner = 'amazon' | 'fba' | 'fbm';

/**
 * The hazmat status for a verdict from what is known: FBA's eligibility preview when fetched (eligible → none,
 * review → review, ineligible → ineligible), else the catalog's dangerous-goods hints (none/review), else null.
 * The catalog's "none" is taken as none: eligibility calls are scarce (1 req/s), and asking for every product would
 * turn every unchecked one into a "check".
 */
export function hazmatFrom(
  eligibility: { status: 'eligible' | 'ineligible' | 'review' } | null,
  catalogHazmat: { status: 'none' | 'review' | 'ineligible' } | null,
): HazmatStatus | null {
  if (eligibility) return eligibility.status === 'eligible' ? 'none' : eligibility.status;
  return catalogHazmat?.status ?? null;
}

/** The seller's targets and policies for a verdict. */
export interface DecisionThresholds {
  /** Lowest return on cost (0.3 = 30%). */
  minRoi: number;
  /** Lowest profit per unit, in the marketplace's currency. */
  minProfit: number;
  /** Worst sales rank accepted; null = any rank. */
  maxRank: number | null;
  /**
   * Fewest monthly sales each FBA seller would get if the seller joined and the Buy Box rotated evenly:
   * est. monthly sales ÷ (FBA offers + 1). Below it the listing is too crowded for its sales. 0 turns the rule off.
   */
  minSalesPerFbaOffer: number;
  /** Skip listings where Amazon itself sells (it rarely loses the Buy Box); false makes it a note. */
  avoidAmazonOnListing: boolean;
  /** Unknown restriction, offers, hazmat or rank → check (true) or a note (false). */
  unknownIsCheck: boolean;
}

/** Defaults a wholesale seller would recognise: 30% ROI, $3 a unit, 3 sales a month per FBA seller, avoid Amazon. */
export const DEFAULT_THRESHOLDS: DecisionThresholds = {
  minRoi: 0.3,
  minProfit: 3,
  maxRank: null,
  minSalesPerFbaOffer: 3,
  avoidAmazonOnListing: true,
  unknownIsCheck: true,
};

/** The settings keys the thresholds come from (main/settings/schema.ts). */
export interface DecisionSettings {
  targetMinRoi: number;
  targetMinProfit: number;
  targetMaxRank: number | null;
  decisionMinSalesPerFbaOffer: number;
  decisionAvoidAmazonOnListing: boolean;
  decisionUnknownIsCheck: boolean;
}

/** The thresholds the seller's settings describe. */
export function thresholdsFromSettings(s: DecisionSettings): DecisionThresholds {
  return {
    minRoi: s.targetMinRoi,
    minProfit: s.targetMinProfit,
    maxRank: s.targetMaxRank,
    minSalesPerFbaOffer: s.decisionMinSalesPerFbaOffer,
    avoidAmazonOnListing: s.decisionAvoidAmazonOnListing,
    unknownIsCheck: s.decisionUnknownIsCheck,
  };
}

/** The analysis numbers for this ASIN (cost already multiplied by the pack multiplier when it is known). */
export interface VerdictNumbers {
  profit: number | null;
  roi: number | null;
  margin: number | null;
  salesRank: number | null;
  estSalesMid: number | null;
  sellPrice: number | null;
  buyBoxPrice: number | null;
}

export interface RestrictionInfo {
  status: RestrictionStatus | null;
  message?: string | null;
  approvalUrl?: string | null;
}

export interface OffersInfo {
  amazonOnListing: boolean | null;
  fbaOffers: number | null;
  fbmOffers: number | null;
  lowestFba: number | null;
  lowestFbm: number | null;
  buyBoxWinner: BuyBoxWinner | null;
}

export interface VerdictInput {
  numbers: VerdictNumbers;
  pack: PackMatch;
  /** null: restrictions not fetched yet. */
  restriction: RestrictionInfo | null;
  /** null: offers not fetched yet. */
  offers: OffersInfo | null;
  /** null: FBA eligibility not known. */
  hazmat: HazmatStatus | null;
}

export interface Decision {
  verdict: Verdict;
  reasons: Reason[];
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const money = (x: number): string => `$${x.toFixed(2)}`;
const count = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
function withMessage(text: string, message: string | null | undefined): string {
  const m = message?.trim();
  return m ? `${text} Amazon says: "${m}"` : text;
}

/**
 * Decides one product on one ASIN. Any skip reason → skip; else any check reason → check; else buy. Reasons come in
 * a fixed order (eligibility, price, targets, competition, pack, hazmat) so the first one is the one to read first.
 */
export function decide(input: VerdictInput, t: DecisionThresholds = DEFAULT_THRESHOLDS): Decision {
  const reasons: Reason[] = [];
  const unknown = t.unknownIsCheck ? 'check' : 'info';
  const { numbers: n, offers, restriction, pack } = input;

  // Can the seller list it at all?
  const r = restriction?.status ?? null;
  if (r === 'not_eligible')
    reasons.push({
      code: 'not_eligible',
      severity: 'skip',
      text: withMessage('You are not allowed to sell this product (Amazon says not eligible).', restriction?.message),
    });
  else if (r === 'asin_not_found')
    reasons.push({
      code: 'asin_not_found',
      severity: 'skip',
      text: withMessage('Amazon does not know this ASIN in your marketplace.', restriction?.message),
    });
  else if (r === 'approval_required') {
    const reason: Reason = {
      code: 'approval_required',
      severity: 'check',
      text: withMessage('Gated: you need Amazon’s approval to sell this.', restriction?.message),
    };
    if (restriction?.approvalUrl) reason.url = restriction.approvalUrl;
    reasons.push(reason);
  } else if (r === null)
    reasons.push({
      code: 'restriction_unknown',
      severity: unknown,
      text: 'Not checked yet whether you may sell this.',
    });

  // Price: without one, nothing else can be figured.
  const otherPrice = offers ? (offers.lowestFba ?? offers.lowestFbm) : null;
  if (n.sellPrice === null && n.buyBoxPrice === null) {
    if (otherPrice === null)
      reasons.push({
        code: 'price_unknown',
        severity: offers === null ? 'check' : 'skip',
        text:
          offers === null
            ? 'No price known yet: no Buy Box and offers not fetched.'
            : 'No price: no Buy Box and no offer to price against.',
      });
    else
      reasons.push({
        code: 'price_unknown',
        severity: 'check',
        text: `No Buy Box price; the lowest offer is ${money(otherPrice)}: price it by hand.`,
      });
  } else if (n.buyBoxPrice === null)
    reasons.push({
      code: 'no_buy_box',
      severity: 'check',
      text: `No Buy Box right now; figured at ${money(n.sellPrice!)}.`,
    });

  // Targets. When the pack does not match, the figures assume one supplier unit per Amazon unit, so they only warn.
  const packKnown = pack.multiplier !== null;
  const targetSeverity = packKnown ? 'skip' : 'check';
  const packNote = packKnown ? '' : ' (figured at one supplier unit per Amazon unit; the pack does not match)';
  const priced = n.sellPrice !== null || n.buyBoxPrice !== null;
  if (priced && (n.roi === null || n.profit === null))
    reasons.push({ code: 'cost_unknown', severity: 'check', text: 'No supplier cost: profit and ROI are unknown.' });
  if (n.roi !== null && n.roi < t.minRoi)
    reasons.push({
      code: 'roi_below_target',
      severity: targetSeverity,
      text: `ROI ${pct(n.roi)} is below your ${pct(t.minRoi)} target${packNote}.`,
    });
  if (n.profit !== null && n.profit < t.minProfit)
    reasons.push({
      code: 'profit_below_target',
      severity: targetSeverity,
      text: `Profit ${money(n.profit)} a unit is below your ${money(t.minProfit)} target${packNote}.`,
    });
  if (n.salesRank === null)
    reasons.push({ code: 'rank_unknown', severity: unknown, text: 'No sales rank: sales cannot be estimated.' });
  else if (t.maxRank !== null && n.salesRank > t.maxRank)
    reasons.push({
      code: 'rank_above_target',
      severity: 'skip',
      text: `Sales rank ${n.salesRank.toLocaleString('en-US')} is worse than your ${t.maxRank.toLocaleString('en-US')} limit.`,
    });

  // Competition.
  if (offers === null)
    reasons.push({
      code: 'offers_unknown',
      severity: unknown,
      text: 'Offers not fetched yet: whether Amazon sells here and how many sellers compete is unknown.',
    });
  else {
    const amazonHere = offers.amazonOnListing === true || offers.buyBoxWinner === 'amazon';
    if (amazonHere)
      reasons.push({
        code: 'amazon_on_listing',
        severity: t.avoidAmazonOnListing ? 'skip' : 'info',
        text:
          offers.buyBoxWinner === 'amazon'
            ? 'Amazon sells on this listing and holds the Buy Box.'
            : 'Amazon sells on this listing.',
      });
    else if (offers.amazonOnListing === null && offers.buyBoxWinner === null)
      reasons.push({
        code: 'offers_unknown',
        severity: unknown,
        text: 'Whether Amazon sells on this listing is unknown.',
      });
    const fba = offers.fbaOffers;
    if (fba !== null && fba > 0 && t.minSalesPerFbaOffer > 0 && n.estSalesMid !== null) {
      const share = n.estSalesMid / (fba + 1);
      if (share < t.minSalesPerFbaOffer)
        reasons.push({
          code: 'too_many_fba_offers',
          severity: 'skip',
          text: `${fba} FBA offers for about ${count(n.estSalesMid)} sales a month: about ${count(Math.round(share * 10) / 10)} a month each if you join (target ${count(t.minSalesPerFbaOffer)}).`,
        });
    }
  }

  if (pack.reason) reasons.push(pack.reason);

  if (input.hazmat === 'ineligible')
    reasons.push({
      code: 'hazmat_ineligible',
      severity: 'skip',
      text: 'Amazon will not take this product into FBA (its eligibility check refused it).',
    });
  else if (input.hazmat === 'review')
    reasons.push({
      code: 'hazmat_review',
      severity: 'check',
      text: 'Dangerous-goods (hazmat) review needed before sending to FBA.',
    });
  else if (input.hazmat === null)
    reasons.push({ code: 'hazmat_unknown', severity: unknown, text: 'FBA eligibility (hazmat) not checked yet.' });

  return { verdict: verdictOf(reasons), reasons };
}

const RANK: Record<Verdict, number> = { buy: 0, check: 1, skip: 2 };

/** One ASIN a product could be listed on, with its verdict and figures. */
export interface Candidate {
  asin: string;
  verdict: Verdict;
  profit: number | null;
  roi: number | null;
  estSales: number | null;
}

/** Expected monthly profit: profit × est. monthly sales, null when either is unknown. */
export function expectedMonthlyProfit(c: { profit: number | null; estSales: number | null }): number | null {
  return c.profit !== null && c.estSales !== null ? c.profit * c.estSales : null;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const byVerdict = RANK[a.verdict] - RANK[b.verdict];
  if (byVerdict !== 0) return byVerdict;
  const ea = expectedMonthlyProfit(a);
  const eb = expectedMonthlyProfit(b);
  if (ea !== eb) {
    if (ea === null) return 1;
    if (eb === null) return -1;
    return eb - ea;
  }
  const pa = a.profit ?? -Infinity;
  const pb = b.profit ?? -Infinity;
  if (pa !== pb) return pb - pa;
  return a.asin < b.asin ? -1 : a.asin > b.asin ? 1 : 0;
}

/** Which candidate was chosen and why; `note` explains an override that matched no candidate. */
export interface Choice<C extends Candidate> {
  chosen: C | null;
  by: 'override' | 'best' | 'none';
  note?: string;
}

/**
 * Picks the ASIN to decide on: the seller's override when it is a candidate, else the best by verdict (buy > check >
 * skip), then expected monthly profit (unknown last), then profit, then ASIN (so the pick is stable).
 */
export function chooseCandidate<C extends Candidate>(candidates: readonly C[], override?: string | null): Choice<C> {
  if (override) {
    const hit = candidates.find((c) => c.asin === override);
    if (hit) return { chosen: hit, by: 'override' };
  }
  const best = [...candidates].sort(compareCandidates)[0] ?? null;
  const note = override
    ? `Your chosen ASIN ${override} is not among this product's candidates; the best candidate is used.`
    : undefined;
  if (best === null) return note ? { chosen: null, by: 'none', note } : { chosen: null, by: 'none' };
  return note ? { chosen: best, by: 'best', note } : { chosen: best, by: 'best' };
}
