import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import type { Lease } from '../queue/types.ts';
import { TaskError, type Task, type TaskContext, parsePayload } from '../workers/runtime/task.ts';
import { FIELDS, type Field } from './fields.ts';
import { describeMapping, MappingError, type ColumnMapping } from './mapping.ts';
import { createMerger, type MergeCounts } from './merge.ts';
import { createMappingStore, planImport } from './plan.ts';
import { MAX_ROW_CHARS, readRecords } from './reader.ts';
import { openReport, type ReportWriter } from './report.ts';
import { BadFileError, sniffFile, type Delimiter, type FileEncoding } from './sniff.ts';
import { openStaging, removeStaging, type DuplicateRow, type Staging, type StagingState } from './staging.ts';
import { createImportStore, fileIdentity, type ImportCounts, type ImportRecord } from './store.ts';
import { createRowValidator } from './validate.ts';

/** What an `import` job is asked to do. */
export const importPayloadSchema = z.object({
  path: z.string().min(1).max(4096),
  mapping: z.record(z.string().max(500), z.enum([...FIELDS, 'ignore'])).optional(),
  decimal: z.enum(['.', ',']).optional(),
  rememberMapping: z.boolean().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  /** Look up the new and changed barcodes as soon as the import is done (default). */
  lookupAfter: z.boolean().default(true),
  /** Fetch the images of new and changed products when the file has an image column (default). */
  imagesAfter: z.boolean().default(true),
});
export type ImportPayload = z.input<typeof importPayloadSchema>;

/** What a finished import reports (the CLI's `--json` adds jobId, status and elapsedMs). */
export interface ImportResult extends ImportCounts {
  importId: number;
  errorReport: string | null;
  encoding: string;
  delimiter: string;
  decimal: string;
  mapping: Partial<Record<Field, string>>;
}

type Checkpoint =
  | { phase: 'merge'; part: 'gtin' | 'key'; lo: string; counts: MergeCounts }
  | { phase: 'done'; result: ImportResult };

export interface ImportTaskDeps {
  /** The worker's connection to the app database and a queue over it. */
  database(): { db: Db; queue: Queue };
  /** Folder for staging databases and error reports. */
  dataDir: string;
  /** Rows per merge transaction (reading commits once per parsed chunk of the file). */
  mergeRows?: number;
}

const MAX_JOB_ERRORS = 1000;

/** The `import` job: sniff, map, read and validate every row into staging, dedupe, merge into the catalog. */
export function createImportTask(deps: ImportTaskDeps): Task {
  const mergeRows = deps.mergeRows ?? 2000;

  return async (ctx) => {
    const payload = parsePayload(importPayloadSchema, ctx.job.payload, 'import');
    const { db, queue } = deps.database();
    const imports = createImportStore(db);
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const cp = ctx.job.checkpoint as Checkpoint | null;
    if (cp?.phase === 'done') return cp.result;

    const imp = imports.byJob(ctx.job.id) ?? (await startImport(ctx, payload, db, deps.dataDir));
    try {
      const result = await runImport(ctx, imp, { db, queue, lease, cp, dataDir: deps.dataDir, mergeRows, lookupAfter: payload.lookupAfter, imagesAfter: payload.imagesAfter });
      if (result === null && (ctx.signal.reason as Error | undefined)?.message === 'cancel') imports.finish(imp.id, 'cancelled', null);
      return result;
    } catch (err) {
      if (err instanceof TaskError && !err.retryable) imports.finish(imp.id, 'failed', null);
      throw err;
    }
  };
}

interface RunDeps {
  db: Db;
  queue: Queue;
  lease: Lease;
  cp: Checkpoint | null;
  dataDir: string;
  mergeRows: number;
  lookupAfter: boolean;
  imagesAfter: boolean;
}

