// One candidate ASIN of one product, judged from what is known so far: the local analysis at Amazon's price with the
// cost of Amazon's unit (supplier cost × pack multiplier), then the verdict with its reasons. Pure: the decide task
// gathers the answers and calls this at the first cut and again once the offers (and eligibility) are in.
import { analyzeProduct, type AnalysisOptions, type AnalysisResult } from '../analysis/analyze.ts';
import type { FeeSchedule } from '../analysis/schedule.ts';
import { analysisInput, type AnalysisRow } from '../analysis/task.ts';
import { amazonUnit, matchPack, supplierUnit, type PackMatch } from './pack.ts';
import { verdictOf, type Reason } from './reasons.ts';
import type { CatalogItem, FbaEligibility, ListingRestriction, OfferSummary } from './store.ts';
import {
  decide,
  hazmatFrom,
  type Decision,
  type DecisionThresholds,
  type OffersInfo,
  type RestrictionInfo,
} from './verdict.ts';

/** A product as the decide job reads it. */
export interface DecideProductRow extends AnalysisRow {
  gtin14: string | null;
  name: string | null;
  pack_size: number | null;
  asin: string | null;
  asin_override: string | null;
  lookup_status: string | null;
}

/** What is known of one candidate ASIN; `…Error` says why an answer is missing (a per-ASIN error from Amazon). */
export interface CandidateFacts {
  asin: string;
  catalog: CatalogItem | null;
  /** The stored offer summary (competitive pricing, later item offers). */
  summary: OfferSummary | null;
  restriction: ListingRestriction | null;
  eligibility: FbaEligibility | null;
  restrictionError?: string;
  offersError?: string;
  eligibilityError?: string;
  pricingError?: string;
  /** The first cut ruled it out: offers were not asked for on purpose. */
  cut?: boolean;
  /** No SP-API credentials: restrictions, offers and eligibility cannot be asked. */
  local?: boolean;
}

/** One candidate judged: its analysis, pack match and decision. */
export interface Evaluation {
  asin: string;
  analysis: AnalysisResult;
  pack: PackMatch;
  buyBox: number | null;
  decision: Decision;
}

/** The offers picture a verdict reads: item offers when fetched, else nothing (competitive pricing gives no channels). */
function offersInfo(s: OfferSummary | null): OffersInfo | null {
  if (!s || s.source !== 'item_offers') return null;
  return {
    amazonOnListing: s.amazonOnListing,
    fbaOffers: s.fbaOffers,
    fbmOffers: s.fbmOffers,
    lowestFba: s.lowestFba,
    lowestFbm: s.lowestFbm,
    buyBoxWinner: s.buyBoxWinner,
  };
}

function restrictionInfo(r: ListingRestriction | null): RestrictionInfo | null {
  if (!r) return null;
  const url = r.reasons.find((x) => x.approvalUrl)?.approvalUrl ?? null;
  return { status: r.status, message: r.reasons[0]?.message ?? null, approvalUrl: url };
}

/** Replaces a generic "unknown" reason's text with why it is unknown. */
function explain(reasons: Reason[], code: Reason['code'], text: string | null, severity?: Reason['severity']): void {
  for (const r of reasons)
    if (r.code === code) {
      if (text) r.text = text;
      if (severity) r.severity = severity;
    }
}

/** The fee schedule, the seller's assumptions and targets a judgement uses. */
export interface JudgeContext {
  schedule: FeeSchedule;
  options: AnalysisOptions;
  thresholds: DecisionThresholds;
}

/** Analyses and decides one candidate of a product. */
export function evaluateCandidate(row: DecideProductRow, f: CandidateFacts, ctx: JudgeContext): Evaluation {
  const same = f.asin === row.asin;
  const c = f.catalog;
  const pack = matchPack(supplierUnit({ packSize: row.pack_size, name: row.name }), c ? amazonUnit(c) : null);
  // Amazon's price for this ASIN: the stored summary's Buy Box; the product's own price only for its own ASIN.
  const buyBox = f.summary ? f.summary.buyBoxPrice : same ? row.amazon_price : null;
  const rank = c?.salesRanks.find((r) => r.kind === 'group') ?? c?.salesRanks[0] ?? null;
  const dims = c && c.weightLb !== null ? c : null;
  const analysis = analyzeProduct(
    analysisInput({
      ...row,
      // The cost of Amazon's unit; an unresolved pack keeps the supplier's (and the verdict only warns).
      cost: row.cost === null ? null : pack.multiplier === null ? row.cost : row.cost * pack.multiplier,
      amazon_price: buyBox,
      amazon_category: rank?.title ?? (same ? row.amazon_category : null),
      weight_lb: dims ? dims.weightLb : same ? row.weight_lb : null,
      length_in: dims ? dims.lengthIn : same ? row.length_in : null,
      width_in: dims ? dims.widthIn : same ? row.width_in : null,
      height_in: dims ? dims.heightIn : same ? row.height_in : null,
      sales_rank: rank?.rank ?? (same ? row.sales_rank : null),
    }),
    ctx.schedule,
    ctx.options,
  );
  const eligibility = f.eligibility ? { status: f.eligibility.status } : null;
  const decision = decide(
    {
      numbers: {
        profit: analysis.profit,
        roi: analysis.roi,
        margin: analysis.margin,
        salesRank: analysis.salesRank,
        estSalesMid: analysis.estMonthlySales?.mid ?? null,
        sellPrice: analysis.sellPrice,
        buyBoxPrice: buyBox,
      },
      pack,
      restriction: restrictionInfo(f.restriction),
      offers: offersInfo(f.summary),
      hazmat: hazmatFrom(eligibility, c?.hazmat ?? null),
    },
    ctx.thresholds,
  );
  const r = decision.reasons;
  const noApi = 'Unknown: no SP-API credentials are set, so Amazon could not be asked.';
  if (f.local) {
    explain(r, 'restriction_unknown', `Whether you may sell this is unknown. ${noApi}`);
    explain(r, 'offers_unknown', `Who else sells this is unknown. ${noApi}`);
    explain(r, 'hazmat_unknown', `FBA eligibility (hazmat) is unknown. ${noApi}`);
  }
  if (f.restrictionError) explain(r, 'restriction_unknown', `Restriction unknown: ${f.restrictionError}`);
  if (f.offersError) explain(r, 'offers_unknown', `Offers unknown: ${f.offersError}`);
  else if (f.cut)
    explain(r, 'offers_unknown', 'Offers not fetched: the cheaper answers already rule this product out.', 'info');
  if (f.eligibilityError) explain(r, 'hazmat_unknown', `FBA eligibility (hazmat) unknown: ${f.eligibilityError}`);
  if (f.pricingError && buyBox === null)
    r.push({ code: 'price_unknown', severity: 'check', text: `Amazon's price unknown: ${f.pricingError}` });
  return { asin: f.asin, analysis, pack, buyBox, decision: { verdict: verdictOf(r), reasons: r } };
}
