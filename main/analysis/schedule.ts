import { z } from 'zod';
import us20260115 from './schedules/us-2026-01-15.json' with { type: 'json' };

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

/** A fee schedule with the date it takes effect and the file it came from (stored with every result). */
export interface FeeSchedule {
  id: string;
  effectiveFrom: string;
  data: FeeScheduleData;
}

/** Every schedule shipped, oldest first. A new fee year is a new data file appended here; old ones stay for history. */
export const SCHEDULES: readonly FeeSchedule[] = [
  { id: 'us-2026-01-15', effectiveFrom: '2026-01-15', data: feeScheduleSchema.parse(us20260115) },
];

/** The schedule in force on a date (YYYY-MM-DD or a Date); throws a clear error before the first one. */
export function scheduleFor(date: Date | string, schedules: readonly FeeSchedule[] = SCHEDULES): FeeSchedule {
  const day = typeof date === 'string' ? date : date.toISOString().slice(0, 10);
  const inForce = schedules.filter((s) => s.effectiveFrom <= day).at(-1);
  if (!inForce)
    throw new Error(
      `No fee schedule is in force on ${day}; the oldest one Pallet has starts ${schedules[0]?.effectiveFrom}.`,
    );
  return inForce;
}
