import { basename } from 'node:path';
import Papa from 'papaparse';
import type { Db } from '../db/open.ts';
import type { Field } from './fields.ts';
import {
  applyOverrides,
  describeMapping,
  MappingError,
  headerFingerprint,
  mappingWarnings,
  proposeMapping,
  uniqueHeaders,
  type ColumnMapping,
  type MappingOverrides,
} from './mapping.ts';
import type { DecimalSeparator } from './money.ts';
import { sniffDecimal, sniffFile, type Sniffed } from './sniff.ts';
import { cleanSupplierName, rememberedSupplier, supplierFromFileName } from '../suppliers/store.ts';
import { findHeaderRow, HEADER_SEARCH_ROWS } from './table-bounds.ts';
import { isZipFile } from './xlsx/detect.ts';
import { planXlsx } from './xlsx/plan.ts';

/** The highest header row a seller may name (the header must lie in the first MiB the preview reads). */
export const MAX_HEADER_ROW = 1000;

/** What a seller chooses before an import starts. */
export interface ImportOptions {
  /** Header → field overrides on top of the saved or proposed mapping. */
  mapping?: MappingOverrides;
  decimal?: DecimalSeparator;
  /** Save the final mapping for files with the same headers (the same supplier). */
  rememberMapping?: boolean;
  /** The file's line (1-based record number) that holds the column names, when the found one is wrong. */
  headerRow?: number;
  /** The supplier whose list this is (default: the one remembered with the mapping, else the file name's). */
  supplier?: string;
  /** For an .xlsx workbook: the sheet to import, by name (default: the first that holds a table). */
  sheet?: string;
}

/** Where an import's supplier came from. */
export type SupplierSource = 'given' | 'remembered' | 'file name';

/** Everything decided about a file before its rows are read: the preview shows it, the import uses it. */
export interface ImportPlan {
  fileName: string;
  sniffed: Sniffed;
  headers: string[];
  /** The file's line (1-based record number, as a spreadsheet numbers rows) holding the column names. */
  headerRow: number;
  /** Why that line, in plain words (the preview shows it). */
  headerReason: string;
  sampleRows: string[][];
  mapping: ColumnMapping;
  /** The mapping as the preview shows it and the import's record keeps it: field → header name. */
  previewMapping: Partial<Record<Field, string>>;
  decimal: DecimalSeparator;
  fingerprint: string;
  /** True when a mapping saved for this supplier was applied. */
  savedMappingUsed: boolean;
  warnings: string[];
  /** The supplier the import will belong to, and why; null when neither asked, remembered nor in the file name. */
  supplier: string | null;
  supplierSource: SupplierSource | null;
  /** Set for an .xlsx workbook: its sheets and the one imported. */
  xlsx?: { sheets: string[]; sheet: string };
}

/** Saved per-supplier mappings, keyed by header fingerprint. */
export function createMappingStore(db: Db) {
  const get = db.prepare<[string], { mapping: string; decimal_sep: string | null; header_row: number | null }>(
    'SELECT mapping, decimal_sep, header_row FROM supplier_mappings WHERE fingerprint = ?',
  );
  const headerRows = db
    .prepare<[], number>('SELECT DISTINCT header_row FROM supplier_mappings WHERE header_row IS NOT NULL')
    .pluck();
  const put = db.prepare(
    `INSERT INTO supplier_mappings (fingerprint, headers, mapping, decimal_sep, header_row, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(fingerprint) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, decimal_sep = excluded.decimal_sep, header_row = excluded.header_row, updated_at = excluded.updated_at`,
  );
  return {
    /** The saved mapping (field → header), decimal separator and header line (null: the first), if any. */
    get(
      fingerprint: string,
    ): { mapping: Partial<Record<Field, string>>; decimal: DecimalSeparator | null; headerRow: number | null } | null {
      const row = get.get(fingerprint);
      return row
        ? {
            mapping: JSON.parse(row.mapping),
            decimal: row.decimal_sep as DecimalSeparator | null,
            headerRow: row.header_row,
          }
        : null;
    },
    /** Header lines some supplier's saved mapping names (a handful: one per layout with a title above its table). */
    headerRows: (): number[] => headerRows.all(),
    /** Saves a supplier's mapping; `headerRow` is the file line of its column names (1 when nothing is above them). */
    save(
      fingerprint: string,
      headers: readonly string[],
      mapping: ColumnMapping,
      decimal: DecimalSeparator,
      headerRow = 1,
    ): void {
      put.run(
        fingerprint,
        JSON.stringify(headers),
        JSON.stringify(describeMapping(headers, mapping)),
        decimal,
        headerRow === 1 ? null : headerRow,
        Date.now(),
      );
    },
  };
}

