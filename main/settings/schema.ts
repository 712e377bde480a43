// The preferences' schema, type and defaults. The lowest layer of settings: zod only, so the IPC contract, the
// stores (main/settings/store.ts, main/electron/storage.ts) and the app can all import it without a cycle.
import { z } from 'zod';

/** Preferences with their defaults; the settings file is checked against this and never trusted blindly. */
export const settingsSchema = z.object({
  closeToTray: z.boolean().default(true),
  notifications: z.boolean().default(true),
  marketplace: z.enum(['US']).default('US'),
  sweepIntervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  workers: z.number().int().min(1).max(8).default(2),
  retentionDays: z.number().int().min(1).max(365).default(7),
  /** How many database backups (daily, and before each migration) to keep in the data folder's backups/. */
  backupsKept: z.number().int().min(1).max(100).default(7),
  /** The seller's targets: a winner meets each that is set. */
  targetMinRoi: z.number().min(-1).max(100).default(0.3),
  targetMinProfit: z.number().min(-1e6).max(1e6).default(3),
  targetMaxRank: z.number().int().positive().max(1e9).nullable().default(null),
  /**
   * Buying decisions (main/decisions/verdict.ts). Fewest monthly sales each FBA seller would get if you joined
   * (est. sales ÷ (FBA offers + 1)); fewer → skip as too crowded. 0 turns the rule off.
   */
  decisionMinSalesPerFbaOffer: z.number().min(0).max(10_000).default(3),
  /** Skip listings where Amazon itself sells (false: only note it). */
  decisionAvoidAmazonOnListing: z.boolean().default(true),
  /** Unknown restriction, offers, hazmat or rank make a product "check" (false: only a note). */
  decisionUnknownIsCheck: z.boolean().default(true),
  /** Fee assumptions on top of Amazon's: prep per unit and inbound shipping per pound, in USD. */
  prepPerUnit: z.number().min(0).max(1000).default(0),
  inboundPerLb: z.number().min(0).max(100).default(0),
  /** The seller's Amazon id ("Merchant Token"), needed by listing restrictions checks; not a secret. */
  spapiSellerId: z
    .string()
    .trim()
    .regex(/^A[0-9A-Z]{8,20}$/, 'an Amazon seller id looks like A2EXAMPLE1234')
    .nullable()
    .default(null),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Every setting's key, in the schema's order. */
export const SETTINGS_KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/** The default of every setting. */
export function defaultSettings(): Settings {
  return settingsSchema.parse({});
}

/**
 * Reads settings from whatever the file held: each bad or unknown value falls back to its default and is reported,
 * so a damaged settings file never stops the app and never loses the good values.
 */
export function readSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const defaults = defaultSettings();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      settings: defaults,
      problems: raw === undefined ? [] : ['The settings file is not an object; defaults are used.'],
    };
  }
  const problems: string[] = [];
  const out: Record<string, unknown> = { ...defaults };
  const shape = settingsSchema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(raw)) {
    // Own keys only: a file holding "__proto__" or "constructor" must not reach Object.prototype's members.
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field) continue; // Unknown keys (a newer version's) are kept in the file, ignored here.
    const parsed = field.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else
      problems.push(
        `Setting "${key}" has an invalid value (${JSON.stringify(value)?.slice(0, 50)}); the default ${JSON.stringify(out[key])} is used.`,
      );
  }
  return { settings: out as Settings, problems };
}

/** A change to some settings: each key optional, checked as the file is, and no defaults filled in for the rest. */
export const settingsPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(settingsSchema.shape).map(([k, f]) => [k, (f as z.ZodDefault<z.ZodType>).unwrap().optional()]),
    ) as { [K in keyof Settings]: z.ZodOptional<z.ZodType<Settings[K], Settings[K]>> },
  )
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
