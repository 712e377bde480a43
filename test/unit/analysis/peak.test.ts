import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeProduct, type AnalysisInput } from '../../../main/analysis/analyze.ts';
import { fulfillmentFee, peakSurcharge, sizeTier } from '../../../main/analysis/fees.ts';
import { loadPeakSeasons, PEAK_SEASONS, SCHEDULES, scheduleFor } from '../../../main/analysis/schedule.ts';

// The shipped file, read here as plain JSON: the test's figures come from it, not from the engine's output.
const file = JSON.parse(
  readFileSync(new URL('../../../main/analysis/schedules/us-peak.json', import.meta.url), 'utf8'),
);
const table = file.tables['amazon-peak-2024-2025'];
const base = JSON.parse(
  readFileSync(new URL('../../../main/analysis/schedules/us-2026-01-15.json', import.meta.url), 'utf8'),
).fulfillment_fees.tiers;
const cents = (x: number) => Math.round(x * 100) / 100;

// 8×6×2 in, 0.9 lb at $24.99: large standard, 15 oz (the 12–16 oz band), $10–$50.
const widget: AnalysisInput = {
  cost: 8,
  filePrice: 24.99,
  category: 'Home & Kitchen',
  package: { lengthIn: 8, widthIn: 6, heightIn: 2, weightLb: 0.9 },
};
const NON_PEAK_WIDGET = base.large_standard.bands.find((b: { max_oz?: number }) => b.max_oz === 16).b10_to_50;
const PEAK_WIDGET = cents(
  NON_PEAK_WIDGET + table.large_standard.bands.find((b: { max_oz?: number }) => b.max_oz === 16).surcharge,
);

describe('peak season: schedule and period by date (UTC days)', () => {
  it('today (2026-12-03) is peak-2026; 2026-01-20 and 2027-01-15 are non-peak', () => {
    expect(scheduleFor('2026-12-03')).toMatchObject({ id: 'us-2026-01-15+peak-2026', period: 'peak' });
    expect(scheduleFor('2026-12-03').peak).toMatchObject({ from: '2026-10-15', to: '2027-01-14' });
    for (const d of ['2026-01-20', '2027-01-15'])
      expect(scheduleFor(d), d).toMatchObject({ id: 'us-2026-01-15', period: 'non_peak', peak: null });
  });

  it('boundaries: 14 Oct non-peak, 15 Oct peak, 14 Jan peak, 15 Jan non-peak — for both seasons', () => {
    const period = (d: string) => scheduleFor(d).period;
    for (const [y, next] of [
      [2026, 2027],
      [2027, 2028],
    ]) {
      expect(period(`${y}-10-14`)).toBe('non_peak');
      expect(period(`${y}-10-15`)).toBe('peak');
      expect(period(`${next}-01-14`)).toBe('peak');
      expect(period(`${next}-01-15`)).toBe('non_peak');
    }
    expect(scheduleFor('2027-11-01').id).toBe('us-2026-01-15+peak-2027');
    expect(scheduleFor('2027-11-01').peak?.confidence).toBe('projected');
    expect(scheduleFor('2026-11-01').peak?.confidence).toBe('derived');
  });

  it('a Date is read as its UTC day, whatever the local time zone', () => {
    expect(scheduleFor(new Date('2026-10-14T23:59:59.999Z')).period).toBe('non_peak');
    expect(scheduleFor(new Date('2026-10-15T00:00:00.000Z')).period).toBe('peak');
    expect(scheduleFor(new Date('2027-01-14T23:59:59.999Z')).period).toBe('peak');
    expect(scheduleFor(new Date('2027-01-15T00:00:00.000Z')).period).toBe('non_peak');
  });

  it('keeps the clear error before the first schedule and refuses malformed dates', () => {
    expect(() => scheduleFor('2025-12-31')).toThrow(/No fee schedule is in force on 2025-12-31/);
    // 2025-12-31 is not in a peak season of ours, but 2025-11-01 would be Amazon's: still no schedule.
    expect(() => scheduleFor('2025-11-01')).toThrow(/No fee schedule is in force on 2025-11-01/);
    expect(() => scheduleFor('2026-02-30')).toThrow(/"2026-02-30" is not a date of the form YYYY-MM-DD/);
    expect(() => scheduleFor('3 Dec 2026')).toThrow(/not a date of the form YYYY-MM-DD/);
    expect(() => scheduleFor(new Date('nonsense'))).toThrow(/not a valid date/);
  });
});

