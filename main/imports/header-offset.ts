import Papa from 'papaparse';
import type { Sniffed } from './sniff.ts';

/** Bytes a decoded text took in the file. */
function byteLength(text: string, encoding: Sniffed['encoding']): number {
  if (encoding === 'utf-8') return Buffer.byteLength(text, 'utf8');
  // One byte per character; UTF-16 takes two per code unit (a surrogate pair is two units, four bytes).
  return encoding === 'windows-1252' ? text.length : text.length * 2;
}

/**
 * The file's byte offset where row `headerRow` (1-based record number, blank records counted, as the reader counts
 * them) starts, found in the sniffed sample: where an import starts reading, so the rows above its header are never
 * parsed. Null when the sample does not reach that row (the caller then reads from the top and skips them).
 */
export function headerByteOffset(sniffed: Sniffed, headerRow: number): number | null {
  if (headerRow <= 1) return sniffed.bomLength;
  let chars: number | null = null;
  let n = 0;
  // Parsed as the reader parses (same delimiter and line break): quoted line breaks stay inside their record.
  Papa.parse<string[]>(sniffed.sample, {
    delimiter: sniffed.delimiter,
    newline: sniffed.newline,
    skipEmptyLines: false,
    step(result, parser) {
      if (++n === headerRow - 1) {
        // The cursor stands just past the record and its line break.
        chars = result.meta.cursor;
        parser.abort();
      }
    },
  });
  if (chars === null || chars >= sniffed.sample.length) return null;
  return sniffed.bomLength + byteLength(sniffed.sample.slice(0, chars), sniffed.encoding);
}
