// The Lists view's rows: each imported price list with its supplier, the progress of every stage the list goes
// through (import → ASIN lookup → pricing/offers → analysis/decision) and what became of its products (found, buy /
// check / skip). Read-only; runs on the products reader's thread (a million-row list takes a few hundred ms).
import type { Db } from '../db/open.ts';
import type { JobStatus } from '../queue/types.ts';
import { offerRows } from '../suppliers/offer-rows.ts';
import { fromJobs, STAGE_OF_KIND, STAGES, type Stage, type StageState, type StageView } from './stages.ts';

export type { Stage, StageState, StageView };

/** One imported price list as the Lists view shows it. */
export interface ListSummary {
  id: number;
  jobId: number | null;
  fileName: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'undoing' | 'undone';
  supplier: string | null;
  /** The same supplier's completed list before this one ("what changed since the last list"), or null. */
  previousId: number | null;
  counts: Record<string, number> | null;
  createdAt: number;
  finishedAt: number | null;
  /** Products the list named (for a list without a supplier: the products it created or last changed). */
  products: number;
  /** Of those, the products with an ASIN. */
  found: number;
  /** Of those, the products with an analysis. */
  analysed: number;
  /** Products still waiting for their lookup (pending, retry pending, being looked up). */
  lookupPending: number;
  verdicts: { buy: number; check: number; skip: number };
  stages: StageView[];
}

/** A request the summary cannot answer, in words for the seller. */
export class ListQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListQueryError';
  }
}

export const MAX_LISTS = 500;

interface ImportRow {
  id: number;
  job_id: number | null;
  file_name: string;
  status: ListSummary['status'];
  counts: string | null;
  created_at: number;
  finished_at: number | null;
  supplier_id: number | null;
  supplier: string | null;
  previous_id: number | null;
}

interface JobRow {
  import_id: number;
  id: number;
  kind: string;
  status: JobStatus;
  progress: string | null;
}

interface CountRow {
  import_id: number;
  products: number;
  found: number;
  analysed: number;
  lookup_pending: number;
  buy: number;
  check_: number;
  skip: number;
}

// What a product of a list counts as: its ASIN (the seller's override wins), its analysis in the US marketplace.
const COUNT_COLUMNS = `count(*) AS products,
  count(coalesce(p.asin_override, p.asin)) AS found,
  count(a.product_id) AS analysed,
  coalesce(sum(p.lookup_status IN ('pending', 'retry_pending', 'looking_up')), 0) AS lookup_pending,
  coalesce(sum(a.verdict = 'buy'), 0) AS buy,
  coalesce(sum(a.verdict = 'check'), 0) AS check_,
  coalesce(sum(a.verdict = 'skip'), 0) AS skip`;

/** The SQL behind the summary, prepared once per connection. */
function statements(db: Db) {
  return {
    // The previous list of the same supplier: one step back along imports_supplier (supplier_id, id).
    imports: db.prepare<[number, number], ImportRow>(
      `SELECT i.id, i.job_id, i.file_name, i.status, i.counts, i.created_at, i.finished_at, i.supplier_id,
         s.name AS supplier,
         (SELECT max(e.id) FROM imports e WHERE e.supplier_id = i.supplier_id AND e.id < i.id
            AND e.status = 'completed') AS previous_id
       FROM imports i LEFT JOIN suppliers s ON s.id = i.supplier_id
       WHERE i.id < ? ORDER BY i.id DESC LIMIT ?`,
    ),
    // Every job an import's job led to, any depth, down jobs_parent.
    jobs: db.prepare<[string], JobRow>(
      `WITH RECURSIVE tree(import_id, id) AS (
         SELECT i.id, i.job_id FROM imports i WHERE i.id IN (SELECT value FROM json_each(?)) AND i.job_id IS NOT NULL
         UNION ALL
         SELECT t.import_id, j.id FROM tree t JOIN jobs j ON j.parent_id = t.id
       )
       SELECT t.import_id, j.id, j.kind, j.status, j.progress FROM tree t JOIN jobs j ON j.id = t.id ORDER BY j.id`,
    ),
    // A supplier's list: the products it named, by its offers (history rows, key import_id, product_id; and the
    // products it created).
    bySupplier: db.prepare<{ ids: string }, CountRow>(
      `SELECT h.import_id, ${COUNT_COLUMNS}
       FROM ${offerRows('i.id IN (SELECT value FROM json_each(:ids))')} h
       JOIN products p ON p.id = h.product_id
       LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = 'US'
       GROUP BY h.import_id`,
    ),
    // A list without a supplier has no history: the products it created or last changed, in one pass over products
    // (no index on products.import_id: it would slow every import's writes).
    byProducts: db.prepare<[{ ids: string }], CountRow>(
      `SELECT CASE WHEN p.import_id IN (SELECT value FROM json_each(:ids)) THEN p.import_id ELSE p.created_import_id END
           AS import_id, ${COUNT_COLUMNS}
       FROM products p LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = 'US'
       WHERE p.import_id IN (SELECT value FROM json_each(:ids)) OR p.created_import_id IN (SELECT value FROM json_each(:ids))
       GROUP BY 1`,
    ),
  };
}

/** A connection's statements and the counts it has worked out, with the state of the data they were counted at. */
interface Memo {
  s: ReturnType<typeof statements>;
  signature: () => string;
  counts: Map<number, { at: string; row: CountRow | null }>;
}
const memos = new WeakMap<Db, Memo>();