async function runImport(ctx: TaskContext, imp: ImportRecord, deps: RunDeps): Promise<ImportResult | null> {
  const { db, queue, lease, cp, mergeRows } = deps;
  const imports = createImportStore(db);
  const stagingPath = join(deps.dataDir, 'staging', `import-${imp.id}.db`);
  const staging = openStaging(stagingPath);
  try {
    let state = staging.state();
    if (state.phase === 'reading') {
      if (state.byteOffset > 0) await assertUnchanged(imp);
      state = await readIntoStaging(ctx, { imp, staging, state, queue });
      if (ctx.signal.aborted) return null;
    }
    const merged = await mergeIntoCatalog(ctx, { imp, staging, queue, db, lease, from: cp?.phase === 'merge' ? cp : null, mergeRows });
    if (!merged) return null;
    const counts: ImportCounts = {
      rows: state.staged + state.rejected,
      ...merged,
      duplicates: state.duplicates,
      rejected: state.rejected,
      blank: state.blank,
      warnings: state.warnings,
    };
    const result: ImportResult = {
      importId: imp.id,
      ...counts,
      errorReport: state.rejected + state.duplicates > 0 ? imp.errorReport : null,
      encoding: imp.encoding,
      delimiter: imp.delimiter,
      decimal: imp.decimal,
      mapping: imp.mapping,
    };
    queue.checkpoint(lease, { phase: 'done', result } satisfies Checkpoint, () => {
    imports.finish(imp.id, 'completed', counts);
    // New or changed barcodes get looked up right away (the sweep's dedupe key: never two pending sweeps).
    if (deps.lookupAfter && merged.created + merged.updated > 0) queue.enqueue({ kind: 'lookup', payload: { provider: 'auto', scope: 'pending' }, dedupeKey: 'recurring:lookup-sweep', parentId: ctx.job.id });
    if (deps.imagesAfter && imp.mapping.image_url && merged.created + merged.updated > 0) queue.enqueue({ kind: 'images', payload: { importId: imp.id }, parentId: ctx.job.id });
  });
    staging.close();
    removeStaging(stagingPath);
    return result;
  } finally {
    if (staging.db.open) staging.close();
  }
}

async function startImport(ctx: TaskContext, payload: ImportPayload, db: Db, dataDir: string): Promise<ImportRecord> {
  let plan;
  try {
    plan = await planImport(payload.path, payload, db, 50);
  } catch (err) {
    if (err instanceof BadFileError || err instanceof MappingError) throw new TaskError(err instanceof BadFileError ? err.code : 'bad_mapping', err.message);
    throw err;
  }
  if (payload.rememberMapping) createMappingStore(db).save(plan.fingerprint, plan.headers, plan.mapping, plan.decimal);
  for (const w of plan.warnings) ctx.log.warn(w);
  const { size, hash } = await fileIdentity(payload.path);
  const store = createImportStore(db);
  const rec = store.create({
    jobId: ctx.job.id,
    fileName: plan.fileName,
    filePath: payload.path,
    fileSize: size,
    fileHash: hash,
    encoding: plan.sniffed.encoding,
    delimiter: plan.sniffed.delimiter,
    decimal: plan.decimal,
    headers: plan.headers,
    mapping: describeMapping(plan.headers, plan.mapping),
    fingerprint: plan.fingerprint,
    errorReport: null,
  });
  const errorReport = join(dataDir, 'reports', `import-${rec.id}-errors.csv`);
  db.prepare('UPDATE imports SET error_report = ? WHERE id = ?').run(errorReport, rec.id);
  return { ...rec, errorReport };
}

/** A resume reads on from a byte offset: only sound if the file is still the one the import started on. */
async function assertUnchanged(imp: ImportRecord): Promise<void> {
  let now;
  try {
    now = await fileIdentity(imp.filePath);
  } catch {
    throw new TaskError('file_missing', `"${imp.fileName}" is no longer at ${imp.filePath}: the import cannot resume. Start it again.`);
  }
  if (now.size !== imp.fileSize || now.hash !== imp.fileHash) {
    throw new TaskError('file_changed', `"${imp.fileName}" changed since the import started: resuming could skip or double rows. Start the import again.`);
  }
}

function columnMapping(imp: ImportRecord): ColumnMapping {
  const m: ColumnMapping = {};
  for (const [field, header] of Object.entries(imp.mapping)) m[field as Field] = imp.headers.indexOf(header!);
  return m;
}

