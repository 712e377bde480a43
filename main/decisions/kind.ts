// The decisions domain's job kind: `decide` — the whole chain (lookup, prices, restrictions, offers, eligibility, the
// analysis and a verdict with its reasons) for a set of products, at the SP-API ceiling. Task: ./task.ts.
import { z } from 'zod';
import { defineJobKind } from '../queue/kinds.ts';

export const decidePayloadSchema = z
  .object({
    /** Which products: a list of ids, every product of an import (the list as imported), or all. Exactly one. */
    ids: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
    importId: z.number().int().positive().optional(),
    all: z.literal(true).optional(),
    /** The refresh sweep: products decided more than this many days ago (oldest first, at most `limit`). */
    staleDays: z.number().min(0).max(365).optional(),
    limit: z.number().int().positive().max(100_000).optional(),
    marketplace: z.literal('US').default('US'),
    /** The scheduler's priority for every call: 0 = the product the seller looks at, 1 = a funnel job, 2 = sweep. */
    priority: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    /**
     * When the seller asked (ms; `products:decide`): a product decided since then — by a run that took the request
     * while this job waited in the queue — is not asked again.
     */
    requestedAt: z.number().int().positive().optional(),
  })
  .refine(
    (p) =>
      [p.ids !== undefined, p.importId !== undefined, p.all === true, p.staleDays !== undefined].filter(Boolean)
        .length === 1,
    'Say which products: ids, importId, all or staleDays (exactly one).',
  )
  .refine((p) => p.limit === undefined || p.staleDays !== undefined, 'limit applies to staleDays only.');
export type DecidePayload = z.input<typeof decidePayloadSchema>;

/** What a decide run did. Call counts are requests whose answers were saved (a batch lost in flight is not counted). */
export interface DecideJobResult {
  /** Products with a verdict from this run, and how they split. */
  decided: number;
  buy: number;
  check: number;
  skip: number;
  /** Candidate ASINs analysed (a barcode with three ASINs counts three). */
  candidates: number;
  /** Products looked up by this run (they had no ASIN yet), in searchCatalogItems calls. */
  lookedUp: number;
  catalogCalls: number;
  pricingCalls: number;
  restrictionsCalls: number;
  /** getItemOffersBatch calls made, and those the first cut saved against asking offers for every candidate. */
  offersCalls: number;
  offersCallsSaved: number;
  eligibilityCalls: number;
  /** Answers Amazon gave as per-ASIN errors (each became a "check" reason, not a failure). */
  answerErrors: number;
  /** 'spapi': Amazon's answers; 'local': no SP-API credentials, only the local catalog and analysis. */
  source: 'spapi' | 'local';
  feeSchedule: string;
}

declare module '../queue/kinds.ts' {
  interface JobKinds {
    decide: { payload: DecidePayload; result: DecideJobResult };
  }
}

export const decideKind = defineJobKind({
  kind: 'decide',
  payload: decidePayloadSchema,
  label: 'Buying decisions',
  // One seller account's rate limits: one run at a time spends them best (the scheduler shares them by priority).
  concurrency: 1,
});

/** The name of the recurring run that re-decides products whose decision is older than a week (the refresh sweep). */
export const DECIDE_REFRESH = 'decide-refresh';

/** The refresh sweep's definition: daily, up to 2,000 of the oldest decisions over 7 days old, behind other work. */
export const decideRefreshRun = {
  name: DECIDE_REFRESH,
  kind: 'decide',
  payload: { staleDays: 7, limit: 2000, priority: 2 } satisfies DecidePayload,
  intervalMs: 24 * 60 * 60_000,
} as const;
