// Which sheet holds the price list, and on which row its header is: a cover sheet first is common.
import { BadFileError } from '../sniff.ts';
import { proposeMapping, uniqueHeaders } from '../mapping.ts';
import { findHeaderRow, HEADER_SEARCH_ROWS } from '../table-bounds.ts';
import { readSheetRows } from './rows.ts';
import type { SheetInfo, Workbook } from './workbook.ts';

/** Rows of a sheet searched for its header: the plan and the parsing thread must find the same one. */
export const HEADER_SCAN_ROWS = HEADER_SEARCH_ROWS;

/** The sheet chosen, its header's row number (1-based) and its first rows (row i is sheet row i + 1). */
export interface LocatedTable {
  sheet: SheetInfo;
  headerRow: number;
  /** Why that row, in plain words (the preview shows it). */
  reason: string;
  rows: string[][];
}

const filledCells = (row: readonly string[] | undefined) => (row ?? []).filter((c) => c.trim() !== '').length;

/** The first `count` rows of a sheet (blank rows included, so indexes are row numbers less one). */
export async function firstRows(wb: Workbook, sheet: SheetInfo, count: number): Promise<string[][]> {
  const rows: string[][] = [];
  await readSheetRows(wb, sheet, {
    after: 0,
    batchRows: Math.min(count, 100),
    onRows(batch) {
      rows.push(...batch);
      return rows.length >= count ? 'stop' : undefined;
    },
  });
  return rows.slice(0, count);
}

/**
 * The named sheet, or else the first visible sheet whose first rows hold a header that maps to a product field
 * (then: any header at all). `readRows` rows are returned from the chosen sheet (at least HEADER_SCAN_ROWS).
 */
export async function locateTable(
  wb: Workbook,
  wanted: string | null | undefined,
  readRows = 0,
  headerRow?: number,
): Promise<LocatedTable> {
  const count = Math.max(HEADER_SCAN_ROWS, readRows, (headerRow ?? 0) + readRows);
  if (wanted) {
    const sheet =
      wb.sheets.find((s) => s.name === wanted) ?? wb.sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
    if (!sheet)
      throw new BadFileError(
        'unreadable',
        `The workbook has no sheet named "${wanted}". Its sheets: ${wb.sheets.map((s) => `"${s.name}"`).join(', ')}.`,
      );
    const rows = await firstRows(wb, sheet, count);
    if (headerRow !== undefined) return chosenRow(sheet, rows, headerRow);
    const { index, reason } = findHeaderRow(rows.slice(0, HEADER_SCAN_ROWS));
    if (filledCells(rows[index]) < 2)
      throw new BadFileError(
        'empty',
        `The sheet "${sheet.name}" has no header row in its first ${HEADER_SCAN_ROWS} rows: there is no table to import.`,
      );
    return { sheet, headerRow: index + 1, reason, rows };
  }
  if (headerRow !== undefined) {
    const sheet = wb.sheets.find((s) => !s.hidden) ?? wb.sheets[0]!;
    return chosenRow(sheet, await firstRows(wb, sheet, count), headerRow);
  }
  let fallback: LocatedTable | null = null;
  for (const sheet of wb.sheets.filter((s) => !s.hidden)) {
    const rows = await firstRows(wb, sheet, count);
    if (headerRow !== undefined) return chosenRow(sheet, rows, headerRow);
    const { index, reason } = findHeaderRow(rows.slice(0, HEADER_SCAN_ROWS));
    if (filledCells(rows[index]) < 2) continue;
    const found = { sheet, headerRow: index + 1, reason, rows };
    if (Object.keys(proposeMapping(uniqueHeaders(rows[index]!))).length > 0) return found;
    fallback ??= found;
  }
  if (fallback) return fallback;
  throw new BadFileError(
    'empty',
    `No sheet of this workbook has a header row in its first ${HEADER_SCAN_ROWS} rows (sheets: ${wb.sheets.map((s) => `"${s.name}"`).join(', ')}): there is no table to import.`,
  );
}

/** The header row the seller named, which must hold something. */
function chosenRow(sheet: SheetInfo, rows: string[][], headerRow: number): LocatedTable {
  if (!Number.isInteger(headerRow) || headerRow < 1 || filledCells(rows[headerRow - 1]) === 0)
    throw new BadFileError(
      'empty',
      `Row ${headerRow} of the sheet "${sheet.name}" is blank or missing: choose the row that holds the column names.`,
    );
  return { sheet, headerRow, reason: `Row ${headerRow} holds the column names, as chosen.`, rows };
}