interface ReadDeps {
  imp: ImportRecord;
  staging: Staging;
  state: StagingState;
  queue: Queue;
}

/** Reads the file from the saved offset into staging; every commit carries the offset and counts it covers. */
async function readIntoStaging(ctx: TaskContext, d: ReadDeps): Promise<StagingState> {
  const { imp, staging, queue } = d;
  const state = { ...d.state };
  const validate = createRowValidator({ headers: imp.headers, mapping: columnMapping(imp), decimal: imp.decimal });
  const report: ReportWriter = openReport(imp.errorReport!, imp.headers, state.reportBytes);
  // Errors past the checkpoint will be found again when those rows are read again.
  queue.db.prepare('DELETE FROM job_errors WHERE job_id = ? AND row_number > ?').run(ctx.job.id, state.rowNumber);
  let jobErrors = (queue.db.prepare('SELECT count(*) FROM job_errors WHERE job_id = ?').pluck().get(ctx.job.id) as number) ?? 0;
  let headerPending = state.byteOffset === 0;
  let pendingErrors: { rowNumber: number; code: string; message: string }[] = [];
  let lastProgress = 0;

  const noteError = (rowNumber: number, code: string, message: string) => {
    if (jobErrors + pendingErrors.length < MAX_JOB_ERRORS) pendingErrors.push({ rowNumber, code, message });
  };
  /** Commits one parsed chunk: its rows, its report lines and the offset just past it, in one staging transaction. */
  const stageChunk = (rows: readonly string[][], endByte: number) => {
    staging.commitWith((stage) => {
      for (const row of rows) {
        state.rowNumber++;
        if (headerPending) {
          // Leading blank lines come before the header; the header itself is already known from the plan.
          if (row.every((c) => c.trim() === '')) continue;
          headerPending = false;
          continue;
        }
        const out = validate(row);
        if (out.kind === 'blank') state.blank++;
        else if (out.kind === 'rejected') {
          state.rejected++;
          report.add(state.rowNumber, out.problems, row);
          const p = out.problems[0]!;
          noteError(state.rowNumber, 'row_rejected', `Row ${state.rowNumber}, ${p.column}${p.value ? ` "${p.value.slice(0, 100)}"` : ''}: ${p.reason}`);
        } else {
          state.staged++;
          stage(state.rowNumber, out.product);
          if (out.warnings.length) {
            state.warnings++;
            const w = out.warnings[0]!;
            noteError(state.rowNumber, 'row_warning', `Row ${state.rowNumber}, ${w.column} "${w.value.slice(0, 100)}": ${w.reason}`);
          }
        }
      }
      report.flush();
      state.byteOffset = endByte;
      state.reportBytes = report.bytes;
      return state;
    });
    if (pendingErrors.length) {
      queue.addErrors(ctx.job.id, pendingErrors);
      jobErrors += pendingErrors.length;
      pendingErrors = [];
    }
  };
  const progress = (endByte: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < 250) return;
    lastProgress = now;
    ctx.progress({ total: imp.fileSize, done: endByte, succeeded: state.staged, failed: state.rejected, skipped: state.blank, note: `Reading rows: ${(state.rowNumber - 1).toLocaleString('en-US')} read` });
  };

  try {
    // Line break and byte-order mark are read again from the (unchanged, hash-checked) file rather than stored.
    const { newline, bomLength } = await sniffFile(imp.filePath);
    const { endByte } = await readRecords({
      path: imp.filePath,
      encoding: imp.encoding as FileEncoding,
      delimiter: imp.delimiter as Delimiter,
      newline,
      startByte: headerPending ? bomLength : state.byteOffset,
      onBatch: ({ rows, endByte }) => {
        stageChunk(rows, endByte);
        progress(endByte);
        return ctx.signal.aborted ? 'stop' : undefined;
      },
      onOversized: () => {
        state.rowNumber++;
        state.rejected++;
        const reason = `the row is longer than ${MAX_ROW_CHARS / (1 << 20)} MiB (usually a quote that never closes); it was skipped`;
        report.add(state.rowNumber, reason, []);
        noteError(state.rowNumber, 'row_too_long', `Row ${state.rowNumber}: ${reason}`);
      },
    });
    if (ctx.signal.aborted) return state;
    stageChunk([], endByte);
    progress(endByte, true);

    // Every row is staged: mark in-file duplicates and list them in the report, then mark reading done.
    ctx.progress({ note: 'Finding duplicates' });
    const marked = staging.markDuplicates();
    let duplicates = 0;
    // Listing them reads the whole staging table: only worth it when there are some.
    for (const dup of marked > 0 ? staging.duplicates() : []) {
      duplicates++;
      report.add(dup.row, `duplicate of row ${dup.dupOf} (same ${dup.by === 'barcode' ? 'barcode' : 'name and brand'}); the first row was kept`, rebuildRow(imp, dup));
      if (duplicates % 5000 === 0) report.flush();
    }
    report.flush();
    Object.assign(state, { phase: 'staged', duplicates, reportBytes: report.bytes });
    staging.saveState(state);
    return state;
  } catch (err) {
    if (err instanceof BadFileError) throw new TaskError(err.code, err.message);
    throw err;
  } finally {
    report.close();
  }
}

