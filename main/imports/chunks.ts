import type { ColumnMapping } from './mapping.ts';
import type { DecimalSeparator } from './money.ts';
import { pushRow } from './product-row.ts';
import { MAX_ROW_CHARS } from './reader.ts';
import { createRowValidator, type CellProblem } from './validate.ts';

/** A row the error report lists: its number, why, and its cells as read. */
export interface RejectedRow {
  row: number;
  problems: CellProblem[] | string;
  cells: string[];
}

/** A message for the job's recent errors (capped per job). */
export interface RowNote {
  row: number;
  code: 'row_rejected' | 'row_warning' | 'row_too_long';
  message: string;
}

/** One parsed chunk of the file, validated, ready for the catalog writer: everything it needs, nothing more. */
export interface ParsedChunk {
  /** Byte offset just past the chunk's last record: where a resume starts. */
  endByte: number;
  /** Number of the last record consumed (the header is row 1). */
  rowNumber: number;
  /** Valid rows with a barcode, then valid rows without one, flat in ROW_COLUMNS order. */
  barcoded: unknown[];
  keyed: unknown[];
  blank: number;
  /** Rows imported with a warning. */
  warned: number;
  rejected: RejectedRow[];
  notes: RowNote[];
}

export interface ChunkParserOptions {
  headers: readonly string[];
  mapping: ColumnMapping;
  decimal: DecimalSeparator;
  /** Rows already consumed (0 before the header). */
  rowNumber: number;
  /** How many more notes the job may keep. */
  noteBudget: number;
}

/** Validates parsed records chunk by chunk, numbering rows as a spreadsheet does and skipping the header once. */
export function createChunkParser(opts: ChunkParserOptions) {
  const validate = createRowValidator({ headers: opts.headers, mapping: opts.mapping, decimal: opts.decimal });
  let rowNumber = opts.rowNumber;
  let headerPending = rowNumber === 0;
  let budget = opts.noteBudget;
  let pending: Pick<ParsedChunk, 'rejected' | 'notes'> = { rejected: [], notes: [] };
  const note = (n: RowNote) => {
    if (budget > 0) {
      budget--;
      pending.notes.push(n);
    }
  };

  return {
    /** Validates one chunk of records ending at `endByte`. */
    parse(rows: readonly string[][], endByte: number): ParsedChunk {
      const out: ParsedChunk = { endByte, rowNumber, barcoded: [], keyed: [], blank: 0, warned: 0, ...pending };
      pending = { rejected: [], notes: [] };
      for (const row of rows) {
        rowNumber++;
        if (headerPending) {
          // Leading blank lines come before the header; the header itself is already known from the plan.
          if (!row.every((c) => c.trim() === '')) headerPending = false;
          continue;
        }
        const r = validate(row);
        if (r.kind === 'blank') out.blank++;
        else if (r.kind === 'rejected') {
          out.rejected.push({ row: rowNumber, problems: r.problems, cells: row });
          const p = r.problems[0]!;
          note({
            row: rowNumber,
            code: 'row_rejected',
            message: `Row ${rowNumber}, ${p.column}${p.value ? ` "${p.value.slice(0, 100)}"` : ''}: ${p.reason}`,
          });
        } else {
          pushRow(r.product.gtin14 ? out.barcoded : out.keyed, rowNumber, r.product);
          if (r.warnings.length) {
            out.warned++;
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
      return out;
    },
    /** A record longer than the limit was skipped: it is rejected with the next chunk. */
    oversized(): void {
      rowNumber++;
      const reason = `the row is longer than ${MAX_ROW_CHARS / (1 << 20)} MiB (usually a quote that never closes); it was skipped`;
      pending.rejected.push({ row: rowNumber, problems: reason, cells: [] });
      note({ row: rowNumber, code: 'row_too_long', message: `Row ${rowNumber}: ${reason}` });
    },
  };
}
export type ChunkParser = ReturnType<typeof createChunkParser>;
