import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import { pollForWriteLock } from '../db/busy.ts';
import type { Db } from '../db/open.ts';
import { createQueue, type Queue } from '../queue/queue.ts';
import type { Lease } from '../queue/types.ts';
import { openWorkerDatabase } from '../workers/runtime/database.ts';
import { TaskError, type Task, parsePayload } from '../workers/runtime/task.ts';
import { analyzeProduct, type AnalysisOptions, type AnalysisResult } from './analyze.ts';
import { scheduleFor } from './schedule.ts';

export const analysisPayloadSchema = z
  .object({
    all: z.boolean().optional(),
    ids: z.array(z.number().int().positive()).max(100_000).optional(),
    marketplace: z.literal('US').default('US'),
    /** The day whose fee schedule applies (default: today). */
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** With `all`: this job takes the products whose id % count = index, so several workers share a full run. */
    shard: z
      .object({ count: z.number().int().min(1).max(64), index: z.number().int().min(0) })
      .refine((s) => s.index < s.count, 'shard index must be below the count')
      .optional(),
    options: z
      .object({
        storageMonths: z.number().min(0).max(24).optional(),
        prepPerUnit: z.number().min(0).max(1000).optional(),
        inboundPerUnit: z.number().min(0).max(1000).optional(),
        inboundPerLb: z.number().min(0).max(100).optional(),
        fuelSurcharge: z.boolean().optional(),
        targets: z
          .object({
            minRoi: z.number().optional(),
            minProfit: z.number().optional(),
            maxRank: z.number().int().positive().optional(),
          })
          .optional(),
      })
      .default({}),
  })
  .refine((p) => p.all || (p.ids && p.ids.length > 0), 'Say which products: all, or a list of ids.');
export type AnalysisPayload = z.input<typeof analysisPayloadSchema>;

/** The jobs of one full analysis split across `shards` workers (one job when 1). */
export function analysisJobs(
  payload: AnalysisPayload,
  shards: number,
): { kind: 'analysis'; payload: AnalysisPayload; maxAttempts: number }[] {
  if (!payload.all || shards <= 1) return [{ kind: 'analysis', payload, maxAttempts: 3 }];
  return Array.from({ length: shards }, (_, index) => ({
    kind: 'analysis',
    payload: { ...payload, shard: { count: shards, index } },
    maxAttempts: 3,
  }));
}

export interface AnalysisJobResult {
  analyzed: number;
  withProfit: number;
  winners: number;
  missingPrice: number;
  missingDimensions: number;
  feeSchedule: string;
}

/** A product as the analysis reads it. */
export interface AnalysisRow {
  id: number;
  cost: number | null;
  price: number | null;
  user_price: number | null;
  amazon_price: number | null;
  category: string | null;
  amazon_category: string | null;
  weight_lb: number | null;
  length_in: number | null;
  width_in: number | null;
  height_in: number | null;
  sales_rank: number | null;
}

type Checkpoint = { lastId: number; index: number; counts: Omit<AnalysisJobResult, 'feeSchedule'> };

export const ANALYSIS_SELECT =
  'SELECT id, cost, price, user_price, amazon_price, category, amazon_category, weight_lb, length_in, width_in, height_in, sales_rank FROM products';
const COLUMNS = [
  'product_id',
  'marketplace',
  'sell_price',
  'price_source',
  'referral_category',
  'referral_fee',
  'size_tier',
  'shipping_weight_lb',
  'fulfillment_fee',
  'storage_fee',
  'other_costs',
  'unit_cost',
  'total_fees',
  'profit',
  'margin',
  'roi',
  'breakeven_cost',
  'max_cost_for_target_roi',
  'sales_rank',
  'est_sales_low',
  'est_sales_mid',
  'est_sales_high',
  'flags',
  'reasons',
  'fee_schedule',
  'computed_at',
];