// What moves a finished list's counts: a job finishing (a lookup sweep, a re-analysis, an undo) or a new import.
// Both are index lookups (jobs_finished, the imports key), so checking costs nothing.
const SIGNATURE = `SELECT (SELECT max(finished_at) FROM jobs
    WHERE (status = 'completed' OR status = 'failed' OR status = 'cancelled')) || ':' ||
  coalesce((SELECT max(id) FROM imports), 0)`;

const FINISHED_JOB: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The latest `limit` lists (newest first; `before`: only lists older than that import id, for paging). One query
 * for the lists, one down the job tree, one grouped count per kind of list — no per-list queries. A list's counts
 * cost a lookup per product (about 1 s for a million), so they are kept between calls while nothing that moves
 * them happened: recounted while a job of the list's own tree runs, and after any job finishes.
 */
export function listSummaries(db: Db, opts: { limit?: number; before?: number } = {}): ListSummary[] {
  const limit = opts.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LISTS)
    throw new ListQueryError(`The number of lists must be a whole number from 1 to ${MAX_LISTS} (got ${limit}).`);
  const before = opts.before ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(before) || before < 1)
    throw new ListQueryError(`"before" must be an import id, a whole number ≥ 1 (got ${before}).`);
  let memo = memos.get(db);
  if (!memo) {
    const sig = db.prepare<[], unknown>(SIGNATURE).pluck();
    memo = { s: statements(db), signature: () => String(sig.get()), counts: new Map() };
    memos.set(db, memo);
  }
  const { s } = memo;

  const rows = s.imports.all(before, limit);
  if (rows.length === 0) return [];
  const at = memo.signature();
  const jobs = new Map<number, JobRow[]>();
  for (const j of s.jobs.all(JSON.stringify(rows.map((r) => r.id))))
    jobs.set(j.import_id, [...(jobs.get(j.import_id) ?? []), j]);

  // Only finished lists have products to count: a running import's history is written when it completes.
  const stale = rows.filter((r) => {
    if (r.status !== 'completed') return false;
    const active = (jobs.get(r.id) ?? []).some((j) => !FINISHED_JOB.has(j.status));
    return active || memo.counts.get(r.id)?.at !== at;
  });
  const withSupplier = stale.filter((r) => r.supplier_id !== null).map((r) => r.id);
  const without = stale.filter((r) => r.supplier_id === null).map((r) => r.id);
  const fresh = new Map<number, CountRow>();
  if (withSupplier.length > 0)
    for (const c of s.bySupplier.all({ ids: JSON.stringify(withSupplier) })) fresh.set(c.import_id, c);
  if (without.length > 0) for (const c of s.byProducts.all({ ids: JSON.stringify(without) })) fresh.set(c.import_id, c);
  for (const r of stale) memo.counts.set(r.id, { at, row: fresh.get(r.id) ?? null });

  return rows.map((r) =>
    summarize(r, jobs.get(r.id) ?? [], r.status === 'completed' ? (memo.counts.get(r.id)?.row ?? null) : null),
  );
}

function summarize(r: ImportRow, jobs: readonly JobRow[], c: CountRow | null): ListSummary {
  const n = {
    products: c?.products ?? 0,
    found: c?.found ?? 0,
    analysed: c?.analysed ?? 0,
    lookupPending: c?.lookup_pending ?? 0,
  };
  const byStage = new Map<Stage, JobRow[]>(STAGES.map((st) => [st, []]));
  for (const j of jobs) {
    const st = STAGE_OF_KIND[j.kind];
    if (st) byStage.get(st)!.push(j);
  }
  const stages: StageView[] = [];
  for (const stage of STAGES) {
    const own = byStage.get(stage)!;
    stages.push(own.length > 0 ? fromJobs(stage, own) : fromData(stage, r.status, n, stages));
  }
  return {
    id: r.id,
    jobId: r.job_id,
    fileName: r.file_name,
    status: r.status,
    supplier: r.supplier,
    previousId: r.previous_id,
    counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    ...n,
    verdicts: { buy: c?.buy ?? 0, check: c?.check_ ?? 0, skip: c?.skip ?? 0 },
    stages,
  };
}

/** A stage no job of the list's tree did (another list's job did it, or the jobs were pruned): from the data. */
function fromData(
  stage: Stage,
  status: ListSummary['status'],
  n: { products: number; found: number; analysed: number; lookupPending: number },
  earlier: readonly StageView[],
): StageView {
  const view = (state: StageState, done = 0, total: number | null = null): StageView => ({
    stage,
    state,
    jobIds: [],
    done,
    total,
    ratePerSec: null,
    etaMs: null,
  });
  if (stage === 'import') {
    if (status === 'completed') return view('done', n.products, n.products);
    if (status === 'running') return view('running');
    if (status === 'failed') return view('failed');
    return view('cancelled');
  }
  if (status !== 'completed') return view(status === 'running' ? 'pending' : 'skipped');
  if (stage === 'lookup') {
    if (n.products === 0) return view('skipped');
    const looked = n.products - n.lookupPending;
    return view(n.lookupPending > 0 ? 'pending' : 'done', looked, n.products);
  }
  const lookup = earlier.find((e) => e.stage === 'lookup')!;
  const lookupOver = lookup.state === 'done' || lookup.state === 'skipped' || lookup.state === 'failed';
  if (stage === 'pricing') return view(lookupOver ? 'skipped' : 'pending');
  // analysis
  if (n.found > 0 && n.analysed >= n.found) return view('done', n.analysed, n.found);
  if (lookupOver && n.found === 0) return view('skipped');
  return view('pending', n.analysed, n.found || null);
}
