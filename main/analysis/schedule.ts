import { z } from 'zod';
import us20260115 from './schedules/us-2026-01-15.json' with { type: 'json' };
import usPeak from './schedules/us-peak.json' with { type: 'json' };

const priceBands = z.object({ under_10: z.number(), b10_to_50: z.number(), over_50: z.number() });
const referralTier = z.object({
  type: z.enum(['flat', 'whole', 'marginal']),
  up_to: z.number().nullable().optional(),
  rate: z.number().min(0).max(1),
});

/** The parts of a fee schedule file the engine uses; a file that does not fit is refused when loaded. */
export const feeScheduleSchema = z.object({
  marketplace: z.string(),
  currency: z.string(),
  dimensional_weight: z.object({
    divisor_cubic_inches_per_lb: z.number().positive(),
    min_width_and_height_in_for_bulky_and_extra_large: z.number(),
  }),
  size_tiers: z.object({
    effective_date: z.string(),
    tiers: z.object({
      small_standard: z.object({
        max_weight_lb: z.number(),
        max_longest_in: z.number(),
        max_median_in: z.number(),
        max_shortest_in: z.number(),
      }),
      large_standard: z.object({
        max_weight_lb: z.number(),
        max_longest_in: z.number(),
        max_median_in: z.number(),
        max_shortest_in: z.number(),
      }),
      small_bulky: z.object({
        max_weight_lb: z.number(),
        max_longest_in: z.number(),
        max_median_in: z.number(),
        max_shortest_in: z.number(),
        max_length_plus_girth_in: z.number(),
      }),
      large_bulky: z.object({
        max_weight_lb: z.number(),
        max_longest_in: z.number(),
        max_median_in: z.number(),
        max_shortest_in: z.number(),
        max_length_plus_girth_in: z.number(),
      }),
    }),
  }),
  fulfillment_fees: z.object({
    effective_date: z.string(),
    tiers: z.object({
      small_standard: z.object({ bands: z.array(priceBands.extend({ max_oz: z.number() })) }),
      large_standard: z.object({
        bands: z.array(priceBands.extend({ max_oz: z.number().optional(), max_lb: z.number().optional() })),
        above_3_lb: z.object({ max_lb: z.number(), base: priceBands, per_4oz_above_3_lb: z.number() }),
      }),
      small_bulky: z.object({ base: priceBands, per_lb_above_first_lb: z.number(), max_lb: z.number() }),
      large_bulky: z.object({ base: priceBands, per_lb_above_first_lb: z.number(), max_lb: z.number() }),
      extra_large_0_50: z.object({ base: priceBands, per_lb: z.number(), per_lb_above_lb: z.number() }),
      extra_large_50_70: z.object({ base: priceBands, per_lb: z.number(), per_lb_above_lb: z.number() }),
      extra_large_70_150: z.object({ base: priceBands, per_lb: z.number(), per_lb_above_lb: z.number() }),
      extra_large_150_plus: z.object({ base: priceBands, per_lb: z.number(), per_lb_above_lb: z.number() }),
    }),
  }),
  surcharges: z.object({
    fuel_and_logistics_surcharge: z.object({ rate_of_fulfillment_fee: z.number(), effective_date: z.string() }),
  }),
  referral_fees: z.object({
    categories: z.array(
      z.object({
        name: z.string(),
        tiers: z.array(referralTier).min(1),
        min_fee: z.number(),
        closing_fee: z.number().optional(),
      }),
    ),
  }),
  storage_fees: z.object({
    rates: z.object({
      standard_size: z.object({ jan_sep: z.number(), oct_dec: z.number() }),
      oversize_bulky_and_xl: z.object({ jan_sep: z.number(), oct_dec: z.number() }),
    }),
  }),
  sources: z.record(z.string(), z.string()),
});
export type FeeScheduleData = z.infer<typeof feeScheduleSchema>;

/** A fee schedule file with the date it takes effect and the id it is stored under. */
export interface BaseSchedule {
  id: string;
  effectiveFrom: string;
  data: FeeScheduleData;
}

/** Every schedule shipped, oldest first. A new fee year is a new data file appended here; old ones stay for history. */
export const SCHEDULES: readonly BaseSchedule[] = [
  { id: 'us-2026-01-15', effectiveFrom: '2026-01-15', data: feeScheduleSchema.parse(us20260115) },
];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const surcharge = z.number().min(0).nullable();
const peakBand = z.object({ surcharge, max_oz: z.number().optional(), max_lb: z.number().optional() });
const flat = z.object({ surcharge });

