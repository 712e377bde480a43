import { referralCategory } from './categories.ts';
import {
  cents,
  fulfillmentFee,
  peakSurcharge,
  referralFee,
  sizeTier,
  storageFee,
  type Package,
  type SizeTier,
} from './fees.ts';
import { estimateMonthlySales } from './sales.ts';
import type { FeePeriod, FeeSchedule, FeeScheduleData } from './schedule.ts';

/** What the analysis needs of a product. Amazon's values (from lookups) win over the supplier file's. */
export interface AnalysisInput {
  cost: number | null;
  /** Sell price candidates, best first: Amazon's price, the file's price/MSRP, then a price the user set. */
  amazonPrice?: number | null;
  userPrice?: number | null;
  filePrice?: number | null;
  category: string | null;
  package?: Partial<Package> | null;
  salesRank?: number | null;
}

/** The seller's assumptions and targets (settings). */
export interface AnalysisOptions {
  /** Month (1–12) for the storage rate. */
  month: number;
  storageMonths?: number;
  prepPerUnit?: number;
  inboundPerUnit?: number;
  inboundPerLb?: number;
  fuelSurcharge?: boolean;
  targets?: { minRoi?: number; minProfit?: number; maxRank?: number };
}

export type Flag =
  'meets_roi' | 'misses_roi' | 'meets_profit' | 'misses_profit' | 'meets_rank' | 'misses_rank' | 'winner';

/** Every number is finite or null; when null, `reasons` says why. */
export interface AnalysisResult {
  sellPrice: number | null;
  priceSource: 'amazon' | 'user' | 'file' | null;
  referralCategory: string;
  referralFee: number | null;
  sizeTier: SizeTier | null;
  shippingWeightLb: number | null;
  fulfillmentFee: number | null;
  storageFee: number | null;
  otherCosts: number;
  unitCost: number | null;
  totalFees: number | null;
  profit: number | null;
  margin: number | null;
  roi: number | null;
  /** The most one may pay per unit and still break even at this price. */
  breakevenCost: number | null;
  /** The most one may pay per unit to reach the target ROI. */
  maxCostForTargetRoi: number | null;
  salesRank: number | null;
  estMonthlySales: { low: number; mid: number; high: number } | null;
  flags: Flag[];
  reasons: string[];
  /** The schedule used, with its peak season when in one: `us-2026-01-15` or `us-2026-01-15+peak-2026`. */
  feeSchedule: string;
  feePeriod: FeePeriod;
}

// Keyed by the loaded data: scheduleFor returns a fresh object per call, the data behind it is shared.
const names = new WeakMap<FeeScheduleData, string[]>();
/** The schedule's referral category names, computed once per schedule file. */
function categoryNames(schedule: FeeSchedule): string[] {
  let n = names.get(schedule.data);
  if (!n) names.set(schedule.data, (n = schedule.data.referral_fees.categories.map((c) => c.name)));
  return n;
}

