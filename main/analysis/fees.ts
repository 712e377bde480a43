import type { FeeScheduleData, PeakSurcharges } from './schedule.ts';

export type SizeTier =
  | 'small_standard'
  | 'large_standard'
  | 'small_bulky'
  | 'large_bulky'
  | 'extra_large_0_50'
  | 'extra_large_50_70'
  | 'extra_large_70_150'
  | 'extra_large_150_plus';
export type PriceBand = 'under_10' | 'b10_to_50' | 'over_50';

/** Package dimensions in inches (any order) and unit weight in pounds. */
export interface Package {
  lengthIn: number;
  widthIn: number;
  heightIn: number;
  weightLb: number;
}

// Money is rounded to cents the way fee tables are (half up); EPS absorbs binary float noise like 3.7485 → 3.74849….
const EPS = 1e-9;
export const cents = (x: number): number => Math.round(x * 100 + EPS * 100) / 100;
const ceilTo = (x: number, step: number) => Math.ceil(x / step - EPS) * step;

/** The fulfillment price band of a listing price: < $10, $10–$50 inclusive, > $50. */
export function priceBand(price: number): PriceBand {
  return price < 10 ? 'under_10' : price <= 50 ? 'b10_to_50' : 'over_50';
}

const STANDARD: readonly SizeTier[] = ['small_standard', 'large_standard'];

/** Size tier, dimensional weight and shipping weight of a package (dimensional weight divisor 139; 2" minimums for bulky). */
export function sizeTier(
  s: FeeScheduleData,
  p: Package,
): { tier: SizeTier; dimensionalWeightLb: number; shippingWeightLb: number } {
  const [longest, median, shortest] = [p.lengthIn, p.widthIn, p.heightIn].sort((a, b) => b - a) as [
    number,
    number,
    number,
  ];
  const divisor = s.dimensional_weight.divisor_cubic_inches_per_lb;
  const minSide = s.dimensional_weight.min_width_and_height_in_for_bulky_and_extra_large;
  const dimWeight = (longest * median * shortest) / divisor;
  const dimWeightBulky = (longest * Math.max(median, minSide) * Math.max(shortest, minSide)) / divisor;
  const girth = longest + 2 * (median + shortest);
  const t = s.size_tiers.tiers;
  const fits = (x: { max_longest_in: number; max_median_in: number; max_shortest_in: number }) =>
    longest <= x.max_longest_in && median <= x.max_median_in && shortest <= x.max_shortest_in;

  if (p.weightLb <= t.small_standard.max_weight_lb && fits(t.small_standard))
    return { tier: 'small_standard', dimensionalWeightLb: dimWeight, shippingWeightLb: p.weightLb };
  const standardShipping = Math.max(p.weightLb, dimWeight);
  if (standardShipping <= t.large_standard.max_weight_lb && fits(t.large_standard))
    return { tier: 'large_standard', dimensionalWeightLb: dimWeight, shippingWeightLb: standardShipping };
  const bulkyShipping = Math.max(p.weightLb, dimWeightBulky);
  for (const tier of ['small_bulky', 'large_bulky'] as const) {
    const x = t[tier];
    if (bulkyShipping <= x.max_weight_lb && fits(x) && girth <= x.max_length_plus_girth_in)
      return { tier, dimensionalWeightLb: dimWeightBulky, shippingWeightLb: bulkyShipping };
  }
  // Extra-large: banded by shipping weight, except 150+ lb, which goes by unit weight alone.
  if (p.weightLb > 150)
    return { tier: 'extra_large_150_plus', dimensionalWeightLb: dimWeightBulky, shippingWeightLb: p.weightLb };
  const tier: SizeTier =
    bulkyShipping <= 50 ? 'extra_large_0_50' : bulkyShipping <= 70 ? 'extra_large_50_70' : 'extra_large_70_150';
  return { tier, dimensionalWeightLb: dimWeightBulky, shippingWeightLb: bulkyShipping };
}

/** True for the standard-size tiers (storage uses the standard rate). */
export const isStandard = (tier: SizeTier) => STANDARD.includes(tier);

/**
 * FBA fulfillment fee per unit from the rate card: tier, shipping weight (rounded as the card says) and price band,
 * plus a peak surcharge when given; the fuel surcharge, when asked, multiplies the whole fee.
 */
