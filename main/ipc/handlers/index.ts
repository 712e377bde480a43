import { mkdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ProductReader } from '../../products/reader.ts';
import type { ErrorCode, ImportPreview, JobView } from '../../../preload/contract/channels.ts';
import type { Db } from '../../db/open.ts';
import { MappingError } from '../../imports/mapping.ts';
import { planImport } from '../../imports/plan.ts';
import { BadFileError } from '../../imports/sniff.ts';
import { findUnfinishedImport } from '../../imports/resume.ts';
import { wakeJob } from '../../queue/orphans.ts';
import { createImportStore } from '../../imports/store.ts';
import { ExportBackError, exportFormatOf, type ExportFormat } from '../../imports/export-back.ts';
import { diffableImport, DiffError } from '../../suppliers/diff.ts';
import { requestDecisions, UnknownProductsError } from '../../decisions/requests.ts';
import { analysisJobs } from '../../analysis/task.ts';
import {
  chooseAsin,
  lookupSummary,
  NotACandidateError,
  ProductNotFoundError,
  retryLookups,
} from '../../lookups/status.ts';
import { JobNotFoundError, JobStateError } from '../../queue/errors.ts';
import { jobErrorLevel } from '../../queue/error-level.ts';
import type { Queue } from '../../queue/queue.ts';
import type { Job } from '../../queue/types.ts';
import { isJobKind, kindConcurrency, kindLabel } from '../../job-kinds.ts';
import { createJobLogStore } from '../../queue/job-log.ts';
import { createWaitFacts, jobWait } from '../../queue/waiting.ts';
import { LOOKUP_SWEEP, pendingLookupJob } from '../../lookups/kind.ts';
import { recurringKey } from '../../queue/kinds.ts';
import { IpcError, type Handlers } from '../router.ts';
import { createAppSettingsHandlers, type AppSettingsDeps } from './app-settings.ts';
import { createConnectionTestHandlers, type ConnectionTestDeps } from './connection-test.ts';
import { assertImportableFile, createPickers } from './pickers.ts';
import type { DialogPort } from '../../ports.ts';

/**
 * The part of a job the window needs (no payload: it may hold paths the window did not choose). Null for a kind this
 * version does not have (a row another version wrote): the window cannot show or act on it.
 */
export function jobView(j: Job): JobView | null {
  if (!isJobKind(j.kind)) return null;
  return {
    id: j.id,
    kind: j.kind,
    label: kindLabel(j.kind),
    status: j.status,
    progress: j.progress,
    // Our own task wrote it, for this kind (the worker protocol carries it from the task's typed return).
    result: j.result as JobView['result'],
    error: j.error ? { code: j.error.code, message: j.error.message } : null,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    runAt: j.runAt,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    parentId: j.parentId,
  } as JobView;
}

/** The view of a job the window asked for by id; one of a kind this version does not have cannot be shown. */
function viewOf(j: Job): JobView {
  const view = jobView(j);
  if (!view)
    throw new IpcError('NOT_FOUND', `Job #${j.id} is a "${j.kind}" job, which this version of Pallet does not run.`);
  return view;
}

/** The IPC code of each reason an import cannot be written back (main/imports/export-back.ts). */
const EXPORT_BACK_CODES: Record<ExportBackError['code'], ErrorCode> = {
  not_found: 'NOT_FOUND',
  not_ready: 'CONFLICT',
  source_missing: 'BAD_FILE',
  source_changed: 'BAD_FILE',
  bad_source: 'BAD_FILE',
  bad_format: 'INVALID_INPUT',
  write_failed: 'BAD_FILE',
};

/** Maps domain errors to IPC codes with their own (user-facing) messages. */
export function classifyError(err: unknown): { code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_FILE'; message: string } | null {
  if (err instanceof JobNotFoundError) return { code: 'NOT_FOUND', message: err.message };
  if (err instanceof JobStateError) return { code: 'CONFLICT', message: err.message };
  if (err instanceof BadFileError || err instanceof MappingError) return { code: 'BAD_FILE', message: err.message };
  return null;
}

async function assertCsvFile(path: string): Promise<void> {
  if (!isAbsolute(path)) throw new IpcError('INVALID_INPUT', 'The file path must be absolute.');
  const s = await stat(path).catch(() => null);
  if (!s) throw new IpcError('BAD_FILE', `"${path}" does not exist.`);
  if (!s.isFile()) throw new IpcError('BAD_FILE', `"${path}" is not a file.`);
}

export interface HandlerDeps {
  db: Db;
  queue: Queue;
  version: string;
  /** Product reads for the window, answered off the main thread. */
  reader: ProductReader;
  /** Folder exports are written to (the user's Downloads in the app). */
  exportDir: () => string;
  /** Preferences, secrets, network and sample data for the settings and status channels. */
  app: Omit<AppSettingsDeps, 'queue'>;
  /** The OS's open and save dialogs (absent outside the desktop app: picking is then refused with the reason). */
  dialog?: DialogPort;
  /** Settings' "Test connection": endpoints (test doubles) and timeout; the secrets and settings are `app`'s. */
  connectionTest?: Omit<ConnectionTestDeps, 'secrets' | 'settings'>;
}

