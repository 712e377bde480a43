import { startThread } from '../threads/entry.ts';
import type { ProductFilters, ProductQuery, ProductRow } from './query.ts';
import type { AnalysisStats, Targets } from './stats.ts';
import type { ImportDiff } from '../suppliers/diff.ts';
import type { ProductDetail } from './detail.ts';
import type { ExportBackResult, ExportFormat } from '../imports/export-back.ts';
import type { ListSummary } from '../lists/summary.ts';

export type ReaderRequest =
  | { id: number; op: 'page'; query: ProductQuery }
  | { id: number; op: 'count'; query: ProductFilters }
  | { id: number; op: 'detail'; productId: number }
  | { id: number; op: 'stats'; query: ProductFilters; targets: Targets }
  | { id: number; op: 'export'; query: ProductFilters; out: string }
  | { id: number; op: 'diff'; importA: number; importB: number; limit: number }
  | { id: number; op: 'lists'; limit: number }
  | { id: number; op: 'exportImport'; importId: number; out: string; format: ExportFormat; overwrite: boolean };
/** A failure says why in `message`; `code` is the domain error's code when it has one (ExportBackError's). */
export type ReaderResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; code?: string };

/** Reads for the window's products and analysis views, answered off the main thread. */
export interface ProductReader {
  page(query: ProductQuery): Promise<ProductRow[]>;
  count(query: ProductFilters): Promise<number>;
  stats(query: ProductFilters, targets: Targets): Promise<AnalysisStats>;
  /** Writes the matching products with their analysis to a new CSV file; returns the row count. */
  exportCsv(query: ProductFilters, out: string): Promise<number>;
  /** What changed between two supplier lists (main/suppliers/diff.ts): a diff of 200k rows takes tens of ms. */
  diff(importA: number, importB: number, limit: number): Promise<ImportDiff>;
  /** The Lists view's rows (main/lists/summary.ts): stages, found and verdict counts of the latest `limit` lists. */
  lists(limit: number): Promise<ListSummary[]>;
  /** Everything known about one product (main/products/detail.ts), or null when there is no such product. */
  detail(productId: number): Promise<ProductDetail | null>;
  /**
   * Writes an import's rows back in the file's own shape with Pallet's columns (main/imports/export-back.ts). A
   * failure carries the ExportBackError's `code`.
   */
  exportImport(importId: number, out: string, format: ExportFormat, overwrite: boolean): Promise<ExportBackResult>;
  close(): Promise<void>;
}

type Ask = ReaderRequest extends infer R ? (R extends ReaderRequest ? Omit<R, 'id'> : never) : never;

/** One reader thread and its pending answers. */
function startLane(dbPath: string) {
  // Both lanes run the same bundle (dist/node/products-reader.js).
  const worker = startThread(new URL('./reader-thread.ts', import.meta.url), 'products-reader', { dbPath });
  let next = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (res: ReaderResponse) => {
    const w = waiting.get(res.id);
    if (!w) return;
    waiting.delete(res.id);
    if (res.ok) w.resolve(res.value);
    else w.reject(Object.assign(new Error(res.message), res.code ? { code: res.code } : {}));
  });
  // A reader that died answers nothing more: later calls fail at once instead of waiting forever.
  let dead: Error | null = null;
  worker.on('error', (err) => failAll((dead = err)));
  worker.on('exit', () => failAll((dead ??= new Error('The products reader stopped.'))));
  return {
    ask: <T>(req: Ask): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (dead) return reject(dead);
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ ...req, id });
      }),
    close: async () => void (await worker.terminate()),
  };
}

/**
 * Starts the reader threads over the app database (read-only: every write stays with the queue and workers). Two
 * lanes: pages and details, which the window waits on at every scroll and click, never queue behind a count, chart
 * or export over a million rows (a filtered count can take a second or more); those take the other lane.
 */
export function createProductReader(dbPath: string): ProductReader {
  const fast = startLane(dbPath);
  const slow = startLane(dbPath);
  return {
    page: (query) => fast.ask({ op: 'page', query }),
    count: (query) => slow.ask({ op: 'count', query }),
    stats: (query, targets) => slow.ask({ op: 'stats', query, targets }),
    exportCsv: (query, out) => slow.ask({ op: 'export', query, out }),
    diff: (importA, importB, limit) => slow.ask({ op: 'diff', importA, importB, limit }),
    lists: (limit) => slow.ask({ op: 'lists', limit }),
    detail: (productId) => fast.ask({ op: 'detail', productId }),
    exportImport: (importId, out, format, overwrite) =>
      slow.ask({ op: 'exportImport', importId, out, format, overwrite }),
    async close() {
      await Promise.all([fast.close(), slow.close()]);
    },
  };
}
