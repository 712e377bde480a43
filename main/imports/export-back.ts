// An import's list given back in its own shape: the file's rows in the file's order with all its columns (unmapped
// ones too), then Pallet's figures for each row, as CSV or as a workbook. Rows are not stored, so the original file
// is read again (its identity checked) through the import's own chunk parser: title rows, the header, blank rows and
// footers are skipped exactly as the import skipped them, and each row is keyed to its product as the import keyed it.
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Db } from '../db/open.ts';
import { toCsv } from '../files/csv-out.ts';
import { writeErrorMessage } from '../files/write-errors.ts';
import { createChunkParser, type ChunkParser, type ParsedChunk } from './chunks.ts';
import type { Field } from './fields.ts';
import { headerByteOffset } from './header-offset.ts';
import { uniqueHeaders, type ColumnMapping } from './mapping.ts';
import { ROW_COLUMNS, ROW_WIDTH } from './product-row.ts';
import { readRecords } from './reader.ts';
import { describeProblems } from './report.ts';
import { BadFileError, sniffFile, type Delimiter, type FileEncoding } from './sniff.ts';
import { createImportStore, fileIdentity, type ImportRecord } from './store.ts';
import { XLSX_ENCODING } from './xlsx/plan.ts';
import { padRow, readSheetRows } from './xlsx/rows.ts';
import { locateTable, type LocatedTable } from './xlsx/table.ts';
import { openWorkbook, type Workbook } from './xlsx/workbook.ts';
import { createXlsxWriter, type OutCell } from './xlsx/write.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Pallet's columns after the file's own (percentages in points, as the products export writes them). */
export const PALLET_COLUMNS = [
  'ASIN',
  'Title',
  'Buy Box',
  'Referral fee',
  'FBA fee',
  'Total fees',
  'Profit',
  'Margin %',
  'ROI %',
  'Sales rank',
  'Est. monthly sales',
  'Verdict',
  'Reasons',
] as const;

/** Why an export could not be made, in words a person acts on; `code` lets the CLI and IPC pick their answer. */
export class ExportBackError extends Error {
  constructor(
    readonly code:
      'not_found' | 'not_ready' | 'source_missing' | 'source_changed' | 'bad_source' | 'bad_format' | 'write_failed',
    message: string,
  ) {
    super(message);
    this.name = 'ExportBackError';
  }
}

/** The format asked for, else the one the file name's extension says; a clear error when neither tells or they differ. */
export function exportFormatOf(out: string, asked?: string): ExportFormat {
  const ext = extname(out).slice(1).toLowerCase();
  const known = (f: string): f is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(f);
  if (asked !== undefined) {
    const f = asked.trim().toLowerCase();
    if (!known(f)) throw new ExportBackError('bad_format', `"${asked}" is not an export format: use csv or xlsx.`);
    if (known(ext) && ext !== f)
      throw new ExportBackError('bad_format', `${basename(out)} ends in .${ext} but the format asked for is ${f}.`);
    return f;
  }
  if (known(ext)) return ext;
  throw new ExportBackError(
    'bad_format',
    `Cannot tell the format from "${basename(out)}": name the file .csv or .xlsx, or give the format (csv or xlsx).`,
  );
}

export interface ExportBackOptions {
  format?: ExportFormat;
  /** Replace an existing file (the save dialog asked already); otherwise an existing file is an error. */
  overwrite?: boolean;
  marketplace?: string;
}

export interface ExportBackResult {
  path: string;
  format: ExportFormat;
  /** Rows written below the header: the file's data rows, in its order. */
  rows: number;
  /** Of those, rows joined to a product of the catalog. */
  matched: number;
  /** Rows the import rejected (their reason in Reasons). */
  rejected: number;
  /** Rows the import kept whose product is no longer in the catalog (an undo, or removed since). */
  missing: number;
}

// A row's text that is a plain amount or count (no leading zero, at most 7 digits before the point): written as a
// number. Longer digit runs are codes (barcodes, item numbers), kept as text like every identifier column.
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d{0,6})(?:\.\d{1,9})?$/;
const ID_FIELDS: readonly Field[] = ['gtin', 'gtin_alt', 'sku', 'mpn', 'asin'];
const pct = (x: unknown) => (typeof x === 'number' ? Math.round(x * 1000) / 10 : null);

/** A row of the file and what the import made of it, waiting its turn to be written in file order. */
interface Entry {
  row: number;
  cells: string[];
  held: boolean;
  outcome?:
    | { kind: 'product'; gtin14: string | null; key: string | null }
    | { kind: 'rejected'; reason: string }
    | { kind: 'skip' };
}

