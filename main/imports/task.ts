import { rmSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import type { EnqueueInput } from '../queue/kinds.ts';
import type { Lease } from '../queue/types.ts';
import { TaskError, type Task, type TaskContext, parsePayload } from '../workers/runtime/task.ts';
import type { Field } from './fields.ts';
import { MappingError, type ColumnMapping } from './mapping.ts';
import { createMappingStore, planImport } from './plan.ts';
import type { HeldRow, ParsedChunk } from './chunks.ts';
import { headerByteOffset } from './header-offset.ts';
import { startParser, type Parser } from './chunk-source.ts';
import type { ParseFileOptions } from './parse-file.ts';
import { ROW_WIDTH, rowProduct, type RowColumns } from './product-row.ts';
import { reportPath } from './data-paths.ts';
import { openReport, type ReportWriter } from './report.ts';
import { BadFileError, sniffFile, type Delimiter, type FileEncoding, type Sniffed } from './sniff.ts';
import { importRequestShape } from './request-schema.ts';
import { createImportStore, fileIdentity, type ImportCounts, type ImportRecord } from './store.ts';
import { createMerger } from './merge.ts';
import { openStaging, stagedProduct, type Staging, type StagedRow } from './staging.ts';
import { adoptLegacyStaging, removeStaging, stagingPath as stagingFile } from './staging-files.ts';
import { createCatalogWriter, type DuplicateFound } from './writer.ts';
import { createRowRouter } from './router.ts';
import { XLSX_ENCODING } from './xlsx/plan.ts';
import { importSupplier, recordImportOffers, type OffersRecorded } from '../suppliers/offers.ts';
import { createSupplierStore, rememberSupplier } from '../suppliers/store.ts';

// The request's fields come from the IPC's schema, so the window and the job check a mapping alike; unknown keys
// are dropped here (not refused), as a payload stored by an older version may carry some.
/** What an `import` job is asked to do. */
export const importPayloadSchema = z.object({
  ...importRequestShape,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** Look up the new and changed barcodes as soon as the import is done (default). */
  lookupAfter: z.boolean().default(true),
  /** Fetch the images of new and changed products when the file has an image column (default). */
  imagesAfter: z.boolean().default(true),
});
export type ImportPayload = z.input<typeof importPayloadSchema>;

/** What a finished import reports (the CLI's `--json` adds jobId, status and elapsedMs). */
export interface ImportResult extends ImportCounts {
  importId: number;
  /**
   * The report of rows needing attention (rejected, duplicates, imported with warnings); null when there are none.
   * Named for what it once held alone; `report` says the same.
   */
  errorReport: string | null;
  /** The same path as `errorReport`. */
  report?: string | null;
  encoding: string;
  delimiter: string;
  decimal: string;
  mapping: Partial<Record<Field, string>>;
  /** The supplier whose list this was and what recording its offers did (absent: the import has no supplier). */
  supplier?: OffersRecorded & { ms: number };
}

/** Where reading stopped and what it did so far: saved in the same transaction as the rows it covers. */
interface ReadState {
  phase: 'reading';
  /** Byte offset of the next record to read (0 = the header is not read yet). */
  byteOffset: number;
  /** Number of the last record consumed (the header is row 1). */
  rowNumber: number;
  counts: Omit<ImportCounts, 'rows'>;
  /** Rows set aside for the merge (counted once merged). */
  staged: number;
  /** Length of the error report covering the rows above. */
  reportBytes: number;
  /** Footer-looking rows read and not yet decided (footers if the file ends after them; see chunks.ts). */
  held?: HeldRow[];
}

/** Merging staged rows: the next range starts after `lo` of `part`. */
interface MergeState {
  phase: 'merging';
  part: 'gtin' | 'key';
  lo: string;
  counts: Omit<ImportCounts, 'rows'>;
  reportBytes: number;
  /**
   * The merge marks every product its staged barcode rows name as seen (createMerger). A merge saved by an earlier
   * version did not: its supplier offers are then found through the staged rows.
   */
  marks?: true;
}

type Checkpoint = ReadState | MergeState | { phase: 'done'; result: ImportResult };

export interface ImportTaskDeps {
  /** The worker's connection to the app database and a queue over it. */
  database(): { db: Db; queue: Queue };
  /** The database file: its staging databases and reports go in folders named for it (see data-paths.ts). */
  dbPath: string;
  /** Rows per merge transaction (reading commits once per parsed chunk of the file). */
  mergeRows?: number;
  /**
   * Jobs to queue once an import changed the catalog (the worker's composition root wires the lookup of new barcodes
   * and the images), committed with the import's last checkpoint.
   */
  followUps?(done: FollowUpContext): EnqueueInput[];
}

/** What a finished import tells whoever queues the next jobs. */
export interface FollowUpContext {
  importId: number;
  /** The payload asked for lookups after the import. */
  lookup: boolean;
  /** The payload asked for images, and the file has an image column. */
  images: boolean;
}

const MAX_JOB_ERRORS = 1000;
// Staged rows per merge transaction. Each commit rewrites the index pages around its range and saves the checkpoint:
// merging 667k staged rows (a shuffled 1M-row list) took 2.3–2.8 s in ranges of 8,000 against 2.8–3.2 s in ranges of
// 2,000 (measured side by side); a range still commits within ~40 ms, so a cancel lands as fast.
const MERGE_ROWS = 8000;
// File bytes per parsed chunk (~160 rows of a typical price list; a transaction writes the chunks waiting, up to
// four). Bigger chunks live long enough on the parsing thread to reach its old generation. Measured at 1M rows
// against 256 KiB: ~20% faster end to end and ~10 MiB less peak memory (smaller batches in flight between the
// threads, and their objects die young); 8 KiB was slower again.
const CHUNK_BYTES = 16 * 1024;

/**
 * The `import` job: sniff, map, then read and validate the file on a thread while rows that extend the catalog are
 * written at once and the rest staged; then dedupe the staged rows and merge them in sorted ranges.
 */
export function createImportTask(deps: ImportTaskDeps): Task<'import'> {
  return async (ctx) => {
    const payload = parsePayload(importPayloadSchema, ctx.job.payload, 'import');
    const { db, queue } = deps.database();
    const imports = createImportStore(db);
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    const cp = ctx.job.checkpoint as Checkpoint | { phase: string } | null;
    if (cp?.phase === 'done') return (cp as Extract<Checkpoint, { phase: 'done' }>).result;

    // The parsing thread boots while the import plans (an import about to merge has no file left to read).
    const parser = cp?.phase === 'merging' ? null : startParser(payload.path);
    try {
      const known = imports.byJob(ctx.job.id);
      const started = known ? null : await startImport(ctx, payload, db, deps.dbPath);
      const imp = known ?? started!.imp;
      try {
        if (cp && cp.phase !== 'reading' && cp.phase !== 'merging') {
          // Saved by an older Pallet that staged rows in a side file: its state cannot be continued here.
          adoptLegacyStaging(deps.dbPath, imp.id);
          removeStaging(stagingFile(deps.dbPath, imp.id));
          throw new TaskError(
            'restart_needed',
            `"${imp.fileName}" was being imported by an older version of Pallet and cannot resume. Undo import #${imp.id}, then import the file again.`,
          );
        }
        const from = cp as ReadState | MergeState | null;
        const result = await runImport(ctx, imp, {
          db,
          queue,
          lease,
          parser,
          sniffed: started?.sniffed ?? null,
          from,
          dbPath: deps.dbPath,
          mergeRows: deps.mergeRows ?? MERGE_ROWS,
          lookupAfter: payload.lookupAfter,
          imagesAfter: payload.imagesAfter,
          followUps: deps.followUps,
        });
        if (result === null && (ctx.signal.reason as Error | undefined)?.message === 'cancel')
          imports.finish(imp.id, 'cancelled', null);
        return result;
      } catch (err) {
        if (err instanceof TaskError && !err.retryable) imports.finish(imp.id, 'failed', null);
        throw err;
      }
    } finally {
      parser?.close();
    }
  };
}

interface RunDeps {
  db: Db;
  queue: Queue;
  lease: Lease;
  /** The parsing thread, started with the task (null for an import that only has its merge left). */
  parser: Parser | null;
  /** What planning found about the file, when this run planned it (a resumed import sniffs it again). */
  sniffed: Sniffed | null;
  from: ReadState | MergeState | null;
  dbPath: string;
  mergeRows: number;
  followUps: ImportTaskDeps['followUps'];
  lookupAfter: boolean;
  imagesAfter: boolean;
}

async function runImport(ctx: TaskContext, imp: ImportRecord, deps: RunDeps): Promise<ImportResult | null> {
  const { db, queue, lease } = deps;
  const imports = createImportStore(db);
  const stagingPath = stagingFile(deps.dbPath, imp.id);
  // An import an earlier version started keeps its staged rows in the shared folder it used.
  if (deps.from && (deps.from.phase === 'merging' || deps.from.staged > 0)) adoptLegacyStaging(deps.dbPath, imp.id);
  const staging = openStaging(stagingPath);
  let merged: MergeState | null;
  try {
    let from = deps.from ?? {
      phase: 'reading',
      byteOffset: 0,
      rowNumber: 0,
      counts: { created: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: 0, blank: 0, warnings: 0, footers: 0 },
      staged: 0,
      reportBytes: 0,
    };
    if (from.phase === 'reading') {
      if (from.byteOffset > 0) await assertUnchanged(imp);
      const read = await readIntoCatalog(ctx, imp, {
        db,
        queue,
        lease,
        staging,
        from,
        parser: deps.parser ?? startParser(),
        sniffed: deps.sniffed,
      });
      if (read === null) return null;
      ctx.progress({ note: 'Finding duplicates' });
      from = listDuplicates(imp, staging, queue, lease, read);
    }
    // The merge reads staging through the catalog's connection: this one's memory goes back first.
    staging.close();
    merged = await mergeIntoCatalog(ctx, { imp, stagingPath, db, queue, lease, from, mergeRows: deps.mergeRows });
  } finally {
    if (staging.db.open) staging.close();
  }
  if (merged === null) return null;
  // The products it changed are those it kept a prior state of (one import_changes row each). The writes counted every
  // trigger's row as a change: migration 020's trigger also writes a history row when it moves a product's cost.
  const kept = db.prepare('SELECT count(*) FROM import_changes WHERE import_id = ?').pluck().get(imp.id) as number;
  const c = { ...merged.counts, updated: kept, unchanged: merged.counts.updated + merged.counts.unchanged - kept };
  const counts: ImportCounts = { rows: c.created + c.updated + c.unchanged + c.duplicates + c.rejected, ...c };
  const report = c.rejected + c.duplicates + c.warnings > 0 ? imp.errorReport : null;
  const result: ImportResult = {
    importId: imp.id,
    ...counts,
    errorReport: report,
    report,
    encoding: imp.encoding,
    delimiter: imp.delimiter,
    decimal: imp.decimal,
    mapping: imp.mapping,
  };
  const changed = c.created + c.updated > 0;
  // The supplier's offers are recorded set-based with the last checkpoint, from the products this import wrote and
  // its staged rows (no per-row work while reading or merging): staging is attached again for that.
  const supplierId = importSupplier(db, imp.id);
  const offersFrom = supplierId !== null ? `st_${imp.id}` : null;
  if (offersFrom) db.prepare(`ATTACH DATABASE ? AS ${offersFrom}`).run(stagingPath);
  try {
    queue.checkpoint(lease, { phase: 'done', result } satisfies Checkpoint, () => {
      imports.finish(imp.id, 'completed', counts);
      if (supplierId !== null) {
        const t0 = performance.now();
        const offers = recordImportOffers(db, {
          importId: imp.id,
          supplierId,
          staging: offersFrom,
          stagedMarked: merged.marks === true,
          created: c.created,
          existing: c.updated + c.unchanged,
          now: Date.now(),
        });
        // Saved with the result (serialized after these writes), so a rerun of the finished job reports it too.
        result.supplier = { ...offers, ms: Math.round(performance.now() - t0) };
      }
      if (!changed || !deps.followUps) return;
      const next = deps.followUps({
        importId: imp.id,
        lookup: deps.lookupAfter,
        images: deps.imagesAfter && Boolean(imp.mapping.image_url),
      });
      for (const input of next) queue.enqueue({ ...input, parentId: ctx.job.id });
    });
  } finally {
    if (offersFrom) db.prepare(`DETACH DATABASE ${offersFrom}`).run();
  }
  removeStaging(stagingPath);
  if (!result.errorReport) rmSync(imp.errorReport!, { force: true });
  return result;
}

async function startImport(
  ctx: TaskContext,
  payload: ImportPayload,
  db: Db,
  dbPath: string,
): Promise<{ imp: ImportRecord; sniffed: Sniffed }> {
  let plan;
  try {
    plan = await planImport(payload.path, payload, db, 50);
  } catch (err) {
    if (err instanceof BadFileError || err instanceof MappingError)
      throw new TaskError(err instanceof BadFileError ? err.code : 'bad_mapping', err.message);
    throw err;
  }
  if (payload.rememberMapping)
    createMappingStore(db).save(plan.fingerprint, plan.headers, plan.mapping, plan.decimal, plan.headerRow);
  for (const w of plan.warnings) ctx.log.warn(w);
  const { size, hash } = await fileIdentity(payload.path);
  const store = createImportStore(db);
  const rec = store.create({
    jobId: ctx.job.id,
    fileName: plan.fileName,
    filePath: payload.path,
    fileSize: size,
    fileHash: hash,
    // xlsx: a workbook's import is marked in its encoding, so a resume reads it by sheet again.
    encoding: plan.xlsx ? XLSX_ENCODING : plan.sniffed.encoding,
    delimiter: plan.sniffed.delimiter,
    decimal: plan.decimal,
    headers: plan.headers,
    headerRow: plan.headerRow,
    mapping: plan.previewMapping,
    fingerprint: plan.fingerprint,
    errorReport: null,
  });
  const errorReport = reportPath(dbPath, rec.id);
  // Products it creates get ids past the catalog's last: its offers on them are read from them (offer-rows.ts).
  db.prepare(
    'UPDATE imports SET error_report = ?, created_from = (SELECT coalesce(max(id), 0) + 1 FROM products) WHERE id = ?',
  ).run(errorReport, rec.id);
  if (plan.supplier) {
    const supplierId = createSupplierStore(db).ensure(plan.supplier);
    db.prepare('UPDATE imports SET supplier_id = ? WHERE id = ?').run(supplierId, rec.id);
    if (payload.rememberMapping) rememberSupplier(db, plan.fingerprint, plan.supplier);
  }
  return { imp: { ...rec, errorReport }, sniffed: plan.sniffed };
}

/** A resume reads on from a byte offset: only sound if the file is still the one the import started on. */
async function assertUnchanged(imp: ImportRecord): Promise<void> {
  let now;
  try {
    now = await fileIdentity(imp.filePath);
  } catch {
    throw new TaskError(
      'file_missing',
      `"${imp.fileName}" is no longer at ${imp.filePath}: the import cannot resume. Start it again.`,
    );
  }
  if (now.size !== imp.fileSize || now.hash !== imp.fileHash) {
    throw new TaskError(
      'file_changed',
      `"${imp.fileName}" changed since the import started: resuming could skip or double rows. Start the import again.`,
    );
  }
}

function columnMapping(imp: ImportRecord): ColumnMapping {
  const m: ColumnMapping = {};
  for (const [field, header] of Object.entries(imp.mapping)) m[field as Field] = imp.headers.indexOf(header!);
  return m;
}

interface ReadDeps {
  db: Db;
  queue: Queue;
  lease: Lease;
  staging: Staging;
  from: ReadState;
  parser: Parser;
  sniffed: Sniffed | null;
}

/**
 * Reads the file from the saved offset and writes its rows into the catalog: one transaction per parsed chunk
 * carries the rows, the error report's length and the offset just past them. Returns null when stopped.
 */
async function readIntoCatalog(ctx: TaskContext, imp: ImportRecord, d: ReadDeps): Promise<ReadState | null> {
  const { db, queue, lease, staging } = d;
  let state = d.from;
  const report: ReportWriter = openReport(imp.errorReport!, imp.headers, state.reportBytes);
  // Errors past the checkpoint will be found again when those rows are read again.
  queue.trimErrorsAfterRow(ctx.job.id, state.rowNumber);
  const jobErrors = queue.errorCount(ctx.job.id);
  const writer = createCatalogWriter(db, imp.id);
  const router = createRowRouter(db);
  // Rows staged before a resume: a later row repeating one of them is staged too (the first row wins).
  if (state.staged > 0) router.staged(staging.barcodes());
  let lastProgress = 0;

  /**
   * Commits chunks in one transaction: rows that extend the catalog's barcodes go in at once with their report
   * lines, errors and the state just past the last chunk; the rest are staged first (staged again harmlessly if this
   * commit is lost).
   */
  const writeChunks = (chunks: readonly ParsedChunk[]) => {
    for (const chunk of chunks) reportChunk(report, chunk);
    const end = chunks[chunks.length - 1]!;
    state = queue.checkpointAfter(lease, (): ReadState => {
      // Routed inside the transaction: the router's lookups of the catalog then take no read locks of their own.
      // Staged rows commit first, in the staging file (staged again harmlessly if this transaction is lost).
      const appends: { rows: readonly unknown[]; columns: RowColumns }[] = [];
      const toStage: (readonly unknown[])[] = [];
      let staged = 0;
      for (const chunk of chunks) {
        const { append, stage } = router.split(chunk.barcoded, chunk.keys);
        toStage.push(stage, chunk.keyed);
        // The chunk's columns hold for any part of its rows (see RowColumns).
        appends.push({ rows: append, columns: chunk.columns });
        staged += (stage.length + chunk.keyed.length) / ROW_WIDTH;
      }
      staging.stage(...toStage);
      const now = Date.now();
      const c = { ...state.counts };
      const duplicates: DuplicateFound[] = [];
      for (const append of appends) {
        const w = writer.write(append.rows, now, append.columns);
        c.created += w.created;
        c.updated += w.updated;
        c.unchanged += w.unchanged;
        duplicates.push(...w.duplicates);
      }
      for (const dup of duplicates.sort((a, b) => a.row - b.row)) {
        report.add(
          dup.row,
          'error',
          duplicateReason(dup.dupOf, 'barcode'),
          rebuildRow(imp, rowProduct(dup.values, dup.offset)),
        );
      }
      report.flush();
      const notes = chunks.flatMap((chunk) =>
        chunk.notes.map((n) => ({ rowNumber: n.row, code: n.code, message: n.message })),
      );
      if (notes.length) queue.addErrors(ctx.job.id, notes);
      for (const chunk of chunks) {
        c.rejected += chunk.rejected.length;
        c.blank += chunk.blank;
        c.warnings += chunk.warned;
        // A checkpoint saved before footers were counted has none.
        c.footers = (c.footers ?? 0) + chunk.footers;
      }
      c.duplicates += duplicates.length;
      return {
        phase: 'reading',
        byteOffset: end.endByte,
        rowNumber: end.rowNumber,
        counts: c,
        staged: state.staged + staged,
        reportBytes: report.bytes,
        held: end.held,
      };
    });
  };
  const progress = (endByte: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < 250) return;
    lastProgress = now;
    const c = state.counts;
    ctx.progress({
      total: imp.fileSize,
      done: endByte,
      succeeded: c.created + c.updated + c.unchanged + state.staged,
      failed: c.rejected,
      skipped: c.blank + c.duplicates,
      note: `Reading rows: ${Math.max(0, state.rowNumber - 1).toLocaleString('en-US')} read`,
    });
  };

  writer.begin();
  try {
    // Line break and byte-order mark: as planning just found them, or read again from the (unchanged, hash-checked)
    // file rather than stored.
    // xlsx: a workbook has no text to sniff; its sheet and header row come from the payload (or are found again).
    const payload = ctx.job.payload as { sheet?: string; headerRow?: number };
    const xlsx =
      imp.encoding === XLSX_ENCODING ? { sheet: payload.sheet ?? null, headerRow: payload.headerRow } : undefined;
    const sniffed = d.sniffed ?? (xlsx ? null : await sniffFile(imp.filePath));
    const { newline, bomLength } = sniffed ?? { newline: '\n' as const, bomLength: 0 };
    // A fresh read of a CSV starts at its header's line (rows above it are a title: never parsed); should the sample
    // not reach it, from the top, and the chunk parser skips down to it. Row numbers stay the file's own either way.
    const csvHeaderRow = xlsx ? null : imp.headerRow;
    const headerAt =
      sniffed && !xlsx && state.byteOffset === 0 && csvHeaderRow !== null
        ? headerByteOffset(sniffed, csvHeaderRow)
        : null;
    const options: ParseFileOptions = {
      path: imp.filePath,
      encoding: imp.encoding as FileEncoding,
      delimiter: imp.delimiter as Delimiter,
      newline,
      startByte: state.byteOffset > 0 ? state.byteOffset : (headerAt ?? bomLength),
      chunkBytes: CHUNK_BYTES,
      headers: imp.headers,
      mapping: columnMapping(imp),
      decimal: imp.decimal,
      rowNumber: headerAt !== null ? csvHeaderRow! - 1 : state.rowNumber,
      headerRow: csvHeaderRow,
      held: state.held,
      noteBudget: MAX_JOB_ERRORS - jobErrors,
      xlsx,
    };
    const { stopped } = await d.parser.read(options, (chunks) => {
      writeChunks(chunks);
      progress(state.byteOffset);
      return ctx.signal.aborted ? 'stop' : undefined;
    });
    if (stopped || ctx.signal.aborted) return null;
    progress(state.byteOffset, true);
    return state;
  } catch (err) {
    if (err instanceof BadFileError) throw new TaskError(err.code, err.message);
    throw err;
  } finally {
    d.parser.close();
    writer.end();
    report.close();
  }
}

