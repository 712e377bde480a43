import { barcodeKeys } from './barcode-keys.ts';
import type { ColumnMapping } from './mapping.ts';
import type { DecimalSeparator } from './money.ts';
import { columnsOf, pushRow, type RowColumns } from './product-row.ts';
import { MAX_ROW_CHARS } from './reader.ts';
import { isFooterRow } from './table-bounds.ts';
import { createRowValidator, type CellProblem } from './validate.ts';

/** A row the error report lists: its number, why, and its cells as read. */
export interface RejectedRow {
  row: number;
  problems: CellProblem[] | string;
  cells: string[];
}

/** A row imported with warnings, for the report: its number, the warnings, and its cells as read. */
export interface WarnedRow {
  row: number;
  warnings: CellProblem[];
  cells: string[];
}

/** The most footer-looking rows held at once. */
export const MAX_FOOTER_ROWS = 50;

/** A row that looks like a footer ("Total items: 40"), held until what follows it decides: footer or bad row. */
export interface HeldRow {
  row: number;
  cells: string[];
}

/** A message for the job's recent errors (capped per job). */
export interface RowNote {
  row: number;
  code: 'row_rejected' | 'row_warning' | 'row_too_long';
  message: string;
}

const NO_KEYS = new Float64Array(0);
const NO_COLUMNS: RowColumns = { filled: 0, same: 0 };

/** One parsed chunk of the file, validated, ready for the catalog writer: everything it needs, nothing more. */
export interface ParsedChunk {
  /** Byte offset just past the chunk's last record: where a resume starts. */
  endByte: number;
  /** Number of the last record consumed (the header is row 1). */
  rowNumber: number;
  /** Valid rows with a barcode, then valid rows without one, flat in ROW_COLUMNS order. */
  barcoded: unknown[];
  /** The barcode key of each row of `barcoded` (barcode-keys.ts), for the row router. */
  keys: Float64Array;
  /** The columns `barcoded` fills and those its rows agree on, for the catalog writer's statements. */
  columns: RowColumns;
  keyed: unknown[];
  blank: number;
  /** Rows imported with a warning. */
  warned: number;
  /** Those rows, in file order (every one, unlike the capped notes). */
  warnedRows: WarnedRow[];
  rejected: RejectedRow[];
  notes: RowNote[];
  /** Rows after the data that are not data (only the file's last chunk has any). */
  footers: number;
  /** Footer-looking rows at the end of this chunk, not decided yet: a resume carries them on (ReadState). */
  held: HeldRow[];
}

export interface ChunkParserOptions {
  headers: readonly string[];
  mapping: ColumnMapping;
  decimal: DecimalSeparator;
  /** Rows already consumed (0 before the header). */
  rowNumber: number;
  /**
   * The header's row number: rows up to it are skipped (reading may start at it: then `rowNumber` is one less).
   * Absent for an import recorded before Pallet looked for the header: the first non-blank row is the header.
   */
  headerRow?: number | null;
  /** Footer-looking rows a previous run held at its last checkpoint. */
  held?: readonly HeldRow[];
  /** How many more notes the job may keep. */
  noteBudget: number;
}

/**
 * Validates parsed records chunk by chunk, numbering rows as a spreadsheet does and skipping the header once.
 *
 * Footers: a row `isFooterRow` calls a footer that would be rejected anyway (a row that imports is always data) is
 * held, not judged. The next non-blank row that is not such a row releases the held ones as ordinary rejected rows
 * (a "Total" line in the middle of the data hides nothing); the end of the file makes them footers, counted and not
 * reported. Held rows travel with the chunk (and the checkpoint), so the rule holds across chunks and resumes. A
 * footer has at most MAX_FOOTER_ROWS such rows: a longer run is released as rejected rows.
 */
