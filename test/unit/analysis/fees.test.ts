import { describe, expect, it } from 'vitest';
import { analyzeProduct } from '../../../main/analysis/analyze.ts';
import {
  fulfillmentFee,
  priceBand,
  referralFee,
  sizeTier,
  storageFee,
  type Package,
} from '../../../main/analysis/fees.ts';
import { SCHEDULES, scheduleFor } from '../../../main/analysis/schedule.ts';

const schedule = scheduleFor('2026-06-01');
const s = schedule.data;
const PRICES = { under_10: 5, b10_to_50: 25, over_50: 75 } as const;
const feeFor = (pkg: Package, price: number) => {
  const t = sizeTier(s, pkg);
  return { ...t, fee: fulfillmentFee(s, t.tier, t.shippingWeightLb, price) };
};

describe('fee schedule selection', () => {
  it('picks the schedule in force by date and refuses dates before the first', () => {
    expect(scheduleFor('2026-01-15').id).toBe('us-2026-01-15');
    expect(scheduleFor(new Date('2027-03-01')).id).toBe(SCHEDULES.at(-1)!.id);
    expect(() => scheduleFor('2025-12-31')).toThrow(/No fee schedule is in force on 2025-12-31/);
  });
});

describe('FBA fulfillment fee: every cell of the loaded rate card', () => {
  it('price bands: < $10, $10–$50 inclusive, > $50', () => {
    expect([9.99, 10, 50, 50.01].map(priceBand)).toEqual(['under_10', 'b10_to_50', 'b10_to_50', 'over_50']);
  });

  it('small standard: each ounce band × each price band, at the band top and just above the band below', () => {
    const bands = s.fulfillment_fees.tiers.small_standard.bands;
    bands.forEach((row, i) => {
      const low = i === 0 ? 0.1 : bands[i - 1]!.max_oz + 0.01;
      for (const oz of [low, row.max_oz]) {
        for (const [band, price] of Object.entries(PRICES)) {
          const r = feeFor({ lengthIn: 10, widthIn: 6, heightIn: 0.5, weightLb: oz / 16 }, price);
          expect(r.tier).toBe('small_standard');
          expect(r.fee, `${oz} oz ${band}`).toBe(row[band as keyof typeof PRICES]);
        }
      }
    });
  });

  it('large standard: ounce bands, quarter-pound bands, and +$0.08 per 4 oz above 3 lb', () => {
    const card = s.fulfillment_fees.tiers.large_standard;
    for (const row of card.bands) {
      const lb = row.max_oz !== undefined ? row.max_oz / 16 : row.max_lb!;
      for (const [band, price] of Object.entries(PRICES)) {
        // 10×3×1 in: too thick for small standard, dimensional weight 0.22 lb (below every band).
        const r = feeFor({ lengthIn: 10, widthIn: 3, heightIn: 1, weightLb: lb }, price);
        expect(r.tier).toBe('large_standard');
        expect(r.fee, `${lb} lb ${band}`).toBe(row[band as keyof typeof PRICES]);
      }
    }
    // Published examples: 3.01 lb → one 4-oz step; 20 lb → 68 steps.
    expect(feeFor({ lengthIn: 12, widthIn: 9, heightIn: 2, weightLb: 3.01 }, 25).fee).toBe(7.05);
    expect(feeFor({ lengthIn: 12, widthIn: 9, heightIn: 6, weightLb: 20 }, 25).fee).toBe(12.41);
    expect(feeFor({ lengthIn: 12, widthIn: 9, heightIn: 6, weightLb: 20 }, 5).fee).toBe(
      cents2(card.above_3_lb.base.under_10 + 0.08 * 68),
    );
  });

  it('bulky and extra-large: base plus per-pound steps, per price band', () => {
    for (const [band, price] of Object.entries(PRICES)) {
      const b = band as keyof typeof PRICES;
      const sb = s.fulfillment_fees.tiers.small_bulky;
      // 30×20×10 in: dimensional weight 43.17 lb → 44 lb.
      expect(feeFor({ lengthIn: 30, widthIn: 20, heightIn: 10, weightLb: 12 }, price)).toMatchObject({
        tier: 'small_bulky',
        fee: cents2(sb.base[b] + sb.per_lb_above_first_lb * 43),
      });
      const lbk = s.fulfillment_fees.tiers.large_bulky;
      expect(feeFor({ lengthIn: 50, widthIn: 10, heightIn: 5, weightLb: 20 }, price)).toMatchObject({
        tier: 'large_bulky',
        fee: cents2(lbk.base[b] + lbk.per_lb_above_first_lb * 19),
      });
      const x0 = s.fulfillment_fees.tiers.extra_large_0_50;
      expect(feeFor({ lengthIn: 70, widthIn: 10, heightIn: 5, weightLb: 30 }, price)).toMatchObject({
        tier: 'extra_large_0_50',
        fee: cents2(x0.base[b] + x0.per_lb * 29),
      });
      const x50 = s.fulfillment_fees.tiers.extra_large_50_70;
      expect(feeFor({ lengthIn: 100, widthIn: 8, heightIn: 8, weightLb: 60 }, price)).toMatchObject({
        tier: 'extra_large_50_70',
        fee: cents2(x50.base[b] + x50.per_lb * 9),
      });
      const x70 = s.fulfillment_fees.tiers.extra_large_70_150;
      expect(feeFor({ lengthIn: 100, widthIn: 10, heightIn: 10, weightLb: 100 }, price)).toMatchObject({
        tier: 'extra_large_70_150',
        fee: cents2(x70.base[b] + x70.per_lb * 29),
      });
      const x150 = s.fulfillment_fees.tiers.extra_large_150_plus;
      expect(feeFor({ lengthIn: 100, widthIn: 30, heightIn: 30, weightLb: 200 }, price)).toMatchObject({
        tier: 'extra_large_150_plus',
        fee: cents2(x150.base[b] + x150.per_lb * 49),
      });
    }
    // Typed from the published card, not read back from it: small bulky 44 lb, $10–$50.
    expect(feeFor({ lengthIn: 30, widthIn: 20, heightIn: 10, weightLb: 12 }, 25).fee).toBe(23.89);
  });

  it('applies the 2-inch minimums to bulky dimensional weight (Amazon’s whiteboard example)', () => {
    // 40 × 1 × 25 in → 40 × 2 × 25 / 139 = 14.39 lb.
    expect(sizeTier(s, { lengthIn: 40, widthIn: 1, heightIn: 25, weightLb: 5 })).toMatchObject({
      tier: 'large_bulky',
      shippingWeightLb: (40 * 2 * 25) / 139,
    });
  });

  it('adds the fuel and logistics surcharge only when asked (unconfirmed in the data)', () => {
    expect(fulfillmentFee(s, 'large_standard', 0.9, 24.99, { fuelSurcharge: true })).toBe(cents2(4.6 * 1.035));
  });
});