interface Sink {
  /** Cells carry types (a workbook): the file's amounts go in as numbers. A CSV keeps the file's own text. */
  readonly typed: boolean;
  write(rows: readonly (readonly OutCell[])[]): void;
  readonly behind: boolean;
  settle(): Promise<void>;
  /** Writes what is left and closes the file. */
  finish(): Promise<void>;
  /** Closes the file after a failure. */
  abort(): Promise<void>;
}

/**
 * Writes import `importId`'s rows back (see the top of this file) to `out`, through a temporary file renamed into
 * place at the end: a failed or stopped export never leaves a half-written file under the asked name.
 */
export async function exportImportBack(
  db: Db,
  importId: number,
  out: string,
  opts: ExportBackOptions = {},
): Promise<ExportBackResult> {
  const imp = createImportStore(db).get(importId);
  if (!imp) throw new ExportBackError('not_found', `There is no import #${importId}.`);
  if (imp.status === 'running' || imp.status === 'undoing')
    throw new ExportBackError(
      'not_ready',
      `Import #${importId} (${imp.fileName}) is still ${imp.status === 'running' ? 'running' : 'being undone'}: export it once it is done.`,
    );
  const format = exportFormatOf(out, opts.format);
  await assertSameFile(imp);
  if (!opts.overwrite && (await stat(out).catch(() => null)))
    throw new ExportBackError('write_failed', writeErrorMessage(out, Object.assign(new Error(), { code: 'EEXIST' })));

  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.partial`);
  const writeFailed = (err: unknown) =>
    err instanceof ExportBackError
      ? err
      : new ExportBackError('write_failed', writeErrorMessage(out, err as NodeJS.ErrnoException));
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'wx');
  } catch (err) {
    throw writeFailed(err);
  }
  const sink = format === 'csv' ? csvSink(fh) : xlsxSink(fh, imp.fileName.replace(/\.[^.]*$/, ''));
  let finished = false;
  let done = false;
  try {
    const counts = await writeRows(db, imp, sink, opts.marketplace ?? 'US', writeFailed);
    try {
      await sink.finish();
      finished = true;
      await rename(tmp, out);
    } catch (err) {
      throw writeFailed(err);
    }
    done = true;
    return { path: out, format, ...counts };
  } finally {
    if (!done) {
      if (!finished) await sink.abort().catch(() => {});
      await rm(tmp, { force: true }).catch(() => {});
    }
  }
}

/** The file is read again: it must still be the one imported (same size and hash as the import recorded). */
async function assertSameFile(imp: ImportRecord): Promise<void> {
  let now;
  try {
    now = await fileIdentity(imp.filePath);
  } catch {
    throw new ExportBackError(
      'source_missing',
      `"${imp.fileName}" is no longer at ${imp.filePath}: Pallet reads the list from there to export it in its own shape. Put it back, or import it again.`,
    );
  }
  if (now.size !== imp.fileSize || now.hash !== imp.fileHash)
    throw new ExportBackError(
      'source_changed',
      `"${imp.fileName}" at ${imp.filePath} changed since import #${imp.id}: its rows may no longer be the ones imported. Import it again, then export that import.`,
    );
}

/** CSV through synchronous writes (bounded memory: nothing waits in a stream), with a BOM so Excel reads UTF-8. */
function csvSink(fh: FileHandle): Sink {
  let pos = 0;
  const put = (text: string) => {
    const buf = Buffer.from(text, 'utf8');
    for (let off = 0; off < buf.length;) off += writeSync(fh.fd, buf, off, buf.length - off, pos + off);
    pos += buf.length;
  };
  let first = true;
  return {
    typed: false,
    write(rows) {
      if (rows.length === 0) return;
      const cells = rows.map((r) => r.map((c) => (typeof c === 'string' && isPlainNumber(c, true) ? Number(c) : c)));
      put((first ? '\ufeff' : '') + toCsv(cells));
      first = false;
    },
    behind: false,
    settle: async () => {},
    finish: () => fh.close(),
    abort: () => fh.close(),
  };
}

function xlsxSink(fh: FileHandle, sheet: string): Sink {
  const w = createXlsxWriter(fh, sheet);
  return {
    typed: true,
    write: (rows) => rows.forEach((r) => w.add(r)),
    get behind() {
      return w.behind;
    },
    settle: () => w.settle(),
    finish: () => w.finish(),
    abort: () => w.abort(),
  };
}