/** The peak surcharge table: per-unit amounts added to the non-peak fee, banded like the base card. */
export const peakSurchargesSchema = z.object({
  small_standard: z.object({ bands: z.array(peakBand.extend({ max_oz: z.number() })) }),
  large_standard: z.object({ bands: z.array(peakBand), above_3_lb: flat }),
  small_bulky: flat,
  large_bulky: flat,
  extra_large_0_50: flat,
  extra_large_50_70: flat,
  extra_large_70_150: flat,
  extra_large_150_plus: flat,
});
export type PeakSurcharges = z.infer<typeof peakSurchargesSchema>;

const peakFileSchema = z.object({
  marketplace: z.string(),
  tables: z.record(z.string(), peakSurchargesSchema),
  seasons: z.array(
    z.object({
      id: z.string().regex(/^peak-\d{4}$/),
      from: day,
      to: day,
      table: z.string(),
      confidence: z.enum(['primary', 'secondary', 'derived', 'projected']),
      basis: z.string(),
    }),
  ),
});

export type FeePeriod = 'non_peak' | 'peak';

/** A holiday peak season: its window (inclusive, UTC days) and the surcharges that apply in it. */
export interface PeakSeason {
  id: string;
  from: string;
  to: string;
  confidence: 'primary' | 'secondary' | 'derived' | 'projected';
  surcharges: PeakSurcharges;
}

/**
 * What applies on one day: the base schedule, the period, and in peak the season. `id` names both
 * (`us-2026-01-15` or `us-2026-01-15+peak-2026`); it is what every result stores as its fee schedule.
 */
export interface FeeSchedule extends BaseSchedule {
  period: FeePeriod;
  peak: PeakSeason | null;
}

/** Reads the peak file; windows must be ordered, not overlap, and every table must be banded like the base cards. */
export function loadPeakSeasons(file: unknown, bases: readonly BaseSchedule[] = SCHEDULES): PeakSeason[] {
  const f = peakFileSchema.parse(file);
  const seasons = f.seasons.map((s, i): PeakSeason => {
    const surcharges = f.tables[s.table];
    if (!surcharges)
      throw new Error(`Peak season ${s.id} names a surcharge table "${s.table}" that is not in the file.`);
    if (s.to < s.from) throw new Error(`Peak season ${s.id} ends (${s.to}) before it starts (${s.from}).`);
    const prev = f.seasons[i - 1];
    if (prev && prev.to >= s.from) throw new Error(`Peak seasons ${prev.id} and ${s.id} overlap or are out of order.`);
    return { id: s.id, from: s.from, to: s.to, confidence: s.confidence, surcharges };
  });
  for (const season of seasons)
    for (const base of bases) if (base.effectiveFrom <= season.to) assertBandedAlike(season, base);
  return seasons;
}

// A surcharge is looked up by the same band as the base fee, so the bands must match one for one.
function assertBandedAlike(season: PeakSeason, base: BaseSchedule): void {
  const key = (b: { max_oz?: number; max_lb?: number }) => (b.max_oz !== undefined ? `${b.max_oz}oz` : `${b.max_lb}lb`);
  const cards = base.data.fulfillment_fees.tiers;
  for (const tier of ['small_standard', 'large_standard'] as const) {
    const want = cards[tier].bands.map(key).join(',');
    const got = season.surcharges[tier].bands.map(key).join(',');
    if (want !== got)
      throw new Error(`Peak season ${season.id}: ${tier} bands (${got}) differ from ${base.id}'s (${want}).`);
  }
}

/** Every peak season shipped, oldest first. */
export const PEAK_SEASONS: readonly PeakSeason[] = loadPeakSeasons(usPeak);

/**
 * The schedule and period in force on a date (YYYY-MM-DD or a Date, read as a UTC day). Throws a clear error for a
 * malformed date or one before the first schedule. Dates outside every peak window are non-peak.
 */
export function scheduleFor(
  date: Date | string,
  schedules: readonly BaseSchedule[] = SCHEDULES,
  seasons: readonly PeakSeason[] = PEAK_SEASONS,
): FeeSchedule {
  const d = utcDay(date);
  const inForce = schedules.filter((s) => s.effectiveFrom <= d).at(-1);
  if (!inForce)
    throw new Error(
      `No fee schedule is in force on ${d}; the oldest one Pallet has starts ${schedules[0]?.effectiveFrom}.`,
    );
  const peak = seasons.find((s) => s.from <= d && d <= s.to) ?? null;
  return peak
    ? { ...inForce, id: `${inForce.id}+${peak.id}`, period: 'peak', peak }
    : { ...inForce, period: 'non_peak', peak: null };
}

function utcDay(date: Date | string): string {
  if (typeof date !== 'string') {
    if (Number.isNaN(date.getTime())) throw new Error('The date for the fee schedule is not a valid date.');
    return date.toISOString().slice(0, 10);
  }
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : null;
  // A calendar day only: 2026-02-30 parses (to 2 March or not at all) but does not read back the same.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
    throw new Error(`"${date}" is not a date of the form YYYY-MM-DD.`);
  return date;
}
