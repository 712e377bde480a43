// The vocabulary of a buying decision: verdicts, reason codes and their severities. Pure types and one helper, shared
// by pack matching, the verdict rules, the offers funnel and the store (which validates stored reasons against it).

/** What the seller should do with one product on one candidate ASIN. */
export type Verdict = 'buy' | 'check' | 'skip';

/** Every reason a decision can give. The text says it in plain words; the code is for filters and exports. */
export const REASON_CODES = [
  'no_asin',
  'not_eligible',
  'asin_not_found',
  'approval_required',
  'restriction_unknown',
  'amazon_on_listing',
  'too_many_fba_offers',
  'offers_unknown',
  'no_buy_box',
  'price_unknown',
  'cost_unknown',
  'roi_below_target',
  'profit_below_target',
  'rank_above_target',
  'rank_unknown',
  'pack_mismatch',
  'pack_multiple',
  'case_split',
  'pack_assumed',
  'hazmat_review',
  'hazmat_ineligible',
  'hazmat_unknown',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** skip: reason enough not to buy; check: a person must look; info: worth knowing, changes nothing. */
export type Severity = 'skip' | 'check' | 'info';

export interface Reason {
  code: ReasonCode;
  severity: Severity;
  text: string;
  /** Where to act on it, e.g. Amazon's "request approval" page. */
  url?: string;
}

/** The verdict a list of reasons adds up to: any skip → skip, else any check → check, else buy. */
export function verdictOf(reasons: readonly Reason[]): Verdict {
  if (reasons.some((r) => r.severity === 'skip')) return 'skip';
  if (reasons.some((r) => r.severity === 'check')) return 'check';
  return 'buy';
}
