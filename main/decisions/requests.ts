// The products the seller asked to have decided now: written by `products:decide` with the job that would decide
// them, read by any running decide job (which decides them ahead of its own list), deleted with their verdicts.
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';

/** One pending request: the product, and when the seller asked (answers fetched since then count as fresh). */
export interface DecideRequest {
  productId: number;
  requestedAt: number;
}

/** Some of the ids a request named are not products (deleted, or never there). */
export class UnknownProductsError extends Error {
  constructor(readonly ids: number[]) {
    const shown = ids.slice(0, 5).map((id) => `#${id}`);
    super(
      ids.length === 1
        ? `There is no product ${shown[0]}.`
        : `There are no products ${shown.join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}.`,
    );
    this.name = 'UnknownProductsError';
  }
}

/** The request table's statements, for the decide task (one connection, prepared once). */
export function createDecideRequests(db: Db) {
  // Rows no other live run holds: free ones, this job's own (a resumed attempt), or those of a run that is no longer
  // running (its worker died and the job was given up or finished).
  const claimable = db.prepare<[string, number, number], { product_id: number; requested_at: number }>(
    `SELECT product_id, requested_at FROM decide_requests r
     WHERE marketplace = ? AND (claimed_job IS NULL OR claimed_job = ?
       OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = r.claimed_job AND j.status = 'running'))
     ORDER BY requested_at, product_id LIMIT ?`,
  );
  const mark = db.prepare<[number, number, number, string]>(
    'UPDATE decide_requests SET claimed_job = ?, claimed_at = ? WHERE product_id = ? AND marketplace = ?',
  );
  const remove = db.prepare<[number, string, number]>(
    'DELETE FROM decide_requests WHERE product_id = ? AND marketplace = ? AND requested_at <= ?',
  );
  return {
    /** Up to `limit` requests this job may take, oldest first (a small indexed read: the table holds a few rows). */
    claimable(marketplace: string, jobId: number, limit: number): DecideRequest[] {
      return claimable
        .all(marketplace, jobId, limit)
        .map((r) => ({ productId: r.product_id, requestedAt: r.requested_at }));
    },
    /** Marks a request as in this job's hands (call inside the job's checkpoint transaction). */
    mark(productId: number, marketplace: string, jobId: number, now: number): void {
      mark.run(jobId, now, productId, marketplace);
    },
    /** Done: deletes the request unless the seller asked again after `requestedAt` (that one is taken next poll). */
    done(productId: number, marketplace: string, requestedAt: number): void {
      remove.run(productId, marketplace, requestedAt);
    },
  };
}

/**
 * Records that the seller wants these products decided now and queues the decide job that would decide them, in one
 * transaction: a running decide job takes the requests within a quarter second; with none running, the job starts.
 * Throws UnknownProductsError (nothing written) when an id is not a product.
 */
export function requestDecisions(
  db: Db,
  queue: Pick<Queue, 'enqueue'>,
  ids: readonly number[],
  opts: { marketplace?: 'US'; now?: number } = {},
): { jobId: number; requestedAt: number } {
  const mp = opts.marketplace ?? 'US';
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new RangeError('Name at least one product to decide.');
  const tx = db.transaction(() => {
    const missing = db
      .prepare<[string], number>(
        'SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM products) ORDER BY value',
      )
      .pluck()
      .all(JSON.stringify(unique));
    if (missing.length > 0) throw new UnknownProductsError(missing);
    const requestedAt = opts.now ?? Date.now();
    // Asked again while a run has it in hand: the new time keeps the row past that verdict, for the next poll to judge.
    const put = db.prepare<[number, string, number]>(
      `INSERT INTO decide_requests (product_id, marketplace, requested_at) VALUES (?, ?, ?)
       ON CONFLICT (product_id, marketplace) DO UPDATE SET requested_at = excluded.requested_at`,
    );
    for (const id of unique) put.run(id, mp, requestedAt);
    const job = queue.enqueue({
      kind: 'decide',
      payload: { ids: unique, marketplace: mp, priority: 0, requestedAt },
      // What the seller is looking at runs before the funnel's and the sweep's jobs waiting in the queue.
      priority: 10,
    });
    return { jobId: job.id, requestedAt };
  });
  return tx.immediate();
}
