import { createEngine, type EngineOptions } from '../../main/app/engine.ts';
import { FINISHED_STATUSES, type EnqueueInput, type Job } from '../../main/queue/types.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { tempDbPath } from './temp-db.ts';
import { waitFor } from './workers.ts';

/** The columns a test compares: everything an import decides, nothing that depends on time or row ids. */
export const PRODUCT_COLUMNS =
  'gtin14, sku, mpn, asin, name, brand, category, cost, currency, price, pack_size, quantity, image_url, description, attributes, quality_score, name_brand_key';

/** A real engine (database file, scheduler, worker processes running the real worker entry) in a temp folder. */
export async function startTestEngine(opts: Partial<Omit<EngineOptions, 'dbPath' | 'launcher'>> = {}) {
  const tmp = tempDbPath();
  const engine = await createEngine({ dbPath: tmp.path, launcher: createNodeLauncher(), workers: 1, ...opts });
  const { queue, db } = engine;
  return {
    ...tmp,
    engine,
    queue,
    db,
    /** Enqueues a job and waits until it finishes. */
    async run(input: EnqueueInput, timeoutMs = 60_000): Promise<Job> {
      const job = queue.enqueue(input);
      await waitFor(
        () => FINISHED_STATUSES.includes(queue.get(job.id).status),
        `job ${job.id} (${input.kind}) to finish`,
        timeoutMs,
      );
      return queue.get(job.id);
    },
    /**
     * Waits until import job `jobId` has committed more than `rows` rows read. Its checkpoint, which the worker
     * commits with the rows: progress is written by this process and may skip while the worker holds the write lock,
     * so under load it can lag until the import is all but done (a cancel sent on it then met a finished job).
     */
    async importUnderWay(jobId: number, rows = 5_000, timeoutMs = 20_000): Promise<void> {
      const read = () => {
        const cp = queue.get(jobId).checkpoint as { phase?: string; rowNumber?: number } | null;
        return cp?.phase === 'reading' ? (cp.rowNumber ?? 0) : cp?.phase ? Infinity : 0;
      };
      await waitFor(() => read() > rows, `import job ${jobId} to be under way`, timeoutMs);
    },
    /** Every product, in a stable order, without ids or timestamps. */
    products(): Record<string, unknown>[] {
      return db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY gtin14, name_brand_key, sku`).all() as Record<
        string,
        unknown
      >[];
    },
    async stop() {
      await engine.stop();
      tmp.cleanup();
    },
  };
}
export type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