/** Every IPC handler, against the engine's queue and database. */
export function createHandlers({
  db,
  queue,
  version,
  reader,
  exportDir,
  app,
  dialog,
  connectionTest,
}: HandlerDeps): Handlers {
  const imports = createImportStore(db);
  const pickers = createPickers(dialog);
  const appSettings = createAppSettingsHandlers({ ...app, queue });
  const jobLog = createJobLogStore(db);
  const waitFacts = createWaitFacts(db);
  const limits: Partial<Record<string, number>> = kindConcurrency();
  return {
    ...appSettings,
    ...pickers.handlers,
    ...createConnectionTestHandlers({ ...connectionTest, secrets: app.secrets, settings: app.settings }),
    // The catalog's path comes from the window: checked like an import's before a job is queued for it.
    'catalog:import': async (req) => {
      await assertImportableFile(req.path);
      return appSettings['catalog:import'](req);
    },
    // An export written where the user chose lies outside Pallet's folders: it may be revealed all the same.
    'files:reveal': ({ path }) => {
      if (!pickers.wrote(path)) return appSettings['files:reveal']({ path });
      app.files.showInFolder(path);
      return { ok: true as const };
    },
    'app:info': () => ({ name: 'Pallet', version }),
    'jobs:list': (q) => queue.list({ status: q?.status, limit: q?.limit ?? 200 }).flatMap((j) => jobView(j) ?? []),
    'jobs:get': ({ id }) => viewOf(queue.get(id)),
    'jobs:errors': ({ id, limit }) => {
      queue.get(id);
      return queue.recentErrors(id, limit ?? 50).map((e) => ({
        rowNumber: e.row_number,
        code: e.code,
        level: jobErrorLevel(e.code),
        message: e.message,
        createdAt: e.created_at,
      }));
    },
    'jobs:detail': ({ id, logLimit }) => {
      const job = queue.get(id);
      const facts = waitFacts(job, {
        now: Date.now(),
        queuePaused: queue.isPaused(),
        online: app.network ? app.network.isOnline() : true,
        limit: limits[job.kind],
      });
      return {
        job: viewOf(job),
        waitingFor: jobWait(job, facts),
        log: jobLog.tail(id, logLimit ?? 50),
        errorCount: queue.errorCount(id),
      };
    },
    'jobs:cancel': ({ id }) => viewOf(queue.cancel(id)),
    'jobs:pause': ({ id }) => viewOf(queue.pause(id)),
    'jobs:resume': ({ id }) => viewOf(queue.resume(id)),
    'jobs:retry': ({ id }) => viewOf(queue.retry(id)),
    'jobs:retryFailed': () => ({
      count: queue.list({ status: 'failed', limit: 1000 }).map((j) => queue.retry(j.id)).length,
    }),
    'queue:pause': () => (queue.pauseAll(), { paused: queue.isPaused() }),
    'queue:resume': () => (queue.resumeAll(), { paused: queue.isPaused() }),
    'imports:preview': async (req): Promise<ImportPreview> => {
      await assertCsvFile(req.path);
      const plan = await planImport(
        req.path,
        {
          mapping: req.mapping,
          decimal: req.decimal,
          headerRow: req.headerRow,
          supplier: req.supplier,
          sheet: req.sheet,
        },
        db,
        20,
      );
      return {
        file: plan.fileName,
        encoding: plan.sniffed.encoding,
        delimiter: plan.sniffed.delimiter,
        decimal: plan.decimal,
        headers: plan.headers,
        headerRow: plan.headerRow,
        headerReason: plan.headerReason,
        mapping: plan.previewMapping,
        savedMappingUsed: plan.savedMappingUsed,
        warnings: plan.warnings,
        rows: plan.sampleRows,
        supplier: plan.supplier,
        supplierSource: plan.supplierSource,
        sheets: plan.xlsx?.sheets ?? [],
        sheet: plan.xlsx?.sheet ?? null,
      };
    },
    'imports:start': async (req) => {
      await assertCsvFile(req.path);
      // The same file with an import still unfinished (after a crash or a pause): that one resumes, never a second.
      const unfinished = await findUnfinishedImport(db, req.path);
      if (unfinished) return { jobId: wakeJob(queue, queue.get(unfinished.job.id)).id };
      const job = queue.enqueue({ kind: 'import', payload: req, maxAttempts: 5 });
      return { jobId: job.id };
    },
    'imports:list': () =>
      imports.list(100).map((i) => ({
        id: i.id,
        jobId: i.jobId,
        fileName: i.fileName,
        status: i.status,
        counts: i.counts as Record<string, number> | null,
        createdAt: i.createdAt,
      })),
    // Off the main thread: a list's counts take a lookup per product (main/lists/summary.ts).
    'imports:lists': (req) => reader.lists(req?.limit ?? 100),
    // Re-analysis of everything is one action, shared by both workers.
    'analysis:start': (req) => {
      // The seller's fee assumptions (Settings) apply to every re-analysis from the window.
      const s = app.settings;
      const options = { prepPerUnit: s.get('prepPerUnit'), inboundPerLb: s.get('inboundPerLb') };
      const targets =
        'all' in req && req.targets
          ? req.targets
          : {
              minRoi: s.get('targetMinRoi'),
              minProfit: s.get('targetMinProfit'),
              maxRank: s.get('targetMaxRank') ?? undefined,
            };
      return {
        jobIds: analysisJobs(
          'all' in req
            ? { all: true, options: { ...options, targets } }
            : { ids: req.ids, options: { ...options, targets } },
          2,
        ).map((j) => queue.enqueue(j).id),
      };
    },
    'products:decide': (req) => {
      // What the seller is looking at: a request a running decide job takes within a quarter second, and a job of
      // its own at the queue's front (priority 0 calls) for when none runs.
      if ('ids' in req) {
        try {
          return { jobId: requestDecisions(db, queue, req.ids).jobId };
        } catch (err) {
          if (err instanceof UnknownProductsError) throw new IpcError('NOT_FOUND', err.message);
          throw err;
        }
      }
      return { jobId: queue.enqueue({ kind: 'decide', payload: { ...req, priority: 1 }, priority: 0 }).id };
    },
    'lookups:status': () => lookupSummary(db),
    'lookups:start': (req) => ({
      jobId: queue.enqueue({
        kind: 'lookup',
        payload: { provider: req?.provider ?? 'auto', scope: req?.scope ?? 'pending' },
        // A pending-only run stands in for the sweep; a full re-run is its own job.
        dedupeKey: req?.scope === 'all' ? undefined : recurringKey(LOOKUP_SWEEP),
      }).id,
    }),
    'lookups:choose': ({ productId, asin }) => {
      try {
        chooseAsin(db, productId, asin);
      } catch (err) {
        if (err instanceof ProductNotFoundError) throw new IpcError('NOT_FOUND', err.message);
        if (err instanceof NotACandidateError) throw new IpcError('CONFLICT', err.message);
        throw err;
      }
      return { ok: true as const };
    },
    'lookups:retry': (req) => {
      const count = retryLookups(db, 'failed' in req ? 'failed' : { ids: req.productIds });
      if (count > 0) queue.enqueue(pendingLookupJob());
      return { count };
    },
    'products:page': (q) => reader.page(q),
    'products:count': (q) => reader.count(q),
    'products:detail': async ({ id }) => {
      const detail = await reader.detail(id);
      if (!detail) throw new IpcError('NOT_FOUND', `There is no product #${id}.`);
      return detail;
    },
    'products:stats': ({ filters, targets }) => reader.stats(filters, targets),
    'products:export': async ({ filters, path: chosen }) => {
      const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
      const path = pickers.exportTarget(chosen) ?? join(exportDir(), `pallet-products-${stamp}.csv`);
      const rows = await reader.exportCsv(filters, path);
      if (chosen) pickers.recordWrite(path);
      return { path, rows };
    },
    'imports:undo': ({ importId }) => {
      if (!imports.get(importId)) throw new IpcError('NOT_FOUND', `There is no import #${importId}.`);
      return { jobId: queue.enqueue({ kind: 'import_undo', payload: { importId }, dedupeKey: `undo:${importId}` }).id };
    },
    'imports:diff': async ({ importA, importB, limit }) => {
      // The checks are key lookups (fine here, with their own error codes); the diff itself runs on the reader's thread.
      try {
        diffableImport(db, importA);
        diffableImport(db, importB);
      } catch (err) {
        if (err instanceof DiffError)
          throw new IpcError(err.code === 'not_found' ? 'NOT_FOUND' : 'CONFLICT', err.message);
        throw err;
      }
      return reader.diff(importA, importB, limit ?? 100);
    },
    'imports:exportBack': async ({ importId, path: chosen, format: asked }) => {
      const imp = imports.get(importId);
      if (!imp) throw new IpcError('NOT_FOUND', `There is no import #${importId}.`);
      const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
      const base = imp.fileName.replace(/\.[^.]*$/, '') || `import-${importId}`;
      const path = pickers.exportTarget(chosen) ?? join(exportDir(), `${base}-pallet-${stamp}.${asked ?? 'csv'}`);
      let format: ExportFormat;
      try {
        format = exportFormatOf(path, asked);
        if (!chosen) await mkdir(exportDir(), { recursive: true });
        // Reading the whole file again and writing the copy take seconds on a big list: the reader's thread does it.
        // The save dialog already asked before replacing a chosen file.
        const result = await reader.exportImport(importId, path, format, chosen !== undefined);
        if (chosen) pickers.recordWrite(path);
        return result;
      } catch (err) {
        if (err instanceof ExportBackError) throw new IpcError(EXPORT_BACK_CODES[err.code], err.message);
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code in EXPORT_BACK_CODES)
          throw new IpcError(EXPORT_BACK_CODES[code as ExportBackError['code']], (err as Error).message);
        throw err;
      }
    },
  };
}