/**
 * Whether a text is written as a number. In CSV only when the number prints back as the same text: a negative amount
 * then stays a number, never a text the formula guard would prefix with `'`.
 */
function isPlainNumber(text: string, exact: boolean): boolean {
  return PLAIN_NUMBER.test(text) && (!exact || String(Number(text)) === text);
}

/** Reads the file again and writes its header and rows with Pallet's columns; returns the counts. */
async function writeRows(
  db: Db,
  imp: ImportRecord,
  sink: Sink,
  marketplace: string,
  writeFailed: (err: unknown) => ExportBackError,
): Promise<Omit<ExportBackResult, 'path' | 'format'>> {
  const width = imp.headers.length;
  const mapping: ColumnMapping = {};
  for (const [field, header] of Object.entries(imp.mapping)) mapping[field as Field] = imp.headers.indexOf(header!);
  const idColumns = new Set(ID_FIELDS.map((f) => mapping[f]).filter((i): i is number => i !== undefined && i >= 0));
  const pallet = palletColumns(db, marketplace);
  const counts = { rows: 0, matched: 0, rejected: 0, missing: 0 };
  const queue: Entry[] = [];
  let pending: OutCell[][] = [];

  const sourceCells = (cells: readonly string[]): OutCell[] => {
    const row: OutCell[] = [];
    for (let i = 0; i < width; i++) {
      const c = cells[i] ?? '';
      row.push(sink.typed && c !== '' && !idColumns.has(i) && isPlainNumber(c, false) ? Number(c) : c);
    }
    return row;
  };
  const writeHeader = (raw: readonly string[]) => {
    const header = imp.headers.map((h, i) => (raw[i]?.trim() ? raw[i]! : h));
    pending.push([...header, ...PALLET_COLUMNS]);
  };
  /** Takes what the parser decided for the rows read so far, then queues the decided rows at the front, in order. */
  const decide = (chunk: ParsedChunk) => {
    const kept = new Map<number, { gtin14: string | null; key: string | null }>();
    for (const flat of [chunk.barcoded, chunk.keyed])
      for (let i = 0; i < flat.length; i += ROW_WIDTH)
        kept.set(flat[i + ROW_WIDTH - 1] as number, {
          gtin14: flat[i + GTIN_AT] as string | null,
          key: flat[i + KEY_AT] as string | null,
        });
    const rejected = new Map(
      chunk.rejected.map((r) => [r.row, typeof r.problems === 'string' ? r.problems : describeProblems(r.problems)]),
    );
    const held = new Set(chunk.held.map((h) => h.row));
    for (const e of queue) {
      if (e.outcome) continue;
      const k = kept.get(e.row);
      const reason = rejected.get(e.row);
      e.held = false;
      if (k) e.outcome = { kind: 'product', ...k };
      else if (reason !== undefined) e.outcome = { kind: 'rejected', reason };
      else if (held.has(e.row)) e.held = true;
      else e.outcome = { kind: 'skip' }; // title, header, blank, or a footer at the end
    }
    let end = 0;
    while (end < queue.length && queue[end]!.outcome) end++;
    const gtins: string[] = [];
    for (let i = 0; i < end; i++) {
      const o = queue[i]!.outcome!;
      if (o.kind === 'product' && o.gtin14) gtins.push(o.gtin14);
    }
    pallet.load(gtins);
    let n = 0;
    for (; n < end; n++) {
      const e = queue[n]!;
      const o = e.outcome!;
      if (o.kind === 'skip') continue;
      counts.rows++;
      if (o.kind === 'rejected') {
        counts.rejected++;
        pending.push([...sourceCells(e.cells), ...pallet.empty(`Not imported: ${o.reason}`)]);
        continue;
      }
      const p = pallet.of(o.gtin14, o.key);
      if (p) counts.matched++;
      else counts.missing++;
      pending.push([
        ...sourceCells(e.cells),
        ...(p ??
          pallet.empty('Not in the catalog now (the import did not finish, was undone, or the product was removed).')),
      ]);
    }
    queue.splice(0, n);
    flush();
  };
  const flush = () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    try {
      sink.write(rows);
    } catch (err) {
      throw writeFailed(err);
    }
  };
  const settle = async () => {
    try {
      await sink.settle();
    } catch (err) {
      throw writeFailed(err);
    }
  };

  try {
    const feed: Feed = { writeHeader, decide, queue, settle, isBehind: () => sink.behind };
    if (imp.encoding === XLSX_ENCODING) await readWorkbook(db, imp, feed);
    else await readCsv(imp, feed);
  } catch (err) {
    if (err instanceof BadFileError) throw new ExportBackError('bad_source', err.message);
    throw err;
  }
  flush();
  return counts;
}

