// getItemEligibilityPreview (FBA Inbound Eligibility v1): may this ASIN be sent to Amazon's warehouses? One ASIN a
// call, 1 req/s burst 1. Codes from the model (fbaInbound.json): FBA_INB_0007–0014 "Product Under Dangerous Goods
// (Hazmat) Review", 0016 a fulfillable dangerous good (needs the FBA dangerous goods program), 0015 and 0097 regulated
// dangerous goods that cannot be fulfilled.
import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import type { Priority, SpApiScheduler } from '../scheduler.ts';
import { errorMessage, inOrder, parseAnswer, perAsin, splitAsins, statusError, type AsinError } from './answers.ts';
import type { SpApiClient } from './client.ts';

/** Codes that put an ASIN under review rather than out: hazmat review pending, or a fulfillable dangerous good. */
export const REVIEW_CODES: ReadonlySet<string> = new Set([
  'FBA_INB_0007',
  'FBA_INB_0008',
  'FBA_INB_0009',
  'FBA_INB_0010',
  'FBA_INB_0011',
  'FBA_INB_0012',
  'FBA_INB_0013',
  'FBA_INB_0014',
  'FBA_INB_0016',
]);
/** Every dangerous-goods code: the review ones and the regulated, unfulfillable ones. */
export const HAZMAT_CODES: ReadonlySet<string> = new Set([...REVIEW_CODES, 'FBA_INB_0015', 'FBA_INB_0097']);

/** 'review' when every reason is a dangerous-goods review; 'ineligible' when any reason is another. */
export interface FbaEligibility {
  asin: string;
  status: 'eligible' | 'ineligible' | 'review';
  reasonCodes: string[];
  /** Any dangerous-goods code among the reasons. */
  hazmat: boolean;
}
export type FbaEligibilityAnswer = FbaEligibility | AsinError;

const previewSchema = z.looseObject({
  payload: z.looseObject({
    asin: z.string(),
    program: z.string(),
    isEligibleForProgram: z.boolean(),
    ineligibilityReasonList: z.array(z.string()).optional(),
  }),
});

/** Reads a preview into a status. */
export function eligibilityOf(asin: string, body: z.infer<typeof previewSchema>): FbaEligibility {
  const reasonCodes = [...new Set(body.payload.ineligibilityReasonList ?? [])];
  const hazmat = reasonCodes.some((c) => HAZMAT_CODES.has(c));
  if (body.payload.isEligibleForProgram) return { asin, status: 'eligible', reasonCodes, hazmat };
  const review = reasonCodes.length > 0 && reasonCodes.every((c) => REVIEW_CODES.has(c));
  return { asin, status: review ? 'review' : 'ineligible', reasonCodes, hazmat };
}

/** FBA inbound eligibility previews in one marketplace, through the account's scheduler. */
export function createFbaEligibility(o: {
  client: SpApiClient;
  scheduler: Pick<SpApiScheduler, 'limiter'>;
  marketplaceId: string;
}) {
  /** One ASIN's preview; throws ProviderError on an unusable answer. */
  async function preview(asin: string, opts: { signal: AbortSignal; priority?: Priority }): Promise<FbaEligibility> {
    const query = new URLSearchParams({ asin, program: 'INBOUND', marketplaceIds: o.marketplaceId });
    const limiter = o.scheduler.limiter('getItemEligibilityPreview', opts.priority ?? 1);
    const res = await o.client.call(limiter, 'GET', '/fba/inbound/v1/eligibility/itemPreview', {
      query,
      signal: opts.signal,
    });
    if (res.status === 400 || res.status === 404)
      throw new ProviderError(
        `http_${res.status}`,
        `Amazon refused the FBA eligibility check for ${asin}: ${errorMessage(res.text) ?? `HTTP ${res.status}`}.`,
      );
    if (res.status !== 200) throw statusError(res, 'FBA eligibility');
    return eligibilityOf(asin, parseAnswer(previewSchema, res, 'FBA eligibility'));
  }

  return {
    preview,
    /** Previews of many ASINs (deduped, ≤ 2 in flight at 1 req/s); per-ASIN errors stay per ASIN. */
    async eligibility(
      asins: readonly string[],
      opts: { signal: AbortSignal; priority?: Priority },
    ): Promise<FbaEligibilityAnswer[]> {
      const { order, send, invalid } = splitAsins(asins);
      const answers = await perAsin(send, 2, opts.signal, (asin, signal) => preview(asin, { ...opts, signal }));
      return inOrder(order, [...answers, ...invalid]);
    },
  };
}
export type FbaEligibilityClient = ReturnType<typeof createFbaEligibility>;