/** Lists a chunk's rejected rows (errors) and rows kept with warnings in the report, in row order. */
function reportChunk(report: ReportWriter, chunk: ParsedChunk): void {
  const { rejected, warnedRows } = chunk;
  let i = 0;
  let j = 0;
  while (i < rejected.length || j < warnedRows.length) {
    if (j >= warnedRows.length || (i < rejected.length && rejected[i]!.row < warnedRows[j]!.row)) {
      const r = rejected[i++]!;
      report.add(r.row, 'error', r.problems, r.cells);
    } else {
      const w = warnedRows[j++]!;
      report.add(w.row, 'warning', w.warnings, w.cells);
    }
  }
}

const duplicateReason = (dupOf: number, by: 'barcode' | 'name_brand') =>
  `duplicate of row ${dupOf} (same ${by === 'barcode' ? 'barcode' : 'name and brand'}); the first row was kept`;

/** Marks in-file duplicates among staged rows and lists them in the report; then merging can start. */
function listDuplicates(imp: ImportRecord, staging: Staging, queue: Queue, lease: Lease, read: ReadState): MergeState {
  const report = openReport(imp.errorReport!, imp.headers, read.reportBytes);
  try {
    let duplicates = 0;
    // A staged group's first row may itself repeat a row written while reading: that row is the one kept.
    const seenRow = queue.db
      .prepare<[string, number], number>('SELECT seen_row FROM products WHERE gtin14 = ? AND seen_import_id = ?')
      .pluck();
    // Listing them reads the whole staging table: only worth it when there are some.
    for (const dup of staging.markDuplicates() > 0 ? staging.duplicates() : []) {
      duplicates++;
      const kept = dup.product.gtin14 ? seenRow.get(dup.product.gtin14, imp.id) : undefined;
      report.add(
        dup.row,
        'error',
        duplicateReason(kept !== undefined && kept < dup.dupOf ? kept : dup.dupOf, dup.by),
        rebuildRow(imp, dup.product),
      );
      if (duplicates % 5000 === 0) report.flush();
    }
    report.flush();
    const next: MergeState = {
      phase: 'merging',
      part: 'gtin',
      lo: '',
      counts: { ...read.counts, duplicates: read.counts.duplicates + duplicates },
      reportBytes: report.bytes,
      marks: true,
    };
    queue.checkpoint(lease, next);
    return next;
  } finally {
    report.close();
  }
}

