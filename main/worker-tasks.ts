// The worker's task table: every kind's task wired to the worker's database, data folder and providers. Typed as
// `TaskTable`, so a kind declared in `JobKinds` without its task here does not compile.
import { createPricingTask } from './analysis/pricing-task.ts';
import { createAnalysisTask } from './analysis/task.ts';
import { createImagesTask } from './images/task.ts';
import { createImportTask } from './imports/task.ts';
import { createUndoTask } from './imports/undo.ts';
import { createCatalogImportTask } from './lookups/catalog-import.ts';
import { pendingLookupJob } from './lookups/kind.ts';
import { workerLookupProvider, workerPricing } from './lookups/providers.ts';
import { createLookupTask } from './lookups/task.ts';
import { workerDatabase, workerDataDir, workerDbPath } from './workers/runtime/database.ts';
import type { TaskTable } from './workers/runtime/task.ts';
import { noopTask } from './workers/runtime/tasks/noop.ts';

/** The tasks a worker process runs, one per kind. */
export function workerTasks(): TaskTable {
  return {
    noop: noopTask,
    import: createImportTask({
      database: workerDatabase,
      // New or changed barcodes are looked up at once (standing in for the sweep), and their images fetched.
      followUps: ({ importId, lookup, images }) => [
        ...(lookup ? [pendingLookupJob()] : []),
        ...(images ? [{ kind: 'images' as const, payload: { importId } }] : []),
      ],
      // A getter: the path is known once the first job needs it (it comes with the spawn).
      get dbPath() {
        return workerDbPath();
      },
    }),
    import_undo: createUndoTask({ database: workerDatabase }),
    analysis: createAnalysisTask({ database: workerDatabase }),
    lookup: createLookupTask({ database: workerDatabase, provider: workerLookupProvider }),
    catalog_import: createCatalogImportTask({ database: workerDatabase }),
    pricing: createPricingTask({ database: workerDatabase, pricing: workerPricing }),
    images: createImagesTask({
      database: workerDatabase,
      get dataDir() {
        return workerDataDir();
      },
    }),
  };
}
