import { z } from 'zod';
import { importRequestSchema } from '../../main/imports/request-schema.ts';
import { settingsPatchSchema } from '../../main/settings/schema.ts';
import { JOB_STATUSES } from '../../main/queue/types.ts';
import { LOOKUP_FILTERS, SORTS, VERDICTS, type SortColumn } from '../../main/products/query.ts';
import type { Channel, Input } from './channels.ts';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const none = z.undefined();

const filters = z
  .object({
    lookup: z.array(z.enum(LOOKUP_FILTERS)).max(LOOKUP_FILTERS.length).optional(),
    minRoi: z.number().min(-100).max(1000).optional(),
    minProfit: z.number().min(-1e7).max(1e7).optional(),
    maxRank: z.number().int().positive().max(1e9).optional(),
    brand: z.string().min(1).max(200).optional(),
    importId: id.optional(),
    search: z.string().min(1).max(200).optional(),
    verdict: z.array(z.enum(VERDICTS)).max(VERDICTS.length).optional(),
    ungated: z.boolean().optional(),
    noAmazon: z.boolean().optional(),
    ids: z.array(id).min(1).max(100_000).optional(),
  })
  .strict();
const targets = z
  .object({
    minRoi: z.number().min(-10).max(100).optional(),
    minProfit: z.number().min(-1e6).max(1e6).optional(),
    maxRank: z.number().int().positive().optional(),
  })
  .strict();

/** A schema that accepts and yields exactly what a channel's declared input allows (`void` travels as undefined). */
export type InputSchema<C extends Channel> = z.ZodType<Input<C>, Input<C>>;

/** Input schema of every channel: bounded sizes, no unknown keys. The router rejects anything else. */
export const INPUT_SCHEMAS = {
  'app:info': none,
  'jobs:list': z
    .object({ status: z.enum(JOB_STATUSES).optional(), limit: z.number().int().min(1).max(1000).optional() })
    .strict()
    .optional(),
  'jobs:get': z.object({ id }).strict(),
  'jobs:errors': z.object({ id, limit: z.number().int().min(1).max(1000).optional() }).strict(),
  'jobs:detail': z.object({ id, logLimit: z.number().int().min(1).max(200).optional() }).strict(),
  'jobs:cancel': z.object({ id }).strict(),
  'jobs:pause': z.object({ id }).strict(),
  'jobs:resume': z.object({ id }).strict(),
  'jobs:retry': z.object({ id }).strict(),
  'queue:pause': none,
  'queue:resume': none,
  'imports:preview': importRequestSchema,
  'imports:start': importRequestSchema,
  'imports:list': none,
  'imports:undo': z.object({ importId: id }).strict(),
  'imports:lists': z
    .object({ limit: z.number().int().min(1).max(500).optional() })
    .strict()
    .optional(),
  'imports:diff': z
    .object({ importA: id, importB: id, limit: z.number().int().min(0).max(10_000).optional() })
    .strict(),
  'imports:exportBack': z
    .object({
      importId: id,
      path: z.string().min(1).max(4096).optional(),
      format: z.enum(['csv', 'xlsx']).optional(),
    })
    .strict(),
  'analysis:start': z.union([
    z.object({ all: z.literal(true), targets: targets.optional() }).strict(),
    z.object({ ids: z.array(id).min(1).max(100_000) }).strict(),
  ]),
  'products:decide': z.union([
    z.object({ ids: z.array(id).min(1).max(100_000) }).strict(),
    z.object({ importId: id }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ]),
  'lookups:status': none,
  'lookups:start': z
    .object({ provider: z.enum(['auto', 'spapi', 'catalog']).optional(), scope: z.enum(['pending', 'all']).optional() })
    .strict()
    .optional(),
  'lookups:choose': z
    .object({ productId: id, asin: z.string().regex(/^[A-Z0-9]{10}$/, 'an ASIN is 10 letters and digits') })
    .strict(),
  'lookups:retry': z.union([
    z.object({ productIds: z.array(id).min(1).max(10_000) }).strict(),
    z.object({ failed: z.literal(true) }).strict(),
  ]),
  'products:page': filters
    .extend({
      sort: z.enum(Object.keys(SORTS) as [SortColumn, ...SortColumn[]]).optional(),
      desc: z.boolean().optional(),
      offset: z.number().int().min(0).max(1e9),
      limit: z.number().int().min(1).max(500),
    })
    .strict(),
  'products:count': filters,
  'products:detail': z.object({ id }).strict(),
  'products:stats': z.object({ filters, targets }).strict(),
  'products:export': z.object({ filters, path: z.string().min(1).max(4096).optional() }).strict(),
  'settings:get': none,
  // Every key optional, each checked by the same schema the settings file is read with.
  'settings:set': settingsPatchSchema,
  'credentials:set': z
    .object({
      clientId: z.string().trim().min(1, 'the LWA client ID is empty').max(500),
      clientSecret: z.string().trim().min(1, 'the LWA client secret is empty').max(500),
      refreshToken: z
        .string()
        .trim()
        .regex(/^Atzr\|/, 'a refresh token starts with "Atzr|"')
        .max(2000),
    })
    .strict(),
  'credentials:clear': none,
  'settings:testConnection': none,
  'app:status': none,
  'app:trySample': none,
  'catalog:import': z.object({ path: z.string().min(1).max(4096) }).strict(),
  'files:open': z.object({ path: z.string().min(1).max(4096) }).strict(),
  'files:reveal': z.object({ path: z.string().min(1).max(4096) }).strict(),
  'app:openLogs': none,
  'jobs:retryFailed': none,
  'app:pickFile': z.object({ purpose: z.enum(['import', 'catalog']) }).strict(),
  'app:pickSavePath': z
    .object({
      purpose: z.literal('export'),
      // A file name only: the folder is the user's to choose in the dialog.
      defaultName: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^\\/:*?"<>|]+$/, 'a file name without a folder'),
    })
    .strict(),
} satisfies { [C in Channel]: InputSchema<C> };

// `satisfies` proves each schema is no wider than its declared input; this proves they are the same type both ways
// (what it accepts and what it yields), so a dropped optional key or a narrower enum fails to compile too.
type Same<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Wire<T> = T extends void ? undefined : T;
/** The channels whose schema (in `S`, by default Pallet's) accepts or yields other than the declared input. */
export type DriftingChannels<S extends { [C in Channel]: z.ZodType } = typeof INPUT_SCHEMAS> = {
  [C in Channel]: [Same<z.output<S[C]>, Wire<Input<C>>>, Same<z.input<S[C]>, Wire<Input<C>>>] extends [true, true]
    ? never
    : C;
}[Channel];
/** Compiles only when no channel drifts: the error names the ones that do. */
export type NoDrift<C extends never> = C;
export type _InputSchemasMatchChannels = NoDrift<DriftingChannels>;

/** Largest payload the router parses, as JSON text; bigger ones are refused before validation. */
export const MAX_PAYLOAD_CHARS = 64 * 1024;