/** The `analysis` job: fees, profit and ROI for all (or chosen) products, in id order, resumable by checkpoint. */
export function createAnalysisTask(deps: {
  database(): { db: Db; queue: Queue };
  chunk?: number;
  clock?: () => Date;
}): Task<'analysis'> {
  // ~2,000 rows per transaction: short enough for main's writes to never wait long; larger measured slower.
  const chunk = deps.chunk ?? 2000;
  return async (ctx) => {
    const p = parsePayload(analysisPayloadSchema, ctx.job.payload, 'analysis');
    const { db } = deps.database();
    const today = deps.clock?.() ?? new Date();
    let schedule;
    try {
      schedule = scheduleFor(p.date ?? today);
    } catch (err) {
      throw new TaskError('no_fee_schedule', (err as Error).message);
    }
    const opts: AnalysisOptions = { ...p.options, month: Number((p.date ?? today.toISOString()).slice(5, 7)) };
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const ids = p.ids ? [...new Set(p.ids)].sort((a, b) => a - b) : null;
    const shard = p.shard ? `AND id % ${p.shard.count} = ${p.shard.index}` : '';
    const total = ids
      ? ids.length
      : (db.prepare(`SELECT count(*) FROM products WHERE 1 ${shard}`).pluck().get() as number);
    // Rows come as arrays: better-sqlite3 builds a row object property by property, which took ~3.5 µs a row here
    // against ~1.6 for the array and a literal (a third of each worker's time went to reading).
    const nextAll = db
      .prepare<[number, number], unknown[]>(`${ANALYSIS_SELECT} WHERE id > ? ${shard} ORDER BY id LIMIT ?`)
      .raw();
    const byId = db.prepare<[number], unknown[]>(`${ANALYSIS_SELECT} WHERE id = ?`).raw();
    let cp: Checkpoint = (ctx.job.checkpoint as Checkpoint | null) ?? {
      lastId: 0,
      index: 0,
      counts: { analyzed: 0, withProfit: 0, winners: 0, missingPrice: 0, missingDimensions: 0 },
    };

    // Shards write through a connection of their own that never sleeps in SQLite's busy handler: it polls for the
    // write lock instead (busy.ts). Two shards taking turns lost ~8 ms a turn to those sleeps.
    const own = openWorkerDatabase(db.name);
    // Set once it is open: opening may have to wait (a migration, a log being recovered); its writes never do.
    own.pragma('busy_timeout = 0');
    const ownQueue = createQueue({ db: own });
    const write = createAnalysisWriter(own);
    try {
      for (;;) {
        if (ctx.signal.aborted) return null;
        const raw = ids
          ? ids
              .slice(cp.index, cp.index + chunk)
              .map((id) => byId.get(id))
              .filter((r) => r !== undefined)
          : nextAll.all(cp.lastId, chunk);
        const rows = raw.map(analysisRow);
        const consumed = ids ? Math.min(chunk, ids.length - cp.index) : rows.length;
        if (consumed === 0) break;
        const now = Date.now();
        const results: [number, AnalysisResult][] = rows.map((r) => [
          r.id,
          analyzeProduct(analysisInput(r), schedule, opts),
        ]);
        const prev = cp;
        cp = pollForWriteLock(() =>
          ownQueue.checkpointAfter(lease, (): Checkpoint => {
            const c = { ...prev.counts };
            for (const [id, a] of results) {
              write(id, p.marketplace, a, now);
              c.analyzed++;
              if (a.profit !== null) c.withProfit++;
              if (a.flags.includes('winner')) c.winners++;
              if (a.sellPrice === null) c.missingPrice++;
              if (a.sizeTier === null) c.missingDimensions++;
            }
            return { lastId: rows.at(-1)?.id ?? prev.lastId, index: prev.index + consumed, counts: c };
          }),
        );
        ctx.progress({
          total,
          done: ids ? cp.index : cp.counts.analyzed,
          succeeded: cp.counts.withProfit,
          note: `Analysing: ${cp.counts.analyzed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`,
        });
        await yieldToLoop();
      }
      return { ...cp.counts, feeSchedule: schedule.id } satisfies AnalysisJobResult;
    } finally {
      own.close();
    }
  };
}

/** A product row read as an array (ANALYSIS_SELECT's column order). */
function analysisRow(v: unknown[]): AnalysisRow {
  return {
    id: v[0] as number,
    cost: v[1] as number | null,
    price: v[2] as number | null,
    user_price: v[3] as number | null,
    amazon_price: v[4] as number | null,
    category: v[5] as string | null,
    amazon_category: v[6] as string | null,
    weight_lb: v[7] as number | null,
    length_in: v[8] as number | null,
    width_in: v[9] as number | null,
    height_in: v[10] as number | null,
    sales_rank: v[11] as number | null,
  };
}

/** The analysis input of a product row: Amazon's category over the file's, the package only when weighed. */
export function analysisInput(r: AnalysisRow) {
  return {
    cost: r.cost,
    amazonPrice: r.amazon_price,
    userPrice: r.user_price,
    filePrice: r.price,
    category: r.amazon_category ?? r.category,
    package:
      r.weight_lb === null
        ? null
        : { lengthIn: r.length_in ?? 0, widthIn: r.width_in ?? 0, heightIn: r.height_in ?? 0, weightLb: r.weight_lb },
    salesRank: r.sales_rank,
  };
}

/** Writes (inserts or replaces) one product's analysis for a marketplace; run inside the caller's transaction. */
export function createAnalysisWriter(
  db: Db,
): (productId: number, marketplace: string, a: AnalysisResult, now: number) => void {
  const upsert = db.prepare(
    `INSERT INTO analyses (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
     ON CONFLICT (product_id, marketplace) DO UPDATE SET ${COLUMNS.slice(2)
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
  );
  // Most products share the same flags and reasons: serialize each distinct list once.
  const jsonMemo = new Map<string, string>();
  const json = (list: readonly string[]) => {
    const key = list.join('\u0001');
    let text = jsonMemo.get(key);
    if (text === undefined) {
      text = JSON.stringify(list);
      if (jsonMemo.size < 10_000) jsonMemo.set(key, text);
    }
    return text;
  };
  return (id, marketplace, a, now) =>
    void upsert.run(
      id,
      marketplace,
      a.sellPrice,
      a.priceSource,
      a.referralCategory,
      a.referralFee,
      a.sizeTier,
      a.shippingWeightLb,
      a.fulfillmentFee,
      a.storageFee,
      a.otherCosts,
      a.unitCost,
      a.totalFees,
      a.profit,
      a.margin,
      a.roi,
      a.breakevenCost,
      a.maxCostForTargetRoi,
      a.salesRank,
      a.estMonthlySales?.low ?? null,
      a.estMonthlySales?.mid ?? null,
      a.estMonthlySales?.high ?? null,
      json(a.flags),
      json(a.reasons),
      a.feeSchedule,
      now,
    );
}