/** The cells of a duplicate row for the report, rebuilt from what was staged (values as normalized). */
function rebuildRow(imp: ImportRecord, dup: DuplicateRow): string[] {
  const p = dup.product;
  const byField: Partial<Record<Field, unknown>> = {
    gtin: p.gtin14, sku: p.sku, mpn: p.mpn, asin: p.asin, name: p.name, brand: p.brand, category: p.category, cost: p.cost,
    price: p.price, pack_size: p.packSize, currency: p.currency, quantity: p.quantity, image_url: p.imageUrl, description: p.description,
    weight: p.weightLb, length: p.lengthIn, width: p.widthIn, height: p.heightIn,
  };
  return imp.headers.map((h) => {
    const field = (Object.keys(imp.mapping) as Field[]).find((f) => imp.mapping[f] === h);
    const v = field ? byField[field] : p.attributes[h];
    return v === null || v === undefined ? '' : String(v);
  });
}

interface MergeDeps {
  imp: ImportRecord;
  staging: Staging;
  queue: Queue;
  db: Db;
  lease: Lease;
  from: Extract<Checkpoint, { phase: 'merge' }> | null;
  mergeRows: number;
}

/** Merges staging into products range by range; each range commits with the checkpoint that moves past it. */
async function mergeIntoCatalog(ctx: TaskContext, d: MergeDeps): Promise<MergeCounts | null> {
  const { db, queue, lease, imp } = d;
  const schema = `st_${imp.id}`;
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(d.staging.path);
  try {
    const merger = createMerger(db, schema);
    let cp: Extract<Checkpoint, { phase: 'merge' }> = d.from ?? { phase: 'merge', part: 'gtin', lo: '', counts: { created: 0, updated: 0, unchanged: 0 } };
    const total = d.staging.db.prepare('SELECT count(*) FROM staged WHERE dup_of IS NULL').pluck().get() as number;
    for (;;) {
      if (ctx.signal.aborted) return null;
      const hi = merger.nextBound(cp.part, cp.lo, d.mergeRows);
      if (hi === null) {
        if (cp.part === 'key') return cp.counts;
        cp = { ...cp, part: 'key', lo: '' };
        continue;
      }
      const prev = cp;
      cp = queue.checkpointAfter(lease, () => {
        const c = merger.mergeRange(prev.part, imp.id, prev.lo, hi, Date.now());
        return {
          phase: 'merge' as const,
          part: prev.part,
          lo: hi,
          counts: { created: prev.counts.created + c.created, updated: prev.counts.updated + c.updated, unchanged: prev.counts.unchanged + c.unchanged },
        };
      });
      const done = cp.counts.created + cp.counts.updated + cp.counts.unchanged;
      ctx.progress({ total, done, note: `Saving to the catalog: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` });
      // Let cancel messages and heartbeats through between transactions.
      await yieldToLoop();
    }
  } finally {
    db.prepare(`DETACH DATABASE ${schema}`).run();
  }
}