describe('peak season: the fee', () => {
  it('a product pays the peak fulfillment fee on 2026-12-03 and the non-peak one on 2026-01-20 and 2027-01-15', () => {
    const opts = { month: 12 };
    expect(analyzeProduct(widget, scheduleFor('2026-12-03'), opts)).toMatchObject({
      fulfillmentFee: PEAK_WIDGET,
      feeSchedule: 'us-2026-01-15+peak-2026',
      feePeriod: 'peak',
    });
    for (const d of ['2026-01-20', '2027-01-15'])
      expect(analyzeProduct(widget, scheduleFor(d), { month: 1 }), d).toMatchObject({
        fulfillmentFee: NON_PEAK_WIDGET,
        feeSchedule: 'us-2026-01-15',
        feePeriod: 'non_peak',
      });
    // Typed from the tables, as a check on the reading above: $4.60 + $0.20.
    expect([NON_PEAK_WIDGET, PEAK_WIDGET]).toEqual([4.6, 4.8]);
  });

  it('peak profit is lower by exactly the surcharge; other fees are untouched', () => {
    const off = analyzeProduct(widget, scheduleFor('2026-09-30'), { month: 12 });
    const on = analyzeProduct(widget, scheduleFor('2026-12-03'), { month: 12 });
    expect(on.referralFee).toBe(off.referralFee);
    expect(on.storageFee).toBe(off.storageFee);
    expect(cents(off.profit! - on.profit!)).toBe(cents(PEAK_WIDGET - NON_PEAK_WIDGET));
  });

  it('every band of every tier gets its own surcharge, on every price band', () => {
    const s = SCHEDULES[0]!.data;
    const peak = scheduleFor('2026-12-03').peak!.surcharges;
    const cases: [string, { lengthIn: number; widthIn: number; heightIn: number; weightLb: number }, number][] = [];
    for (const b of table.small_standard.bands)
      cases.push([
        `small ${b.max_oz} oz`,
        { lengthIn: 10, widthIn: 6, heightIn: 0.5, weightLb: b.max_oz / 16 },
        b.surcharge,
      ]);
    for (const b of table.large_standard.bands) {
      const lb = b.max_oz !== undefined ? b.max_oz / 16 : b.max_lb;
      cases.push([`large ${lb} lb`, { lengthIn: 10, widthIn: 3, heightIn: 1, weightLb: lb }, b.surcharge]);
    }
    cases.push([
      'large 3.01 lb',
      { lengthIn: 12, widthIn: 9, heightIn: 2, weightLb: 3.01 },
      table.large_standard.above_3_lb.surcharge,
    ]);
    cases.push(['small bulky', { lengthIn: 30, widthIn: 20, heightIn: 10, weightLb: 12 }, table.small_bulky.surcharge]);
    cases.push(['large bulky', { lengthIn: 50, widthIn: 10, heightIn: 5, weightLb: 20 }, table.large_bulky.surcharge]);
    cases.push(['xl 0-50', { lengthIn: 70, widthIn: 10, heightIn: 5, weightLb: 30 }, table.extra_large_0_50.surcharge]);
    cases.push([
      'xl 50-70',
      { lengthIn: 100, widthIn: 8, heightIn: 8, weightLb: 60 },
      table.extra_large_50_70.surcharge,
    ]);
    cases.push([
      'xl 70-150',
      { lengthIn: 100, widthIn: 10, heightIn: 10, weightLb: 100 },
      table.extra_large_70_150.surcharge,
    ]);
    for (const [name, pkg, add] of cases) {
      const t = sizeTier(s, pkg);
      expect(peakSurcharge(peak, t.tier, t.shippingWeightLb), name).toBe(add);
      for (const price of [5, 25, 75]) {
        const nonPeak = fulfillmentFee(s, t.tier, t.shippingWeightLb, price);
        expect(fulfillmentFee(s, t.tier, t.shippingWeightLb, price, { peakSurcharge: add }), `${name} $${price}`).toBe(
          cents(nonPeak + add),
        );
      }
    }
  });

  it('fuel surcharge multiplies the peak fee too', () => {
    const s = SCHEDULES[0]!.data;
    expect(fulfillmentFee(s, 'large_standard', 0.9, 24.99, { peakSurcharge: 0.2, fuelSurcharge: true })).toBe(
      cents(4.8 * 1.035),
    );
  });

  it('a tier with no known peak figure shows the non-peak fee and says so', () => {
    const heavy: AnalysisInput = { ...widget, package: { lengthIn: 100, widthIn: 30, heightIn: 30, weightLb: 200 } };
    const off = analyzeProduct(heavy, scheduleFor('2026-09-30'), { month: 12 });
    const on = analyzeProduct(heavy, scheduleFor('2026-12-03'), { month: 12 });
    expect(on).toMatchObject({
      sizeTier: 'extra_large_150_plus',
      fulfillmentFee: off.fulfillmentFee,
      feePeriod: 'peak',
    });
    expect(on.reasons.join(' ')).toMatch(/No peak-2026 surcharge is known for the extra_large_150_plus tier/);
    expect(off.reasons.join(' ')).not.toMatch(/surcharge/);
  });
});

