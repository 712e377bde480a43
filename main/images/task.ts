import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import { ACTIVE_STATUSES, type JobStatus, type Lease } from '../queue/types.ts';
import { NetworkUnavailableError, type Task, type TaskContext, parsePayload } from '../workers/runtime/task.ts';
import { findProbableDuplicates, saveProbableDuplicates } from './duplicates.ts';
import { ConnectionError, DEFAULT_LIMITS, fetchImage, ImageError, probeOnline, type FetchLimits } from './fetch.ts';
import { contentHash, storeImage, sweepPartial } from './process.ts';
import { imageStoreDir } from './serve.ts';
import { createImageStore, type ImageOutcome, type ImageStore, type ImageTodo } from './store.ts';

/** Answers any request when the network is up: the same host the lookups talk to. */
export const DEFAULT_PROBE_URL = 'https://sellingpartnerapi-na.amazon.com/';

export const imagesPayloadSchema = z.object({
  /** Refresh the sources of this import's products first (else of every product, unless `sync` is false). */
  importId: z.number().int().positive().optional(),
  sync: z.boolean().default(true),
  /** Make failed images pending again before the run (a manual "retry failed"). */
  retryFailed: z.boolean().default(false),
  /** Asked when a host cannot be reached: an answer means that host is down, none means the network is. */
  probeUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_PROBE_URL),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(DEFAULT_LIMITS.maxBytes),
  timeoutMs: z.number().int().min(100).max(300_000).default(DEFAULT_LIMITS.timeoutMs),
  concurrency: z.number().int().min(1).max(32).default(6),
  perHost: z.number().int().min(1).max(8).default(2),
});
export type ImagesPayload = z.input<typeof imagesPayloadSchema>;

export interface ImagesJobResult {
  sources: number;
  done: number;
  /** Linked to an image another product already had (same address or same bytes): no second copy. */
  reused: number;
  retrying: number;
  failed: number;
  probableDuplicates: number;
}

type Counts = Omit<ImagesJobResult, 'probableDuplicates'>;
type Checkpoint = { phase: 'sync'; last: number; counts: Counts } | { phase: 'fetch'; counts: Counts };

export interface ImagesTaskDeps {
  database(): { db: Db; queue: Queue };
  /** Folder the image store lives under (`<dataDir>/images`). */
  dataDir: string;
  probe?: (url: string) => Promise<boolean>;
  clock?: () => number;
  retryDelayMs?: (attempt: number) => number;
}

type Settled = { todo: ImageTodo[]; outcome: ImageOutcome | 'connection' | 'aborted'; host?: string; reused?: boolean };

/**
 * The `images` job: brings each product's image sources up to date, then downloads (or reads) every pending one with
 * bounded concurrency per host, stores it once by content hash with its thumbnails and dHash, and ends by reporting
 * probable duplicates among products without a barcode. Offline, the job waits for the network and no image spends
 * an attempt; one dead host only fails its own images.
 */
export function createImagesTask(deps: ImagesTaskDeps): Task<'images'> {
  const now = deps.clock ?? Date.now;
  const probe = deps.probe ?? probeOnline;
  return async (ctx) => {
    const p = parsePayload(imagesPayloadSchema, ctx.job.payload, 'images');
    const { db, queue } = deps.database();
    const store = createImageStore(db, { now, retryDelayMs: deps.retryDelayMs });
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const limits: FetchLimits = {
      maxBytes: p.maxBytes,
      timeoutMs: p.timeoutMs,
      maxRedirects: DEFAULT_LIMITS.maxRedirects,
    };
    const root = imageStoreDir(deps.dataDir);
    // What an earlier run's worker was writing when it died is no image of anyone's: never renamed, never recorded.
    await sweepPartial(root);
    let cp: Checkpoint = (ctx.job.checkpoint as Checkpoint | null) ?? {
      phase: 'sync',
      last: 0,
      counts: { sources: 0, done: 0, reused: 0, retrying: 0, failed: 0 },
    };

    if (cp.phase === 'sync' && cp.last === 0 && p.retryFailed) store.resetFailed();
    while (cp.phase === 'sync') {
      if (ctx.signal.aborted) return null;
      const prev: Checkpoint & { phase: 'sync' } = cp;
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const page = p.sync ? store.syncPage(prev.last, p.importId ?? null) : null;
        return page
          ? {
              phase: 'sync',
              last: page.last,
              counts: {
                ...prev.counts,
                sources: prev.counts.sources + page.sources,
                failed: prev.counts.failed + page.invalid,
              },
            }
          : { phase: 'fetch', counts: prev.counts };
      });
      ctx.progress({ note: `Reading image addresses: ${cp.counts.sources} so far` });
      await new Promise((r) => setImmediate(r));
    }

    const total = cp.counts.done + cp.counts.retrying + cp.counts.failed + countTodo(db, now());
    const global = pLimit(p.concurrency);
    const hosts = new Map<string, LimitFunction>();
    const perHost = (host: string) => hosts.get(host) ?? hosts.set(host, pLimit(p.perHost)).get(host)!;

    for (;;) {
      if (ctx.signal.aborted) return null;
      const todo = store.nextTodo(p.concurrency * 4);
      if (todo.length === 0) break;
      const settled = await Promise.all(
        groupBySource(todo).map((group) => {
          const source = group[0]!.source;
          const host = hostOf(source);
          return global(() =>
            perHost(host)(() => fetchOne(group, source, store, root, limits, ctx.signal).then((s) => ({ ...s, host }))),
          );
        }),
      );
      const unreachable = settled.filter((s) => s.outcome === 'connection');
      const offline = unreachable.length > 0 && !(await probe(p.probeUrl));
      const prev = cp;
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const c = { ...prev.counts };
        for (const s of settled) {
          if (s.outcome === 'aborted' || (s.outcome === 'connection' && offline)) continue;
          const outcome: ImageOutcome =
            s.outcome === 'connection'
              ? {
                  kind: 'error',
                  code: 'unreachable',
                  message: `Cannot reach ${s.host}: the server does not answer (the network itself is up).`,
                  retryable: true,
                }
              : s.outcome;
          for (const t of s.todo) {
            const status = store.record(t, outcome);
            if (status === 'done') c.done++;
            else if (status === 'retry') c.retrying++;
            else c.failed++;
            if (status === 'done' && (s.reused || t !== s.todo[0])) c.reused++;
          }
          if (outcome.kind === 'error')
            queue.addErrors(ctx.job.id, [
              {
                code: outcome.code,
                message: `Product ${s.todo[0]!.product_id} image ${s.todo[0]!.position + 1}: ${outcome.message}`,
              },
            ]);
        }
        return { phase: 'fetch', counts: c };
      });
      ctx.progress({
        total,
        done: cp.counts.done + cp.counts.retrying + cp.counts.failed,
        succeeded: cp.counts.done,
        failed: cp.counts.failed,
        skipped: cp.counts.retrying,
        note: `Images: ${cp.counts.done} stored (${cp.counts.reused} shared), ${cp.counts.failed} failed, ${cp.counts.retrying} to retry`,
      });
      if (offline) {
        const names = [...new Set(unreachable.map((s) => s.host))].slice(0, 3).join(', ');
        throw new NetworkUnavailableError(
          `Cannot reach ${names}: the network looks unavailable. The images wait for it.`,
        );
      }
    }

    const pairs = findProbableDuplicates(db);
    const probableDuplicates = saveProbableDuplicates(db, pairs, now());
    scheduleRetries(ctx, queue, store, p);
    return { ...cp.counts, probableDuplicates } satisfies ImagesJobResult;
  };
}

