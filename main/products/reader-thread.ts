// The products reader's thread: its own read-only connection, so a deep page or a count over a million rows never
// blocks the main process's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../db/native-binding.ts';
import { exportProducts } from '../analysis/export.ts';
import { countProducts, productConditions, queryProducts } from './query.ts';
import { analysisStats } from './stats.ts';
import { productDetail } from './detail.ts';
import { diffImports } from '../suppliers/diff.ts';
import { listSummaries } from '../lists/summary.ts';
import { ExportBackError, exportImportBack } from '../imports/export-back.ts';
import type { ReaderRequest, ReaderResponse } from './reader.ts';

const db = openSqlite((workerData as { dbPath: string }).dbPath, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -32000');

async function answer(req: ReaderRequest): Promise<unknown> {
  switch (req.op) {
    case 'page':
      return queryProducts(db, req.query);
    case 'count':
      return countProducts(db, req.query);
    case 'stats':
      return analysisStats(db, req.query, req.targets);
    case 'export':
      return exportProducts(db, req.out, { where: productConditions(req.query), page: 1000 });
    case 'detail':
      return productDetail(db, req.productId);
    case 'diff':
      return diffImports(db, req.importA, req.importB, req.limit);
    case 'lists':
      return listSummaries(db, { limit: req.limit });
    case 'exportImport':
      return exportImportBack(db, req.importId, req.out, { format: req.format, overwrite: req.overwrite });
  }
}

parentPort!.on('message', (req: ReaderRequest) => {
  answer(req).then(
    (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies ReaderResponse),
    (err: Error) =>
      parentPort!.postMessage({
        id: req.id,
        ok: false,
        message: err.message,
        ...(err instanceof ExportBackError ? { code: err.code } : {}),
      } satisfies ReaderResponse),
  );
});