describe('referral fee', () => {
  it('flat, whole-price and marginal tiers, minimums and closing fees', () => {
    expect(referralFee(s, 'Home and Kitchen', 24.99)).toBe(3.75);
    expect(referralFee(s, 'Beauty, Health and Personal Care', 8.99)).toBe(0.72);
    expect(referralFee(s, 'Beauty, Health and Personal Care', 10.01)).toBe(1.5);
    expect(referralFee(s, 'Furniture', 89.99)).toBe(13.5);
    expect(referralFee(s, 'Furniture', 300)).toBe(40);
    expect(referralFee(s, 'Jewelry', 500)).toBe(62.5);
    expect(referralFee(s, 'Toys and Games', 1)).toBe(0.3);
    expect(referralFee(s, 'Grocery and Gourmet', 1)).toBe(0.08);
    expect(referralFee(s, 'Media - Books, DVD, Music, Software, Video', 10)).toBe(3.3);
  });

  it('meets every category minimum at a tiny price', () => {
    for (const c of s.referral_fees.categories) {
      expect(referralFee(s, c.name, 0.5), c.name).toBeGreaterThanOrEqual(c.min_fee + (c.closing_fee ?? 0));
    }
  });
});

describe('worked examples (seller-domain research §2.8)', () => {
  const opts = { month: 3, targets: { minRoi: 0.3 } };
  it('8×6×2 in, 0.9 lb, $24.99, Home & Kitchen, cost $8', () => {
    expect(
      analyzeProduct(
        {
          cost: 8,
          filePrice: 24.99,
          category: 'Home & Kitchen',
          package: { lengthIn: 8, widthIn: 6, heightIn: 2, weightLb: 0.9 },
        },
        schedule,
        opts,
      ),
    ).toMatchObject({
      sizeTier: 'large_standard',
      fulfillmentFee: 4.6,
      referralFee: 3.75,
      storageFee: 0.04,
      profit: 8.6,
      roi: 1.075,
      flags: ['meets_roi', 'winner'],
    });
  });
  it('9×6×0.5 in, 0.3 lb, $8.99, Beauty, cost $2', () => {
    expect(
      analyzeProduct(
        {
          cost: 2,
          filePrice: 8.99,
          category: 'Beauty',
          package: { lengthIn: 9, widthIn: 6, heightIn: 0.5, weightLb: 0.3 },
        },
        schedule,
        opts,
      ),
    ).toMatchObject({
      sizeTier: 'small_standard',
      fulfillmentFee: 2.56,
      referralFee: 0.72,
      storageFee: 0.01,
      profit: 3.7,
      roi: 1.85,
    });
  });
  it('30×20×10 in, 12 lb, $89.99, Furniture, cost $30', () => {
    expect(
      analyzeProduct(
        {
          cost: 30,
          filePrice: 89.99,
          category: 'Furniture',
          package: { lengthIn: 30, widthIn: 20, heightIn: 10, weightLb: 12 },
        },
        schedule,
        opts,
      ),
    ).toMatchObject({
      sizeTier: 'small_bulky',
      fulfillmentFee: 23.89,
      referralFee: 13.5,
      storageFee: 1.94,
      profit: 20.66,
      roi: 0.6887,
    });
  });
  it('storage is higher from October to December', () => {
    const pkg = { lengthIn: 12, widthIn: 12, heightIn: 12, weightLb: 2 };
    expect(storageFee(s, pkg, 'large_standard', 9)).toBe(0.78);
    expect(storageFee(s, pkg, 'large_standard', 11)).toBe(2.4);
  });
});

