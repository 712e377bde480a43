// Reading an .xlsx import's rows: the same chunk parser as the CSV path validates them, so validation, footers and
// the error report are shared.
import { stat } from 'node:fs/promises';
import { createChunkParser, type ChunkParser, type ChunkParserOptions, type ParsedChunk } from '../chunks.ts';
import { padRow, readSheetRows } from './rows.ts';
import { locateTable } from './table.ts';
import { openWorkbook, type Workbook } from './workbook.ts';

// Rows per chunk: about the 16 KiB of CSV text a CSV chunk holds for a typical price list.
const CHUNK_ROWS = 160;

/** Rows of the table as read, padded to the header's width, for a chunk parser started at row `after`. */
export type TableRows = (rows: string[][], endByte: number, after: number, last: boolean) => void | 'stop';

/**
 * Reads the workbook's table from past its header (a fresh import) or past `rowNumber` (a resume: the row number is
 * the place to go on from, as the file's hash was checked), handing over its rows unvalidated: the parsing thread
 * reads a workbook slower than the writer writes, so a chunk parser on the writer's side validates them (see
 * chunk-source.ts). A batch's `endByte` is the share of the sheet read, scaled to the file's size, so progress reads
 * as for a CSV; the last batch (`last`, possibly empty) ends at the file's size. `ahead`: this file's workbook, opened
 * while the import planned (closed here like one opened here); null or absent, it is opened now.
 */
export async function readXlsxTable(
  opts: Pick<ChunkParserOptions, 'rowNumber' | 'headers'> & { path: string },
  where: { sheet: string | null; headerRow?: number },
  onRows: TableRows,
  ahead?: Promise<Workbook | null>,
): Promise<{ stopped: boolean }> {
  const wb = (await ahead) ?? (await openWorkbook(opts.path));
  try {
    const { size } = await stat(opts.path);
    const table = await locateTable(wb, where.sheet, 0, where.headerRow);
    const after = opts.rowNumber > 0 ? opts.rowNumber : table.headerRow;
    const width = opts.headers.length;
    const { stopped } = await readSheetRows(wb, table.sheet, {
      after,
      batchRows: CHUNK_ROWS,
      // Never 0: a saved offset of 0 means "nothing read yet".
      onRows: (rows, _last, fraction) => {
        for (const r of rows) padRow(r, width);
        return onRows(rows, Math.max(1, Math.min(size - 1, Math.floor(fraction * size))), after, false);
      },
    });
    if (stopped) return { stopped };
    return { stopped: onRows([], size, after, true) === 'stop' };
  } finally {
    await wb.close();
  }
}

/** Reads and validates the workbook's table (see readXlsxTable), handing each chunk to `onChunk` in order. */
export async function parseXlsxFile(
  opts: ChunkParserOptions & { path: string },
  where: { sheet: string | null; headerRow?: number },
  onChunk: (chunk: ParsedChunk, last: boolean) => void | 'stop',
  ahead?: Promise<Workbook | null>,
): Promise<{ stopped: boolean }> {
  let parser: ChunkParser | null = null;
  return readXlsxTable(
    opts,
    where,
    (rows, endByte, after, last) => {
      parser ??= createChunkParser({ ...opts, rowNumber: after });
      return onChunk(parser.parse(rows, endByte, last), last);
    },
    ahead,
  );
}