/** Sniffs a file and settles its mapping: proposed by synonyms, then the supplier's saved mapping, then the user's. */
export async function planImport(
  path: string,
  opts: ImportOptions,
  db: Db | null,
  previewRows = 20,
): Promise<ImportPlan> {
  // A workbook (zip) is read by sheet: main/imports/xlsx/.
  if (await isZipFile(path)) return planXlsx(path, opts, db, previewRows);
  const sniffed = await sniffFile(path);
  // Every record, blank ones too, so that indexes are the file's own row numbers (as the reader counts them).
  const records = Papa.parse<string[]>(sniffed.sample, {
    delimiter: sniffed.delimiter,
    newline: sniffed.newline,
    preview: Math.max(HEADER_SEARCH_ROWS, opts.headerRow ?? 0) + previewRows + 50,
    skipEmptyLines: false,
  }).data;
  const store = db ? createMappingStore(db) : null;
  const header = chooseHeaderRow(records, opts.headerRow, store);
  const headers = uniqueHeaders(records[header.index] ?? []);
  const sampleRows = records
    .slice(header.index + 1)
    .filter((r) => r.some((c) => c.trim() !== ''))
    .slice(0, previewRows);
  const fingerprint = headerFingerprint(headers);
  let mapping = proposeMapping(headers);
  const saved = store?.get(fingerprint) ?? null;
  if (saved) {
    mapping = {};
    for (const [field, header] of Object.entries(saved.mapping)) {
      const col = headers.indexOf(header!);
      if (col >= 0) mapping[field as Field] = col;
    }
  }
  mapping = applyOverrides(headers, mapping, opts.mapping ?? {});
  const moneyCols = [mapping.cost, mapping.case_cost, mapping.price].filter((c): c is number => c !== undefined);
  const decimal = opts.decimal ?? saved?.decimal ?? sniffDecimal(sampleRows, moneyCols);
  const supplier = chooseSupplier(opts.supplier, saved && db ? rememberedSupplier(db, fingerprint) : null, path);
  return {
    fileName: basename(path),
    sniffed,
    headers,
    headerRow: header.index + 1,
    headerReason: header.reason,
    sampleRows,
    mapping,
    previewMapping: describeMapping(headers, mapping),
    decimal,
    fingerprint,
    savedMappingUsed: saved !== null,
    warnings: mappingWarnings(mapping),
    ...supplier,
  };
}

/** The import's supplier: the seller's, else the one remembered with the mapping, else the file name's. */
function chooseSupplier(
  given: string | undefined,
  remembered: string | null,
  path: string,
): { supplier: string | null; supplierSource: SupplierSource | null } {
  if (given !== undefined) return { supplier: cleanSupplierName(given), supplierSource: 'given' };
  if (remembered) return { supplier: remembered, supplierSource: 'remembered' };
  const fromName = supplierFromFileName(basename(path));
  return fromName ? { supplier: fromName, supplierSource: 'file name' } : { supplier: null, supplierSource: null };
}

/**
 * The header line: the seller's choice, else the line a saved supplier mapping names when this file has that
 * supplier's headers there, else the line `findHeaderRow` finds.
 */
function chooseHeaderRow(
  records: readonly string[][],
  chosen: number | undefined,
  store: ReturnType<typeof createMappingStore> | null,
): { index: number; reason: string } {
  if (chosen !== undefined) {
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > MAX_HEADER_ROW)
      throw new MappingError(`The header row is a line number from 1 to ${MAX_HEADER_ROW} (got ${chosen}).`);
    const row = records[chosen - 1];
    if (!row)
      throw new MappingError(
        `The file has no line ${chosen} within its first ${records.length} lines: choose the line that holds the column names.`,
      );
    if (row.every((c) => c.trim() === ''))
      throw new MappingError(`Line ${chosen} is blank: choose the line that holds the column names.`);
    return { index: chosen - 1, reason: `Row ${chosen} holds the column names, as chosen.` };
  }
  for (const line of store?.headerRows() ?? []) {
    const row = records[line - 1];
    if (!row || line === 1) continue;
    if (store!.get(headerFingerprint(uniqueHeaders(row)))?.headerRow === line)
      return { index: line - 1, reason: `Row ${line} holds the column names, as saved for this supplier.` };
  }
  return findHeaderRow(records.slice(0, HEADER_SEARCH_ROWS));
}
