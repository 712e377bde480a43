// getListingsRestrictions (Listings Restrictions 2021-08-01): may this seller list an ASIN as new? One ASIN a call,
// 5 req/s burst 10 per account. Reason codes from the model: APPROVAL_REQUIRED (with a request-approval link),
// ASIN_NOT_FOUND, NOT_ELIGIBLE; an empty list means the seller can list it.
import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import type { Priority, SpApiScheduler } from '../scheduler.ts';
import { inOrder, parseAnswer, perAsin, splitAsins, statusError, errorMessage, type AsinError } from './answers.ts';
import type { SpApiClient } from './client.ts';

export type RestrictionStatus = 'ok' | 'approval_required' | 'not_eligible' | 'asin_not_found';

/** One reason Amazon gave; `approvalUrl` is the Seller Central page where approval can be requested. */
export interface RestrictionReason {
  code: string | null;
  message: string;
  approvalUrl?: string;
}

/** Whether the seller may list the ASIN new, and why not. */
export interface Restriction {
  asin: string;
  status: RestrictionStatus;
  reasons: RestrictionReason[];
}
export type RestrictionAnswer = Restriction | AsinError;

const linkSchema = z.looseObject({ resource: z.string(), verb: z.string(), title: z.string().optional() });
const restrictionListSchema = z.looseObject({
  restrictions: z.array(
    z.looseObject({
      marketplaceId: z.string(),
      conditionType: z.string().optional(),
      reasons: z
        .array(
          z.looseObject({
            message: z.string(),
            reasonCode: z.string().optional(),
            links: z.array(linkSchema).optional(),
          }),
        )
        .optional(),
    }),
  ),
});

/** Amazon's seller ids look like A2EXAMPLE1234 (the "Merchant Token" in Seller Central). */
export const SELLER_ID_PATTERN = /^A[0-9A-Z]{8,20}$/;

/** Reads a restriction list into a status: not found and not eligible outrank approval, which outranks none. */
export function restrictionOf(
  asin: string,
  body: z.infer<typeof restrictionListSchema>,
  marketplaceId: string,
): Restriction {
  const reasons: RestrictionReason[] = [];
  for (const r of body.restrictions) {
    if (r.marketplaceId !== marketplaceId) continue;
    if (r.conditionType && r.conditionType !== 'new_new') continue;
    for (const reason of r.reasons ?? []) {
      const links = (reason.links ?? []).filter(
        (l) => l.verb.toUpperCase() === 'GET' && /^https:\/\//i.test(l.resource),
      );
      const link = links.find((l) => /approv/i.test(l.title ?? '')) ?? links[0];
      reasons.push({
        code: reason.reasonCode ?? null,
        message: reason.message,
        ...(link ? { approvalUrl: link.resource } : {}),
      });
    }
  }
  const has = (code: string) => reasons.some((r) => r.code === code);
  const status: RestrictionStatus =
    reasons.length === 0
      ? 'ok'
      : has('ASIN_NOT_FOUND')
        ? 'asin_not_found'
        : has('NOT_ELIGIBLE')
          ? 'not_eligible'
          : reasons.some((r) => r.code === 'APPROVAL_REQUIRED' || r.approvalUrl)
            ? 'approval_required'
            : 'not_eligible';
  return { asin, status, reasons };
}

/** Listing restrictions for one seller in one marketplace, through the account's scheduler. */
export function createListingsRestrictions(o: {
  client: SpApiClient;
  scheduler: Pick<SpApiScheduler, 'limiter'>;
  marketplaceId: string;
  sellerId: string | null | undefined;
}) {
  const sellerId = o.sellerId?.trim() ?? '';
  const requireSeller = () => {
    if (!SELLER_ID_PATTERN.test(sellerId))
      throw new ProviderError(
        'no_seller_id',
        sellerId
          ? `"${sellerId.slice(0, 24)}" is not an Amazon seller id (it looks like A2EXAMPLE1234); fix it in Settings.`
          : 'Listing restrictions need your Amazon seller id ("Merchant Token" in Seller Central → Account info); add it in Settings.',
        false,
      );
  };

  /** One ASIN's restrictions; throws ProviderError on an unusable answer. */
  async function restriction(asin: string, opts: { signal: AbortSignal; priority?: Priority }): Promise<Restriction> {
    requireSeller();
    const query = new URLSearchParams({
      asin,
      sellerId,
      marketplaceIds: o.marketplaceId,
      conditionType: 'new_new',
    });
    const limiter = o.scheduler.limiter('getListingsRestrictions', opts.priority ?? 1);
    const res = await o.client.call(limiter, 'GET', '/listings/2021-08-01/restrictions', {
      query,
      signal: opts.signal,
    });
    if (res.status === 400 || res.status === 404)
      throw new ProviderError(
        `http_${res.status}`,
        `Amazon refused the restrictions check for ${asin}: ${errorMessage(res.text) ?? `HTTP ${res.status}`}.`,
      );
    if (res.status !== 200) throw statusError(res, 'listing restrictions');
    return restrictionOf(asin, parseAnswer(restrictionListSchema, res, 'listing restrictions'), o.marketplaceId);
  }

  return {
    restriction,
    /** Restrictions of many ASINs (deduped, ≤ 10 in flight; the scheduler paces them); per-ASIN errors stay per ASIN. */
    async restrictions(
      asins: readonly string[],
      opts: { signal: AbortSignal; priority?: Priority },
    ): Promise<RestrictionAnswer[]> {
      requireSeller();
      const { order, send, invalid } = splitAsins(asins);
      const answers = await perAsin(send, 10, opts.signal, (asin, signal) => restriction(asin, { ...opts, signal }));
      return inOrder(order, [...answers, ...invalid]);
    },
  };
}
export type ListingsRestrictions = ReturnType<typeof createListingsRestrictions>;