const positive = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Profit, fees, ROI, break-even and a sales range for one product under one fee schedule. Never throws, never NaN. */
export function analyzeProduct(input: AnalysisInput, schedule: FeeSchedule, opts: AnalysisOptions): AnalysisResult {
  const s = schedule.data;
  const reasons: string[] = [];
  const ref = referralCategory(input.category, categoryNames(schedule));
  if (ref.note) reasons.push(ref.note);

  const candidates = [
    ['amazon', input.amazonPrice],
    ['file', input.filePrice],
    ['user', input.userPrice],
  ] as const;
  const chosen = candidates.find(([, p]) => positive(p));
  const sellPrice = chosen ? (chosen[1] as number) : null;
  if (sellPrice === null) reasons.push('No sell price: no Amazon price yet, no price of yours and none in the file.');

  const pkg = input.package;
  const full =
    pkg && positive(pkg.lengthIn) && positive(pkg.widthIn) && positive(pkg.heightIn) && positive(pkg.weightLb)
      ? (pkg as Package)
      : null;
  if (!full)
    reasons.push('No package dimensions and weight: the FBA fee is unknown until Amazon’s catalog gives them.');

  const cost = input.cost;
  const costOk = positive(cost);
  if (cost === null || cost === undefined) reasons.push('No cost.');
  else if (!costOk) reasons.push(`The cost (${cost}) must be more than 0: ROI is undefined.`);

  const tierInfo = full ? sizeTier(s, full) : null;
  const referral = sellPrice !== null ? referralFee(s, ref.name, sellPrice) : null;
  let peak = 0;
  if (tierInfo && schedule.peak) {
    const p = peakSurcharge(schedule.peak.surcharges, tierInfo.tier, tierInfo.shippingWeightLb);
    if (p === null)
      reasons.push(
        `No ${schedule.peak.id} surcharge is known for the ${tierInfo.tier} tier: the FBA fee shown is the non-peak one, and the real one is higher.`,
      );
    peak = p ?? 0;
  }
  const fulfillment =
    tierInfo && sellPrice !== null
      ? fulfillmentFee(s, tierInfo.tier, tierInfo.shippingWeightLb, sellPrice, {
          fuelSurcharge: opts.fuelSurcharge,
          peakSurcharge: peak,
        })
      : null;
  const storage =
    tierInfo && full ? cents(storageFee(s, full, tierInfo.tier, opts.month) * (opts.storageMonths ?? 1)) : null;
  const otherCosts = cents(
    (opts.prepPerUnit ?? 0) + (opts.inboundPerUnit ?? 0) + (opts.inboundPerLb ?? 0) * (full?.weightLb ?? 0),
  );
  const totalFees =
    referral !== null && fulfillment !== null && storage !== null ? cents(referral + fulfillment + storage) : null;
  const unitCost = costOk ? cents(cost + otherCosts) : null;
  const profit =
    totalFees !== null && sellPrice !== null && unitCost !== null ? cents(sellPrice - totalFees - unitCost) : null;
  const margin = profit !== null && sellPrice ? round4(profit / sellPrice) : null;
  const roi = profit !== null && unitCost ? round4(profit / unitCost) : null;
  const breakevenCost = totalFees !== null && sellPrice !== null ? cents(sellPrice - totalFees - otherCosts) : null;
  const targetRoi = opts.targets?.minRoi;
  const maxCostForTargetRoi =
    totalFees !== null && sellPrice !== null && targetRoi !== undefined
      ? cents((sellPrice - totalFees) / (1 + targetRoi) - otherCosts)
      : null;

  const rank = positive(input.salesRank) ? Math.round(input.salesRank) : null;
  const estMonthlySales = rank !== null ? estimateMonthlySales(rank, ref.name) : null;
  if (rank === null) reasons.push('No sales rank: monthly sales cannot be estimated.');

  const flags: Flag[] = [];
  const t = opts.targets ?? {};
  const verdicts: boolean[] = [];
  if (t.minRoi !== undefined && roi !== null) verdicts.push(flagged(flags, roi >= t.minRoi, 'meets_roi', 'misses_roi'));
  if (t.minProfit !== undefined && profit !== null)
    verdicts.push(flagged(flags, profit >= t.minProfit, 'meets_profit', 'misses_profit'));
  if (t.maxRank !== undefined && rank !== null)
    verdicts.push(flagged(flags, rank <= t.maxRank, 'meets_rank', 'misses_rank'));
  const wanted = [t.minRoi, t.minProfit, t.maxRank].filter((x) => x !== undefined).length;
  if (wanted > 0 && verdicts.length === wanted && verdicts.every(Boolean)) flags.push('winner');

  return {
    sellPrice,
    priceSource: chosen ? chosen[0] : null,
    referralCategory: ref.name,
    referralFee: referral,
    sizeTier: tierInfo?.tier ?? null,
    shippingWeightLb: tierInfo ? Math.round(tierInfo.shippingWeightLb * 1000) / 1000 : null,
    fulfillmentFee: fulfillment,
    storageFee: storage,
    otherCosts,
    unitCost,
    totalFees,
    profit,
    margin,
    roi,
    breakevenCost,
    maxCostForTargetRoi,
    salesRank: rank,
    estMonthlySales,
    flags,
    reasons,
    feeSchedule: schedule.id,
    feePeriod: schedule.period,
  };
}

function flagged(flags: Flag[], ok: boolean, yes: Flag, no: Flag): boolean {
  flags.push(ok ? yes : no);
  return ok;
}
