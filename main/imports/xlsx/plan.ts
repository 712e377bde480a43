// Planning an .xlsx import: the same decisions as for a CSV (headers, sample rows, mapping, fingerprint), taken
// from the sheet that holds the table.
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Db } from '../../db/open.ts';
import type { Field } from '../fields.ts';
import {
  applyOverrides,
  describeMapping,
  headerFingerprint,
  mappingWarnings,
  proposeMapping,
  uniqueHeaders,
} from '../mapping.ts';
import { createMappingStore } from '../mapping-store.ts';
import type { ImportOptions, ImportPlan } from '../plan-types.ts';
import type { Sniffed } from '../sniff.ts';
import { proposeSupplier, rememberedSupplier } from '../../suppliers/store.ts';
import { padRow } from './rows.ts';
import { locateTable } from './table.ts';
import { openWorkbook } from './workbook.ts';

/** Marks an import of a workbook in the imports table's encoding column (its cells are read as text, not decoded). */
export const XLSX_ENCODING = 'xlsx';

/** Plans the import of an .xlsx workbook: sheet (the one asked for, or the first holding a table), then mapping. */
export async function planXlsx(
  path: string,
  opts: ImportOptions,
  db: Db | null,
  previewRows = 20,
): Promise<ImportPlan> {
  const wb = await openWorkbook(path);
  try {
    const table = await locateTable(wb, opts.sheet, previewRows + 30, opts.headerRow);
    const headerIndex = table.headerRow - 1;
    const headers = uniqueHeaders(table.rows[headerIndex]!);
    const sampleRows = table.rows
      .slice(headerIndex + 1)
      .filter((r) => r.some((c) => c.trim() !== ''))
      .slice(0, previewRows)
      .map((r) => padRow(r, headers.length));
    const fingerprint = headerFingerprint(headers);
    let mapping = proposeMapping(headers);
    const saved = db ? createMappingStore(db).get(fingerprint) : null;
    if (saved) {
      mapping = {};
      for (const [field, header] of Object.entries(saved.mapping)) {
        const col = headers.indexOf(header!);
        if (col >= 0) mapping[field as Field] = col;
      }
    }
    mapping = applyOverrides(headers, mapping, opts.mapping ?? {});
    const { size } = await stat(path);
    // Numeric cells are written with '.', whatever separator a CSV of the same supplier used.
    const sniffed: Sniffed = {
      size,
      encoding: 'utf-8',
      bomLength: 0,
      delimiter: ',',
      newline: '\n',
      sample: '',
      sampleIsWhole: false,
    };
    return {
      fileName: basename(path),
      sniffed,
      headers,
      headerRow: table.headerRow,
      headerReason: table.reason,
      sampleRows,
      mapping,
      previewMapping: describeMapping(headers, mapping),
      decimal: opts.decimal ?? '.',
      fingerprint,
      savedMappingUsed: saved !== null,
      warnings: mappingWarnings(mapping),
      ...proposeSupplier(opts.supplier, saved && db ? rememberedSupplier(db, fingerprint) : null, path),
      xlsx: { sheets: wb.sheets.map((s) => s.name), sheet: table.sheet.name },
    };
  } finally {
    await wb.close();
  }
}
