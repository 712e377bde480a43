// The worker's task table: every kind's task wired to the worker's database, data folder and providers. Typed as
// `TaskTable`, so a kind declared in `JobKinds` without its task here does not compile.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPricingTask } from './analysis/pricing-task.ts';
import { createAnalysisTask } from './analysis/task.ts';
import { createMatchSink } from './decisions/catalog.ts';
import { createDecideTask } from './decisions/task.ts';
import { thresholdsFromSettings } from './decisions/verdict.ts';
import { createImagesTask } from './images/task.ts';
import { createImportTask } from './imports/task.ts';
import { createUndoTask } from './imports/undo.ts';
import { createCatalogImportTask } from './lookups/catalog-import.ts';
import { pendingLookupJob } from './lookups/kind.ts';
import {
  workerCatalogSearch,
  workerDecisionClients,
  workerHasSpApi,
  workerLookupProvider,
  workerPricing,
} from './lookups/providers.ts';
import { createCatalogProvider } from './lookups/reference-catalog.ts';
import { createReferenceFacts } from './lookups/reference-facts.ts';
import { createLookupTask } from './lookups/task.ts';
import { workerDatabase, workerDataDir, workerDbPath } from './workers/runtime/database.ts';
import type { TaskTable } from './workers/runtime/task.ts';
import { readSettings, type Settings } from './settings/schema.ts';
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
    lookup: createLookupTask({
      database: workerDatabase,
      provider: workerLookupProvider,
      matchSink: createMatchSink,
      // The whole buying decision follows once the seller id restrictions need is set; else prices and fees as before.
      decideAfter: () => workerSettings().spapiSellerId !== null,
      // Without credentials the verdict comes from the analysis and the reference catalog's ranks, offers, restrictions.
      decideLocally: () => !workerHasSpApi(),
    }),
    catalog_import: createCatalogImportTask({ database: workerDatabase }),
    pricing: createPricingTask({ database: workerDatabase, pricing: workerPricing }),
    decide: createDecideTask({
      database: workerDatabase,
      settings: () => {
        const s = workerSettings();
        return {
          sellerId: s.spapiSellerId,
          thresholds: thresholdsFromSettings(s),
          prepPerUnit: s.prepPerUnit,
          inboundPerLb: s.inboundPerLb,
        };
      },
      hasSpApi: workerHasSpApi,
      clients: (marketplace, sellerId, priority) => {
        const c = workerDecisionClients(marketplace, { sellerId, pricingPriority: priority });
        return { ...c, search: workerCatalogSearch(marketplace, priority) };
      },
      localSearch: createCatalogProvider,
      reference: createReferenceFacts,
    }),
    images: createImagesTask({
      database: workerDatabase,
      get dataDir() {
        return workerDataDir();
      },
    }),
  };
}

/** The app's settings, read from the settings file beside the database as the CLI does (defaults without one). */
function workerSettings(): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(workerDataDir(), 'settings.json'), 'utf8'));
  } catch {
    raw = undefined; // No settings file (the app never ran here) or an unreadable one: the defaults.
  }
  return readSettings(raw).settings;
}