async function fetchOne(
  todo: ImageTodo[],
  source: string,
  store: ImageStore,
  root: string,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<Settled> {
  const known = store.storedFor(source);
  if (known) return { todo, outcome: { kind: 'done', sha256: known, stored: null }, reused: true };
  try {
    // Sources were resolved when synced: a web address, or an absolute path.
    const bytes = await fetchImage({ kind: /^https?:/i.test(source) ? 'http' : 'file', ref: source }, limits, signal);
    const sha256 = contentHash(bytes);
    if (store.isKnown(sha256)) return { todo, outcome: { kind: 'done', sha256, stored: null }, reused: true };
    return { todo, outcome: { kind: 'done', sha256, stored: await storeImage(root, bytes, sha256) } };
  } catch (err) {
    if (signal.aborted) return { todo, outcome: 'aborted' };
    if (err instanceof ConnectionError) return { todo, outcome: 'connection' };
    if (err instanceof ImageError)
      return { todo, outcome: { kind: 'error', code: err.code, message: err.message, retryable: err.retryable } };
    return {
      todo,
      outcome: { kind: 'error', code: 'unexpected', message: (err as Error).message ?? String(err), retryable: true },
    };
  }
}

// One fetch serves every product in the batch that links the same address.
function groupBySource(todo: ImageTodo[]): ImageTodo[][] {
  const groups = new Map<string, ImageTodo[]>();
  for (const t of todo) {
    const group = groups.get(t.source);
    if (group) group.push(t);
    else groups.set(t.source, [t]);
  }
  return [...groups.values()];
}

function hostOf(source: string): string {
  return /^https?:/i.test(source) ? new URL(source).host : 'local files';
}

function countTodo(db: Db, now: number): number {
  return (
    db
      .prepare<[number], number>(
        `SELECT count(*) FROM product_images WHERE status = 'pending' OR (status = 'retry' AND next_try_at <= ?)`,
      )
      .pluck()
      .get(now) ?? 0
  );
}

const ACTIVE = new Set<JobStatus>(ACTIVE_STATUSES);

// Images that failed for a while (timeouts, 5xx, a dead host) get a later run of their own, unless another images
// job is already on its way (it takes the due retries, and schedules the rest when it ends).
function scheduleRetries(
  ctx: TaskContext,
  queue: Queue,
  store: ImageStore,
  p: z.output<typeof imagesPayloadSchema>,
): void {
  const at = store.nextRetryAt();
  if (at === null) return;
  const another = queue.list({ kind: 'images', limit: 50 }).some((j) => j.id !== ctx.job.id && ACTIVE.has(j.status));
  if (another) return;
  queue.enqueue({
    kind: 'images',
    runAt: at,
    parentId: ctx.job.id,
    payload: {
      sync: false,
      probeUrl: p.probeUrl,
      maxBytes: p.maxBytes,
      timeoutMs: p.timeoutMs,
      concurrency: p.concurrency,
      perHost: p.perHost,
    } satisfies ImagesPayload,
  });
}