const GTIN_AT = ROW_COLUMNS.indexOf('gtin14');
const KEY_AT = ROW_COLUMNS.indexOf('name_brand_key');

interface Feed {
  writeHeader(raw: readonly string[]): void;
  decide(chunk: ParsedChunk): void;
  queue: Entry[];
  /** The output is behind: pause reading and `settle`. */
  isBehind(): boolean;
  settle(): Promise<void>;
}

/** Queues rows numbered from `first` and lets the import's parser decide them. */
function feedRows(parser: ChunkParser, feed: Feed, rows: string[][], first: number, last = false): void {
  rows.forEach((cells, i) => feed.queue.push({ row: first + i, cells, held: false }));
  feed.decide(parser.parse(rows, 0, last));
}

/** A CSV read as the import read it: from its header's line, paused whenever the output is behind. */
async function readCsv(imp: ImportRecord, feed: Feed): Promise<void> {
  const sniffed = await sniffFile(imp.filePath);
  const headerAt = imp.headerRow !== null ? headerByteOffset(sniffed, imp.headerRow) : null;
  let rowNumber = headerAt !== null ? imp.headerRow! - 1 : 0;
  const headerRow = imp.headerRow ?? 1;
  const parser = createChunkParser({
    headers: imp.headers,
    mapping: columnMapping(imp),
    decimal: imp.decimal,
    rowNumber,
    headerRow: imp.headerRow,
    noteBudget: 0,
  });
  let header = false;
  let start = headerAt ?? sniffed.bomLength;
  for (;;) {
    let paused = false;
    const { endByte, stopped } = await readRecords({
      path: imp.filePath,
      encoding: imp.encoding as FileEncoding,
      delimiter: imp.delimiter as Delimiter,
      newline: sniffed.newline,
      startByte: start,
      onBatch: ({ rows }) => {
        const first = rowNumber + 1;
        for (const r of rows) {
          rowNumber++;
          // The header is the first non-blank row from its line on, as the chunk parser finds it.
          if (!header && rowNumber >= headerRow && r.some((c) => c.trim() !== '')) {
            header = true;
            feed.writeHeader(r);
          }
        }
        feedRows(parser, feed, rows, first);
        if (feed.isBehind()) {
          paused = true;
          return 'stop';
        }
        return undefined;
      },
      onOversized: () => {
        // Skipped by the reader as by the import: rejected, its cells unknown.
        feed.queue.push({ row: ++rowNumber, cells: [], held: false });
        parser.oversized();
      },
    });
    if (stopped && paused) {
      await feed.settle();
      start = endByte;
      continue;
    }
    break;
  }
  if (!header) feed.writeHeader(imp.headers);
  feedRows(parser, feed, [], rowNumber + 1, true);
}

/** The import's sheet (named in its job, else the sheet whose header row still holds the import's headers). */
async function readWorkbook(db: Db, imp: ImportRecord, feed: Feed): Promise<void> {
  const wb = await openWorkbook(imp.filePath);
  try {
    const table = await importedTable(db, wb, imp);
    feed.writeHeader(table.rows[table.headerRow - 1] ?? []);
    const parser = createChunkParser({
      headers: imp.headers,
      mapping: columnMapping(imp),
      decimal: imp.decimal,
      rowNumber: table.headerRow,
      headerRow: null,
      noteBudget: 0,
    });
    let next = table.headerRow + 1;
    await readSheetRows(wb, table.sheet, {
      after: table.headerRow,
      batchRows: 500,
      pause: () => (feed.isBehind() ? feed.settle() : null),
      onRows: (rows) => {
        for (const r of rows) padRow(r, imp.headers.length);
        feedRows(parser, feed, rows, next);
        next += rows.length;
      },
    });
    feedRows(parser, feed, [], next, true);
    await feed.settle();
  } finally {
    await wb.close();
  }
}

