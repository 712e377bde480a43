import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { ProviderError } from '../lookups/provider.ts';
import type { SpApiPricing } from '../lookups/sp-api/pricing.ts';
import type { Queue } from '../queue/queue.ts';
import type { Lease } from '../queue/types.ts';
import { TaskError, type Task, parsePayload } from '../workers/runtime/task.ts';
import { analyzeProduct } from './analyze.ts';
import { cents } from './fees.ts';
import { scheduleFor } from './schedule.ts';
import { ANALYSIS_SELECT, analysisInput, createAnalysisWriter, type AnalysisRow } from './task.ts';

export const pricingPayloadSchema = z.object({
  ids: z.array(z.number().int().positive()).min(1).max(100_000),
  marketplace: z.literal('US').default('US'),
});
export type PricingPayload = z.input<typeof pricingPayloadSchema>;

export interface PricingJobResult {
  priced: number;
  withBuyBox: number;
  feeChecks: number;
  feeDifferences: number;
  errors: number;
}

type Checkpoint = { index: number; counts: PricingJobResult };

/** Referral + FBA: the part of the local fees Amazon's estimate covers (it does not include storage). */
const comparable = (referral: number | null, fba: number | null) =>
  referral !== null && fba !== null ? cents(referral + fba) : null;

/**
 * The `pricing` job (SP-API only): Buy Box price and offer count for found products, then Amazon's own fee estimate
 * at that price as a cross-check of the local engine, whose figures stay the fallback. Differences become reasons.
 */
export function createPricingTask(deps: {
  database(): { db: Db; queue: Queue };
  pricing(marketplace: string): SpApiPricing;
  chunk?: number;
  clock?: () => Date;
}): Task<'pricing'> {
  const chunk = deps.chunk ?? 20;
  return async (ctx) => {
    const p = parsePayload(pricingPayloadSchema, ctx.job.payload, 'pricing');
    const { db, queue } = deps.database();
    const api = deps.pricing(p.marketplace);
    const today = deps.clock?.() ?? new Date();
    let schedule;
    try {
      schedule = scheduleFor(today);
    } catch (err) {
      throw new TaskError('no_fee_schedule', (err as Error).message);
    }
    const month = today.getUTCMonth() + 1;
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const byId = db.prepare<[number], AnalysisRow & { asin: string | null }>(
      `${ANALYSIS_SELECT.replace('SELECT id,', 'SELECT id, asin,')} WHERE id = ?`,
    );
    const setPrice = db.prepare(
      'UPDATE products SET amazon_price = coalesce(?, amazon_price), offer_count = ?, amazon_price_at = ? WHERE id = ?',
    );
    const setApiFees = db.prepare(
      'UPDATE analyses SET api_total_fees = ?, api_referral_fee = ?, api_fba_fee = ?, api_fees_at = ?, reasons = ? WHERE product_id = ? AND marketplace = ?',
    );
    const write = createAnalysisWriter(db);
    const ids = [...new Set(p.ids)].sort((a, b) => a - b);
    let cp: Checkpoint = (ctx.job.checkpoint as Checkpoint | null) ?? {
      index: 0,
      counts: { priced: 0, withBuyBox: 0, feeChecks: 0, feeDifferences: 0, errors: 0 },
    };

    while (cp.index < ids.length) {
      if (ctx.signal.aborted) return null;
      const slice = ids.slice(cp.index, cp.index + chunk);
      const rows = slice
        .flatMap((id) => byId.get(id) ?? [])
        .filter((r): r is AnalysisRow & { asin: string } => !!r.asin);
      let prices: Awaited<ReturnType<SpApiPricing['competitivePrices']>> = [];
      let fees: Awaited<ReturnType<SpApiPricing['feeEstimates']>> = [];
      let failure: ProviderError | null = null;
      try {
        prices = rows.length
          ? await api.competitivePrices(
              rows.map((r) => r.asin),
              ctx.signal,
            )
          : [];
        const priceOf = new Map(prices.map((x) => [x.asin, x.buyBox]));
        const withPrice = rows
          .map((r) => ({ asin: r.asin, price: priceOf.get(r.asin) ?? r.user_price ?? r.price }))
          .filter((x): x is { asin: string; price: number } => (x.price ?? 0) > 0);
        fees = withPrice.length ? await api.feeEstimates(withPrice, ctx.signal) : [];
      } catch (err) {
        if (ctx.signal.aborted) return null;
        // Offline and refused credentials stop the job; an unusable answer skips this chunk (local figures stand).
        if (!(err instanceof ProviderError) || err.code.startsWith('auth_'))
          throw err instanceof ProviderError ? new TaskError(err.code, err.message, err.retryable) : err;
        failure = err;
        queue.addErrors(ctx.job.id, [{ code: err.code, message: `${rows.length} products: ${err.message}` }]);
      }
      const prev = cp;
      const now = Date.now();
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const c = { ...prev.counts };
        if (failure) c.errors += rows.length;
        const priceOf = new Map(prices.map((x) => [x.asin, x]));
        const feeOf = new Map(fees.map((f) => [f.asin, f]));
        for (const r of rows) {
          const price = priceOf.get(r.asin);
          if (!price && failure) continue;
          setPrice.run(price?.buyBox ?? null, price?.offers ?? null, now, r.id);
          c.priced++;
          if (price?.buyBox) c.withBuyBox++;
          const local = analyzeProduct(
            analysisInput({ ...r, amazon_price: price?.buyBox ?? r.amazon_price }),
            schedule,
            { month },
          );
          write(r.id, p.marketplace, local, now);
          const f = feeOf.get(r.asin);
          if (!f) continue;
          const reasons = [...local.reasons];
          if ('error' in f) reasons.push(`Amazon gave no fee estimate: ${f.error}`);
          else {
            c.feeChecks++;
            const mine = comparable(local.referralFee, local.fulfillmentFee);
            if (mine !== null && Math.abs(mine - f.total) > 0.05) {
              c.feeDifferences++;
              reasons.push(
                `Amazon estimates referral + FBA fees of $${f.total.toFixed(2)}; the local engine $${mine.toFixed(2)} (difference $${(f.total - mine).toFixed(2)}).`,
              );
            }
          }
          setApiFees.run(
            'error' in f ? null : f.total,
            'error' in f ? null : f.referral,
            'error' in f ? null : f.fba,
            now,
            JSON.stringify(reasons),
            r.id,
            p.marketplace,
          );
        }
        return { index: prev.index + slice.length, counts: c };
      });
      ctx.progress({
        total: ids.length,
        done: cp.index,
        succeeded: cp.counts.priced,
        failed: cp.counts.errors,
        note: `Amazon prices and fees: ${cp.counts.priced} of ${ids.length}`,
      });
      await yieldToLoop();
    }
    return cp.counts;
  };
}
