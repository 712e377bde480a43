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
} from './mapping.ts';
import { createMappingStore } from './mapping-store.ts';
import type { ImportOptions, ImportPlan } from './plan-types.ts';
import { sniffDecimal, sniffFile } from './sniff.ts';
import { proposeSupplier, rememberedSupplier } from '../suppliers/store.ts';
import { findHeaderRow, HEADER_SEARCH_ROWS } from './table-bounds.ts';
import { isZipFile } from './xlsx/detect.ts';
import { planXlsx } from './xlsx/plan.ts';

export type { ImportOptions, ImportPlan } from './plan-types.ts';
export type { SupplierSource } from '../suppliers/store.ts';
export { createMappingStore } from './mapping-store.ts';

/** The highest header row a seller may name (the header must lie in the first MiB the preview reads). */
export const MAX_HEADER_ROW = 1000;

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
  const supplier = proposeSupplier(opts.supplier, saved && db ? rememberedSupplier(db, fingerprint) : null, path);
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