async function importedTable(db: Db, wb: Workbook, imp: ImportRecord): Promise<LocatedTable> {
  const payload = imp.jobId
    ? (db.prepare('SELECT payload FROM jobs WHERE id = ?').pluck().get(imp.jobId) as string | undefined)
    : undefined;
  const asked = payload ? ((JSON.parse(payload) as { sheet?: string }).sheet ?? null) : null;
  const same = (t: LocatedTable) =>
    JSON.stringify(uniqueHeaders(t.rows[t.headerRow - 1] ?? [])) === JSON.stringify(imp.headers);
  const headerRow = imp.headerRow ?? undefined;
  const first = await locateTable(wb, asked, 0, headerRow).catch(() => null);
  if (first && same(first)) return first;
  // The job (and the sheet it named) may be gone: the sheet holding the import's header row is the one.
  for (const s of wb.sheets) {
    const t = await locateTable(wb, s.name, 0, headerRow).catch(() => null);
    if (t && same(t)) return t;
  }
  throw new ExportBackError(
    'source_changed',
    `No sheet of "${imp.fileName}" holds the columns import #${imp.id} read: export cannot find its rows.`,
  );
}

function columnMapping(imp: ImportRecord): ColumnMapping {
  const m: ColumnMapping = {};
  for (const [field, header] of Object.entries(imp.mapping)) m[field as Field] = imp.headers.indexOf(header!);
  return m;
}

/** Pallet's cells for a row's product, found by the key the import used (barcode, else name and brand). */
function palletColumns(db: Db, marketplace: string) {
  // Verdicts come with migration 011; before it, the analysis's reasons alone.
  const cols = new Set((db.prepare('PRAGMA table_info(analyses)').all() as { name: string }[]).map((c) => c.name));
  const verdict = cols.has('verdict') ? 'a.verdict' : 'NULL';
  const verdictReasons = cols.has('verdict_reasons') ? 'a.verdict_reasons' : 'NULL';
  // The title: Amazon's for the ASIN where its catalog answer is kept (migration 011), else the product's own name.
  const items = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_items'").get();
  const title = items
    ? 'coalesce((SELECT ci.title FROM catalog_items ci WHERE ci.asin = p.asin AND ci.marketplace = @m), p.name)'
    : 'p.name';
  const select = `SELECT p.asin, ${title} AS name, p.amazon_price, a.referral_fee, a.fulfillment_fee, a.total_fees, a.profit,
      a.margin, a.roi, coalesce(a.sales_rank, p.sales_rank) AS rank, a.est_sales_mid, ${verdict} AS verdict,
      ${verdictReasons} AS verdict_reasons, a.reasons
    FROM products p LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = @m`;
  // A chunk's barcodes in one statement (a statement per row cost ~8 µs of the export's ~20).
  const byGtins = db.prepare(
    `${select.replace('SELECT ', 'SELECT p.gtin14 AS gtin_key, ')} WHERE p.gtin14 IN (SELECT value FROM json_each(@list))`,
  );
  const byKey = db.prepare(
    `${select} WHERE p.id = (SELECT min(id) FROM products WHERE name_brand_key = @key AND gtin14 IS NULL)`,
  );
  const list = (json: unknown): string | null => {
    if (typeof json !== 'string') return null;
    try {
      const v = JSON.parse(json) as unknown;
      // Reasons are texts, or (verdicts) objects with a `text`.
      const text = (x: unknown) =>
        typeof x === 'object' && x !== null && typeof (x as { text?: unknown }).text === 'string'
          ? (x as { text: string }).text
          : typeof x === 'string'
            ? x
            : JSON.stringify(x);
      return Array.isArray(v) ? v.map(text).join('; ') : text(v);
    } catch {
      return json;
    }
  };
  let found = new Map<string, Record<string, unknown>>();
  return {
    /** Loads the products of these barcodes, for the `of` calls that follow (one chunk's rows). */
    load(gtins: readonly string[]): void {
      found = new Map();
      if (gtins.length === 0) return;
      for (const r of byGtins.all({ m: marketplace, list: JSON.stringify(gtins) }) as Record<string, unknown>[])
        found.set(r.gtin_key as string, r);
    },
    of(gtin14: string | null, key: string | null): OutCell[] | null {
      const r = (gtin14 ? found.get(gtin14) : key ? byKey.get({ m: marketplace, key }) : undefined) as
        Record<string, unknown> | undefined;
      if (!r) return null;
      const num = (v: unknown) => (typeof v === 'number' ? v : null);
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
      return [
        str(r.asin),
        str(r.name),
        num(r.amazon_price),
        num(r.referral_fee),
        num(r.fulfillment_fee),
        num(r.total_fees),
        num(r.profit),
        pct(r.margin),
        pct(r.roi),
        num(r.rank),
        num(r.est_sales_mid),
        str(r.verdict),
        list(r.verdict_reasons) || list(r.reasons) || null,
      ];
    },
    empty: (reason: string): OutCell[] => [...PALLET_COLUMNS.slice(0, -1).map(() => null), reason],
  };
}
