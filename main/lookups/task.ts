import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import type { Lease } from '../queue/types.ts';
import {
  NetworkUnavailableError,
  TaskError,
  type Task,
  type TaskContext,
  parsePayload,
} from '../workers/runtime/task.ts';
import { ProviderError, type CatalogMatch, type LookupAnswer, type LookupProvider } from './provider.ts';
import { MAX_LOOKUP_ATTEMPTS } from './status.ts';

export const lookupPayloadSchema = z
  .object({
    /** `auto`: SP-API when this worker holds credentials, else the local reference catalog. */
    provider: z.enum(['auto', 'catalog', 'spapi']).default('auto'),
    scope: z.enum(['pending', 'all', 'ids']).default('pending'),
    ids: z.array(z.number().int().positive()).max(100_000).optional(),
    /** At most this many products per run (the sweep takes up to N). */
    limit: z.number().int().positive().max(10_000_000).optional(),
    marketplace: z.literal('US').default('US'),
    cacheTtlDays: z.number().min(0).max(365).default(30),
  })
  .refine((p) => p.scope !== 'ids' || (p.ids && p.ids.length > 0), 'scope "ids" needs ids.');
export type LookupPayload = z.input<typeof lookupPayloadSchema>;

export interface LookupJobResult {
  looked: number;
  found: number;
  notFound: number;
  ambiguous: number;
  retrying: number;
  failed: number;
  fromCache: number;
  provider: string;
}

type Counts = Omit<LookupJobResult, 'provider'>;
/** `ambiguousIds` (products with several ASINs) is absent from checkpoints older than the decide follow-up. */
type Checkpoint = { lastId: number; index: number; counts: Counts; foundIds: number[]; ambiguousIds?: number[] };

/**
 * Records a product's matches besides its lookup status (catalog data, candidate ASINs); runs inside the chunk's
 * transaction. Wired by the worker's task table (main/decisions/catalog.ts), so this domain imports none above it.
 */
export type LookupMatchSink = (
  productId: number,
  marketplace: string,
  providerId: 'spapi' | 'catalog',
  matches: readonly CatalogMatch[],
  now: number,
) => void;

interface ProductRow {
  id: number;
  gtin14: string;
  lookup_attempts: number;
}

export interface LookupTaskDeps {
  database(): { db: Db; queue: Queue };
  /** Builds the provider a job asked for (the SP-API one needs the worker's credentials). */
  provider(name: 'auto' | 'catalog' | 'spapi', marketplace: string, db: Db): LookupProvider;
  /** Keeps each match's catalog data and a product's candidate ASINs (optional: tests of the lookup alone). */
  matchSink?(db: Db): LookupMatchSink;
  /**
   * Whether found products go on to the whole buying decision (`decide`) rather than `pricing`: true once the seller
   * id that restrictions need is set (read from the settings where the worker is wired). Absent: `pricing`.
   */
  decideAfter?(): boolean;
  /**
   * Whether products the local catalog found go on to `decide` offline (no SP-API credentials: the verdict from the
   * analysis and what the reference catalog says of ranks, offers and restrictions) rather than `analysis`.
   */
  decideLocally?(): boolean;
  clock?: () => number;
  /** Delay before the n-th retry of a product's lookup (default 5 min × 2^(n−1)). */
  retryDelayMs?: (attempt: number) => number;
}

const PICK = {
  pending: `lookup_status IN ('pending', 'looking_up') OR (lookup_status = 'retry_pending' AND next_lookup_at <= @now)`,
  all: `1 = 1`,
};

/**
 * The `lookup` job: barcodes → ASINs through a provider, a chunk at a time. Each chunk's answers, product statuses,
 * cache entries and checkpoint commit together. Offline, the job waits for the network and no product spends an
 * attempt; a provider error fails that batch's products for a retry while the job goes on.
 */