export function createChunkParser(opts: ChunkParserOptions) {
  const validate = createRowValidator({ headers: opts.headers, mapping: opts.mapping, decimal: opts.decimal });
  let rowNumber = opts.rowNumber;
  const headerRow = opts.headerRow ?? 1;
  let headerPending = rowNumber < headerRow;
  let held: HeldRow[] = [...(opts.held ?? [])];
  let budget = opts.noteBudget;
  let pending: Pick<ParsedChunk, 'rejected' | 'notes'> = { rejected: [], notes: [] };
  const note = (n: RowNote) => {
    if (budget > 0) {
      budget--;
      pending.notes.push(n);
    }
  };
  const reject = (into: Pick<ParsedChunk, 'rejected'>, row: number, problems: CellProblem[], cells: string[]) => {
    into.rejected.push({ row, problems, cells });
    const p = problems[0]!;
    note({
      row,
      code: 'row_rejected',
      message: `Row ${row}, ${p.column}${p.value ? ` "${p.value.slice(0, 100)}"` : ''}: ${p.reason}`,
    });
  };
  /** The held rows were not footers after all: they are rejected, in file order. */
  const release = (into: Pick<ParsedChunk, 'rejected'>) => {
    if (held.length === 0) return;
    for (const h of held) {
      const r = validate(h.cells);
      if (r.kind === 'rejected') reject(into, h.row, r.problems, h.cells);
    }
    held = [];
  };

  return {
    /** Validates one chunk of records ending at `endByte`; `last` when it ends the file (held rows are footers). */
    parse(rows: readonly string[][], endByte: number, last = false): ParsedChunk {
      const out: ParsedChunk = {
        endByte,
        rowNumber,
        barcoded: [],
        keys: NO_KEYS,
        columns: NO_COLUMNS,
        keyed: [],
        blank: 0,
        warned: 0,
        warnedRows: [],
        footers: 0,
        held: [],
        ...pending,
      };
      pending = { rejected: [], notes: [] };
      for (const row of rows) {
        rowNumber++;
        if (headerPending) {
          // Title and blank rows come before the header; the header itself is already known from the plan.
          if (rowNumber >= headerRow && !row.every((c) => c.trim() === '')) headerPending = false;
          continue;
        }
        const r = validate(row);
        if (r.kind === 'blank') out.blank++;
        else if (r.kind === 'rejected') {
          if (isFooterRow(row)) {
            held.push({ row: rowNumber, cells: row });
            // Bounded: a run that long is not a footer block (and the checkpoint carries what is held).
            if (held.length > MAX_FOOTER_ROWS) release(out);
            continue;
          }
          release(out);
          reject(out, rowNumber, r.problems, row);
        } else {
          release(out);
          pushRow(r.product.gtin14 ? out.barcoded : out.keyed, rowNumber, r.product);
          if (r.warnings.length) {
            out.warned++;
            out.warnedRows.push({ row: rowNumber, warnings: r.warnings, cells: row });
            const w = r.warnings[0]!;
            note({
              row: rowNumber,
              code: 'row_warning',
              message: `Row ${rowNumber}, ${w.column} "${w.value.slice(0, 100)}": ${w.reason}`,
            });
          }
        }
      }
      out.rowNumber = rowNumber;
      if (out.barcoded.length > 0) {
        out.keys = barcodeKeys(out.barcoded);
        out.columns = columnsOf(out.barcoded);
      }
      if (last) {
        out.footers = held.length;
        held = [];
      }
      out.held = [...held];
      return out;
    },
    /** A record longer than the limit was skipped: it is rejected with the next chunk. */
    oversized(): void {
      release(pending);
      rowNumber++;
      const reason = `the row is longer than ${MAX_ROW_CHARS / (1 << 20)} MiB (usually a quote that never closes); it was skipped`;
      pending.rejected.push({ row: rowNumber, problems: reason, cells: [] });
      note({ row: rowNumber, code: 'row_too_long', message: `Row ${rowNumber}: ${reason}` });
    },
  };
}
export type ChunkParser = ReturnType<typeof createChunkParser>;