interface MergeDeps {
  imp: ImportRecord;
  stagingPath: string;
  queue: Queue;
  db: Db;
  lease: Lease;
  from: MergeState;
  mergeRows: number;
}

/** Merges staging into products range by range; each range commits with the checkpoint that moves past it. */
async function mergeIntoCatalog(ctx: TaskContext, d: MergeDeps): Promise<MergeState | null> {
  const { db, queue, lease, imp } = d;
  const schema = `st_${imp.id}`;
  const report = openReport(imp.errorReport!, imp.headers, d.from.reportBytes);
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(d.stagingPath);
  const productAt = db.prepare(`SELECT * FROM ${schema}.staged WHERE row = ?`);
  // The merge keeps prior states for undo through the writer's trigger, as reading does.
  const undoTrigger = createCatalogWriter(db, imp.id);
  undoTrigger.begin();
  try {
    const merger = createMerger(db, schema);
    let cp = d.from;
    const total = db.prepare(`SELECT count(*) FROM ${schema}.staged WHERE dup_of IS NULL`).pluck().get() as number;
    let done = 0;
    for (;;) {
      if (ctx.signal.aborted) return null;
      const hi = merger.nextBound(cp.part, cp.lo, d.mergeRows);
      if (hi === null) {
        if (cp.part === 'key') return cp;
        cp = { ...cp, part: 'key', lo: '' };
        continue;
      }
      const prev = cp;
      cp = queue.checkpointAfter(lease, (): MergeState => {
        // Staged rows repeating a row this import appended while reading are duplicates, listed like the others.
        const seen = prev.part === 'gtin' ? merger.seenRows(imp.id, prev.lo, hi) : [];
        const repeats = seen.filter((s) => s.dupOf !== s.row);
        for (const s of repeats)
          report.add(
            s.row,
            'error',
            duplicateReason(s.dupOf, 'barcode'),
            rebuildRow(imp, stagedProduct(productAt.get(s.row) as StagedRow)),
          );
        report.flush();
        const c = merger.mergeRange(prev.part, imp.id, prev.lo, hi, Date.now());
        const n = prev.counts;
        return {
          ...prev,
          lo: hi,
          counts: {
            ...n,
            created: n.created + c.created,
            updated: n.updated + c.updated,
            unchanged: n.unchanged + c.unchanged,
            duplicates: n.duplicates + repeats.length,
          },
          reportBytes: report.bytes,
        };
      });
      done = Math.min(total, done + d.mergeRows);
      ctx.progress({
        total,
        done,
        note: `Saving to the catalog: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`,
      });
      // Let cancel messages and heartbeats through between transactions.
      await yieldToLoop();
    }
  } finally {
    undoTrigger.end();
    db.prepare(`DETACH DATABASE ${schema}`).run();
    report.close();
  }
}

/** The cells of a duplicate row for the report, rebuilt from its validated values (as normalized). */
function rebuildRow(imp: ImportRecord, p: ReturnType<typeof rowProduct>): string[] {
  const byField: Partial<Record<Field, unknown>> = {
    gtin: p.gtin14,
    sku: p.sku,
    mpn: p.mpn,
    asin: p.asin,
    name: p.name,
    brand: p.brand,
    category: p.category,
    cost: p.cost,
    price: p.price,
    pack_size: p.packSize,
    currency: p.currency,
    quantity: p.quantity,
    image_url: p.imageUrl,
    description: p.description,
    weight: p.weightLb,
    length: p.lengthIn,
    width: p.widthIn,
    height: p.heightIn,
  };
  return imp.headers.map((h) => {
    const field = (Object.keys(imp.mapping) as Field[]).find((f) => imp.mapping[f] === h);
    const v = field ? byField[field] : p.attributes[h];
    return v === null || v === undefined ? '' : String(v);
  });
}