export function createLookupTask(deps: LookupTaskDeps): Task<'lookup'> {
  const now = deps.clock ?? Date.now;
  const retryDelay = deps.retryDelayMs ?? ((n: number) => 5 * 60_000 * 2 ** (n - 1));
  return async (ctx) => {
    const p = parsePayload(lookupPayloadSchema, ctx.job.payload, 'lookup');
    const { db, queue } = deps.database();
    const provider = deps.provider(p.provider, p.marketplace, db);
    const sink = deps.matchSink?.(db);
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const chunk = provider.maxBatch * 5;
    const limit = p.limit ?? Number.MAX_SAFE_INTEGER;
    const ids = p.scope === 'ids' ? [...new Set(p.ids!)].sort((a, b) => a - b) : null;
    const pickNext =
      p.scope === 'ids'
        ? null
        : db.prepare<{ last: number; n: number; now: number }, ProductRow>(
            `SELECT id, gtin14, lookup_attempts FROM products WHERE gtin14 IS NOT NULL AND id > @last AND (${PICK[p.scope]}) ORDER BY id LIMIT @n`,
          );
    const byId = db.prepare<[number], ProductRow>(
      'SELECT id, gtin14, lookup_attempts FROM products WHERE id = ? AND gtin14 IS NOT NULL',
    );
    const cacheGet = db.prepare<[string, string, string], { matches: string; fetched_at: number }>(
      'SELECT matches, fetched_at FROM lookup_cache WHERE gtin14 = ? AND marketplace = ? AND provider = ?',
    );
    const cachePut = db.prepare(
      'INSERT OR REPLACE INTO lookup_cache (gtin14, marketplace, provider, matches, fetched_at) VALUES (?, ?, ?, ?, ?)',
    );
    const markLooking = db.prepare(`UPDATE products SET lookup_status = 'looking_up' WHERE id = ?`);
    const writeMatches = createMatchWriter(db);
    const setOther = db.prepare(
      `UPDATE products SET lookup_status = @status, potential_asins = @candidates, lookup_attempts = lookup_attempts + 1, next_lookup_at = @next, updated_at = @now WHERE id = @id`,
    );
    const total = ids
      ? ids.length
      : Math.min(
          limit,
          db
            .prepare(
              `SELECT count(*) FROM products WHERE gtin14 IS NOT NULL AND (${PICK[p.scope as 'pending' | 'all']})`,
            )
            .pluck()
            .get({ now: now() }) as number,
        );

    let cp: Checkpoint = (ctx.job.checkpoint as Checkpoint | null) ?? {
      lastId: 0,
      index: 0,
      counts: { looked: 0, found: 0, notFound: 0, ambiguous: 0, retrying: 0, failed: 0, fromCache: 0 },
      foundIds: [],
      ambiguousIds: [],
    };
    for (;;) {
      if (ctx.signal.aborted) return null;
      const room = limit - cp.counts.looked;
      if (room <= 0) break;
      const rows = ids
        ? ids.slice(cp.index, cp.index + chunk).flatMap((id) => byId.get(id) ?? [])
        : pickNext!.all({ last: cp.lastId, n: Math.min(chunk, room), now: now() });
      const consumed = ids ? Math.min(chunk, ids.length - cp.index) : rows.length;
      if (consumed === 0) break;
      db.transaction(() => rows.forEach((r) => markLooking.run(r.id)))();

      // Fresh cached answers cost no request.
      const fresh = now() - p.cacheTtlDays * 86_400_000;
      const answers = new Map<string, CatalogMatch[]>();
      let fromCache = 0;
      for (const r of rows) {
        const hit = cacheGet.get(r.gtin14, p.marketplace, provider.id);
        if (hit && hit.fetched_at >= fresh) {
          answers.set(r.gtin14, JSON.parse(hit.matches));
          fromCache++;
        }
      }
      const ask = [...new Set(rows.map((r) => r.gtin14).filter((g) => !answers.has(g)))];
      const fetched: LookupAnswer[] = [];
      for (let i = 0; i < ask.length; i += provider.maxBatch) {
        const batch = ask.slice(i, i + provider.maxBatch);
        try {
          fetched.push(...(await provider.lookup(batch, ctx.signal)));
        } catch (err) {
          if (ctx.signal.aborted) return null;
          // Offline: the products stay as they were (looking_up counts as pending); the job waits for the network.
          if (err instanceof NetworkUnavailableError) throw err;
          if (!(err instanceof ProviderError)) throw err;
          // Credentials refused, or the token service failing: no product should spend attempts on it. Refused ones
          // fail the job until the user fixes Settings; a token service outage retries the job later.
          if (err.code.startsWith('auth_')) throw new TaskError(err.code, err.message, err.retryable);
          queue.addErrors(ctx.job.id, [
            {
              code: err.code,
              message: `${batch.length} barcodes (${batch.slice(0, 3).join(', ')}${batch.length > 3 ? '…' : ''}): ${err.message}`,
            },
          ]);
        }
      }
      const batchErrors = new Map<string, { code: string; message: string; gtins: string[] }>();
      for (const a of fetched) {
        if (!a.error) {
          answers.set(a.gtin14, a.matches);
          continue;
        }
        const key = `${a.error.code}\u0001${a.error.message}`;
        const e = batchErrors.get(key) ?? { ...a.error, gtins: [] };
        e.gtins.push(a.gtin14);
        batchErrors.set(key, e);
      }
      for (const e of batchErrors.values()) {
        queue.addErrors(ctx.job.id, [
          {
            code: e.code,
            message: `${e.gtins.length} barcodes (${e.gtins.slice(0, 3).join(', ')}${e.gtins.length > 3 ? '…' : ''}): ${e.message}`,
          },
        ]);
      }

      const prev = cp;
      const t = now();
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const c = { ...prev.counts, fromCache: prev.counts.fromCache + fromCache };
        const foundIds = [...prev.foundIds];
        const ambiguousIds = [...(prev.ambiguousIds ?? [])];
        for (const a of fetched)
          if (!a.error) cachePut.run(a.gtin14, p.marketplace, provider.id, JSON.stringify(a.matches), t);
        for (const r of rows) {
          c.looked++;
          const matches = answers.get(r.gtin14);
          if (matches && matches.length > 0) sink?.(r.id, p.marketplace, provider.id, matches, t);
          if (!matches) {
            const attempts = r.lookup_attempts + 1;
            const final = attempts >= MAX_LOOKUP_ATTEMPTS;
            setOther.run({
              id: r.id,
              status: final ? 'failed' : 'retry_pending',
              candidates: null,
              next: final ? null : t + retryDelay(attempts),
              now: t,
            });
            if (final) c.failed++;
            else c.retrying++;
            continue;
          }
          const outcome = writeMatches(r.id, matches, t);
          if (outcome === 'found') {
            c.found++;
            if (foundIds.length < 100_000) foundIds.push(r.id);
          } else if (outcome === 'not_found') c.notFound++;
          else {
            c.ambiguous++;
            if (ambiguousIds.length < 100_000) ambiguousIds.push(r.id);
          }
        }
        return {
          lastId: rows.at(-1)?.id ?? prev.lastId,
          index: prev.index + consumed,
          counts: c,
          foundIds,
          ambiguousIds,
        };
      });
      progress(ctx, cp, total);
      await yieldToLoop();
    }
    // Found products get their analysis right away. With SP-API and a seller id, the whole buying decision
    // (main/decisions: prices, restrictions, offers, eligibility, the analysis and a verdict), for the products with
    // several ASINs too; with SP-API alone, Amazon's prices and fee estimates (`pricing`); else the local engine alone.
    // Everything when more were found than a job lists.
    const ambiguousIds = cp.ambiguousIds ?? [];
    const decideIds = [...cp.foundIds, ...ambiguousIds];
    const decideNext = provider.id === 'spapi' ? deps.decideAfter?.() === true : deps.decideLocally?.() === true;
    if (
      decideNext &&
      decideIds.length > 0 &&
      cp.foundIds.length === cp.counts.found &&
      ambiguousIds.length === cp.counts.ambiguous
    )
      queue.enqueue({ kind: 'decide', payload: { ids: decideIds, priority: 1 }, parentId: ctx.job.id });
    else if (cp.counts.found > 0) {
      const listed = cp.foundIds.length === cp.counts.found;
      if (provider.id === 'spapi' && listed)
        queue.enqueue({ kind: 'pricing', payload: { ids: cp.foundIds }, parentId: ctx.job.id });
      else
        queue.enqueue({
          kind: 'analysis',
          payload: listed ? { ids: cp.foundIds } : { all: true },
          parentId: ctx.job.id,
        });
    }
    return { ...cp.counts, provider: provider.id } satisfies LookupJobResult;
  };
}