export function fulfillmentFee(
  s: FeeScheduleData,
  tier: SizeTier,
  shippingWeightLb: number,
  price: number,
  opts: { fuelSurcharge?: boolean; peakSurcharge?: number } = {},
): number {
  const band = priceBand(price);
  const cards = s.fulfillment_fees.tiers;
  let fee: number;
  if (tier === 'small_standard') {
    const oz = ceilTo(shippingWeightLb * 16, 1);
    const row = cards.small_standard.bands.find((b) => b.max_oz >= oz);
    if (!row) throw new Error(`No small-standard band for ${oz} oz.`);
    fee = row[band];
  } else if (tier === 'large_standard') {
    const card = cards.large_standard;
    if (shippingWeightLb <= 1 + EPS) {
      const oz = ceilTo(shippingWeightLb * 16, 1);
      const row = card.bands.find((b) => b.max_oz !== undefined && b.max_oz >= oz);
      if (!row) throw new Error(`No large-standard band for ${oz} oz.`);
      fee = row[band];
    } else if (shippingWeightLb <= 3 + EPS) {
      const lb = ceilTo(shippingWeightLb, 0.25);
      const row = card.bands.find((b) => b.max_lb !== undefined && b.max_lb >= lb - EPS);
      if (!row) throw new Error(`No large-standard band for ${lb} lb.`);
      fee = row[band];
    } else {
      fee =
        card.above_3_lb.base[band] +
        card.above_3_lb.per_4oz_above_3_lb * Math.ceil((shippingWeightLb - 3) / 0.25 - EPS);
    }
  } else if (tier === 'small_bulky' || tier === 'large_bulky') {
    const card = cards[tier];
    fee = card.base[band] + card.per_lb_above_first_lb * (ceilTo(shippingWeightLb, 1) - 1);
  } else {
    const card = cards[tier];
    fee = card.base[band] + card.per_lb * Math.max(0, ceilTo(shippingWeightLb, 1) - card.per_lb_above_lb);
  }
  fee += opts.peakSurcharge ?? 0;
  if (opts.fuelSurcharge) fee *= 1 + s.surcharges.fuel_and_logistics_surcharge.rate_of_fulfillment_fee;
  return cents(fee);
}

/**
 * The holiday peak surcharge per unit for a tier and shipping weight, banded (and rounded) as the base card is;
 * null when the table has no figure for that tier.
 */
export function peakSurcharge(p: PeakSurcharges, tier: SizeTier, shippingWeightLb: number): number | null {
  if (tier === 'small_standard') {
    const oz = ceilTo(shippingWeightLb * 16, 1);
    const row = p.small_standard.bands.find((b) => b.max_oz >= oz);
    if (!row) throw new Error(`No small-standard peak band for ${oz} oz.`);
    return row.surcharge;
  }
  if (tier === 'large_standard') {
    const card = p.large_standard;
    if (shippingWeightLb > 3 + EPS) return card.above_3_lb.surcharge;
    const row =
      shippingWeightLb <= 1 + EPS
        ? card.bands.find((b) => b.max_oz !== undefined && b.max_oz >= ceilTo(shippingWeightLb * 16, 1))
        : card.bands.find((b) => b.max_lb !== undefined && b.max_lb >= ceilTo(shippingWeightLb, 0.25) - EPS);
    if (!row) throw new Error(`No large-standard peak band for ${shippingWeightLb} lb.`);
    return row.surcharge;
  }
  return p[tier].surcharge;
}

const categoryIndex = new WeakMap<
  FeeScheduleData,
  Map<string, FeeScheduleData['referral_fees']['categories'][number]>
>();

/** Referral fee for a category and total sales price: flat, whole-price or marginal tiers, the minimum, and closing fees. */
export function referralFee(s: FeeScheduleData, categoryName: string, price: number): number {
  let byName = categoryIndex.get(s);
  if (!byName) categoryIndex.set(s, (byName = new Map(s.referral_fees.categories.map((c) => [c.name, c]))));
  const cat = byName.get(categoryName);
  if (!cat) throw new Error(`"${categoryName}" is not a referral category of this fee schedule.`);
  let fee = 0;
  const first = cat.tiers[0]!;
  if (first.type === 'flat') fee = price * first.rate;
  else if (first.type === 'whole') {
    const tier =
      cat.tiers.find((t) => t.up_to === null || t.up_to === undefined || price <= t.up_to) ?? cat.tiers.at(-1)!;
    fee = price * tier.rate;
  } else {
    let lower = 0;
    for (const t of cat.tiers) {
      const upper = t.up_to ?? Infinity;
      if (price > lower) fee += (Math.min(price, upper) - lower) * t.rate;
      lower = upper;
    }
  }
  return cents(Math.max(cents(fee), cat.min_fee) + (cat.closing_fee ?? 0));
}

/** Monthly storage per unit: cubic feet × the standard or oversize rate for the month (Jan–Sep vs Oct–Dec). */
export function storageFee(s: FeeScheduleData, p: Package, tier: SizeTier, month: number): number {
  const cuft = (p.lengthIn * p.widthIn * p.heightIn) / 1728;
  const rates = isStandard(tier) ? s.storage_fees.rates.standard_size : s.storage_fees.rates.oversize_bulky_and_xl;
  return cents(cuft * (month >= 10 ? rates.oct_dec : rates.jan_sep));
}
