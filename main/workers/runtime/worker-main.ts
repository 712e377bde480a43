// The worker's task kinds, loaded by entry.ts once the parent watch is in place.
import { createAnalysisTask } from '../../analysis/task.ts';
import { createImagesTask } from '../../images/task.ts';
import { createImportTask } from '../../imports/task.ts';
import { createUndoTask } from '../../imports/undo.ts';
import { createCatalogImportTask } from '../../lookups/catalog-import.ts';
import { workerLookupProvider, workerPricing } from '../../lookups/providers.ts';
import { createPricingTask } from '../../analysis/pricing-task.ts';
import { createLookupTask } from '../../lookups/task.ts';
import { workerDatabase, workerDataDir } from './database.ts';
import { startWorkerHost } from './host.ts';
import { noopTask } from './tasks/noop.ts';

startWorkerHost({
  noop: noopTask,
  import: createImportTask({
    database: workerDatabase,
    get dataDir() {
      return workerDataDir();
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
});