/**
 * Writes what a lookup answer means for a product (found with its ASIN and Amazon's facts, not on Amazon, or ambiguous
 * with its candidates), counting an attempt; run inside the caller's transaction. Shared with the decide job, which
 * looks up the products it is given that have no ASIN yet.
 */
export function createMatchWriter(
  db: Db,
): (productId: number, matches: readonly CatalogMatch[], now: number) => 'found' | 'not_found' | 'ambiguous' {
  const setFound = db.prepare(
    `UPDATE products SET lookup_status = 'found', asin = @asin, asin_found_at = @now, potential_asins = NULL, lookup_attempts = lookup_attempts + 1,
       next_lookup_at = NULL, sales_rank = coalesce(@rank, sales_rank), amazon_category = coalesce(@category, amazon_category),
       image_url = coalesce(image_url, @image),
       length_in = CASE WHEN @l IS NULL THEN length_in ELSE @l END, width_in = CASE WHEN @l IS NULL THEN width_in ELSE @w END,
       height_in = CASE WHEN @l IS NULL THEN height_in ELSE @h END, weight_lb = CASE WHEN @l IS NULL THEN weight_lb ELSE @lb END, updated_at = @now
     WHERE id = @id`,
  );
  const setOther = db.prepare(
    `UPDATE products SET lookup_status = @status, potential_asins = @candidates, lookup_attempts = lookup_attempts + 1, next_lookup_at = NULL, updated_at = @now WHERE id = @id`,
  );
  return (id, matches, now) => {
    if (matches.length === 1) {
      const m = matches[0]!;
      setFound.run({
        id,
        asin: m.asin,
        now,
        rank: m.salesRank,
        category: m.category,
        image: m.imageUrl,
        l: m.package?.lengthIn ?? null,
        w: m.package?.widthIn ?? null,
        h: m.package?.heightIn ?? null,
        lb: m.package?.weightLb ?? null,
      });
      return 'found';
    }
    if (matches.length === 0) {
      setOther.run({ id, status: 'not_found', candidates: null, now });
      return 'not_found';
    }
    const candidates = JSON.stringify(matches.map((m) => ({ asin: m.asin, title: m.title, brand: m.brand })));
    setOther.run({ id, status: 'ambiguous', candidates, now });
    return 'ambiguous';
  };
}

function progress(ctx: TaskContext, cp: Checkpoint, total: number): void {
  const c = cp.counts;
  ctx.progress({
    total,
    done: c.looked,
    succeeded: c.found,
    failed: c.failed,
    skipped: c.notFound + c.ambiguous,
    note: `Looking up: ${c.found} found, ${c.notFound} not on Amazon, ${c.ambiguous} ambiguous`,
  });
}