describe('peak data file', () => {
  it('every derived band follows the stated gap rule from the sourced ones (nearest band; ties take the larger)', () => {
    const check = (bands: { surcharge: number; confidence: string }[]) => {
      const known = bands.map((b, i) => [i, b] as const).filter(([, b]) => b.confidence !== 'derived');
      bands.forEach((b, i) => {
        if (b.confidence !== 'derived') return;
        const dist = Math.min(...known.map(([j]) => Math.abs(i - j)));
        const want = Math.max(...known.filter(([j]) => Math.abs(i - j) === dist).map(([, k]) => k.surcharge));
        expect(b.surcharge, `band ${i}`).toBe(want);
      });
    };
    check(table.small_standard.bands);
    check([...table.large_standard.bands, table.large_standard.above_3_lb]);
    const xl = ['extra_large_0_50', 'extra_large_50_70', 'extra_large_70_150'].map((k) => table[k]);
    check(xl);
    expect(table.small_bulky.surcharge).toBe(table.large_bulky.surcharge);
  });

  it('refuses overlapping windows, a missing table, and bands that differ from the base card', () => {
    const season = (id: string, from: string, to: string) => ({ ...file.seasons[0], id, from, to });
    expect(() =>
      loadPeakSeasons({
        ...file,
        seasons: [season('peak-2026', '2026-10-15', '2027-01-14'), season('peak-2027', '2027-01-14', '2027-02-01')],
      }),
    ).toThrow(/overlap/);
    expect(() => loadPeakSeasons({ ...file, seasons: [{ ...file.seasons[0], table: 'nope' }] })).toThrow(/"nope"/);
    expect(() => loadPeakSeasons({ ...file, seasons: [season('peak-2026', '2027-01-14', '2026-10-15')] })).toThrow(
      /ends .* before it starts/,
    );
    const skewed = structuredClone(file);
    skewed.tables['amazon-peak-2024-2025'].small_standard.bands.pop();
    expect(() => loadPeakSeasons(skewed)).toThrow(/small_standard bands .* differ from us-2026-01-15/);
    expect(PEAK_SEASONS.map((p) => p.id)).toEqual(['peak-2026', 'peak-2027']);
  });
});