describe('missing or bad inputs give reasons, never NaN', () => {
  const numbers = (r: object) => Object.values(r).filter((v) => typeof v === 'number');
  it('missing dimensions, missing price, zero or negative cost, unknown category', () => {
    const noDims = analyzeProduct({ cost: 5, filePrice: 20, category: 'Toys & Games' }, schedule, { month: 1 });
    expect(noDims).toMatchObject({ fulfillmentFee: null, profit: null, roi: null, referralFee: 3 });
    expect(noDims.reasons.join(' ')).toMatch(/FBA fee is unknown/);
    const noPrice = analyzeProduct(
      { cost: 5, category: 'Toys', package: { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 } },
      schedule,
      { month: 1 },
    );
    expect(noPrice).toMatchObject({ sellPrice: null, referralFee: null, profit: null });
    expect(noPrice.reasons.join(' ')).toMatch(/No sell price/);
    for (const cost of [0, -3]) {
      const r = analyzeProduct(
        { cost, filePrice: 20, category: 'Toys', package: { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 } },
        schedule,
        { month: 1, targets: { minRoi: 0.3 } },
      );
      expect(r).toMatchObject({ roi: null, unitCost: null, profit: null });
      expect(r.reasons.join(' ')).toMatch(/must be more than 0/);
      expect(r.flags).toEqual([]);
    }
    const unknown = analyzeProduct(
      {
        cost: 5,
        filePrice: 20,
        category: 'Zeppelins',
        package: { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 },
      },
      schedule,
      { month: 1 },
    );
    expect(unknown).toMatchObject({ referralCategory: 'Everything Else', referralFee: 3 });
    expect(unknown.reasons[0]).toMatch(/"Zeppelins" is not in the referral fee table/);
    for (const r of [noDims, noPrice, unknown]) expect(numbers(r).every(Number.isFinite)).toBe(true);
  });

  it('takes Amazon’s price first, then the file’s, then one the user set', () => {
    const pkg = { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 };
    const source = (p: { amazonPrice?: number; filePrice?: number; userPrice?: number }) =>
      analyzeProduct({ cost: 5, category: 'Toys', package: pkg, ...p }, schedule, { month: 1 });
    expect(source({ amazonPrice: 30, filePrice: 25, userPrice: 20 })).toMatchObject({
      sellPrice: 30,
      priceSource: 'amazon',
    });
    expect(source({ filePrice: 25, userPrice: 20 })).toMatchObject({ sellPrice: 25, priceSource: 'file' });
    expect(source({ userPrice: 20 })).toMatchObject({ sellPrice: 20, priceSource: 'user' });
  });

  it('estimates monthly sales as a range from the rank, and flags against every target', () => {
    const r = analyzeProduct(
      {
        cost: 5,
        filePrice: 25,
        category: 'Toys',
        salesRank: 5000,
        package: { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 },
      },
      schedule,
      { month: 1, targets: { minRoi: 0.5, minProfit: 3, maxRank: 10_000 } },
    );
    expect(r.estMonthlySales!.low).toBeLessThan(r.estMonthlySales!.mid);
    expect(r.estMonthlySales!.mid).toBeLessThan(r.estMonthlySales!.high);
    expect(r.flags).toEqual(['meets_roi', 'meets_profit', 'meets_rank', 'winner']);
    const worse = analyzeProduct(
      {
        cost: 5,
        filePrice: 25,
        category: 'Toys',
        salesRank: 50_000,
        package: { lengthIn: 5, widthIn: 4, heightIn: 1, weightLb: 0.5 },
      },
      schedule,
      { month: 1, targets: { maxRank: 10_000 } },
    );
    expect(worse.flags).toEqual(['misses_rank']);
    expect(r.maxCostForTargetRoi).toBeGreaterThan(0);
  });
});

function cents2(x: number) {
  return Math.round(x * 100 + 1e-7) / 100;
}
