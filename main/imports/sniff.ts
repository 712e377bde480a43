import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import { detectDecimalSeparator, type DecimalSeparator } from './money.ts';

/** Encodings Pallet reads; the names are the WHATWG labels TextDecoder understands. */
export type FileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];
export type Newline = '\r\n' | '\n' | '\r';

/** A file Pallet refuses to import, with a message a seller can act on. */
export class BadFileError extends Error {
  constructor(
    readonly code: 'empty' | 'binary' | 'unreadable' | 'encoding',
    message: string,
  ) {
    super(message);
    this.name = 'BadFileError';
  }
}

/** What the first bytes of a file say about how to read it. */
export interface Sniffed {
  size: number;
  encoding: FileEncoding;
  /** Bytes of byte-order mark to skip before the first header byte. */
  bomLength: number;
  delimiter: Delimiter;
  /** Line break of the records; passed to the parser so a first chunk without one cannot fool it. */
  newline: Newline;
  /** Decoded text of the sample (up to SAMPLE_BYTES), used for the preview. */
  sample: string;
  /** True when the sample is the whole file. */
  sampleIsWhole: boolean;
}

export const SAMPLE_BYTES = 1 << 20;

/** Detects the encoding from a byte sample: BOMs first, then UTF-8 validity, else Windows-1252. */
export function detectEncoding(bytes: Buffer, isWhole: boolean): { encoding: FileEncoding; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // A cut sample may end inside a multi-byte character: ignore up to 3 trailing bytes.
  let end = bytes.length;
  if (!isWhole) {
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && bytes[end - back - 1]! >= 0xc0) end = end - back - 1;
  }
  return { encoding: isUtf8(bytes.subarray(0, end)) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

function looksBinary(bytes: Buffer, encoding: FileEncoding): boolean {
  if (encoding.startsWith('utf-16')) return false;
  let control = 0;
  const n = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control > n * 0.01;
}

/**
 * Picks the delimiter among `, ; \t |`: each candidate parses the sample (papaparse), and the one whose rows most
 * often have the table's field count wins (ties: more fields). The table's field count is the commonest one of two
 * or more: title rows above a table ("ACME Ltd", "Price list effective …") have fewer, and only lower every
 * candidate's score alike. Headers like `Categories (x,y,z)` in a `;` file fool a plain count of characters; they do
 * not fool this.
 */
export function detectDelimiter(sample: string): Delimiter {
  let best: { d: Delimiter; score: number; fields: number } = { d: ',', score: -1, fields: 0 };
  for (const d of DELIMITERS) {
    const rows = Papa.parse<string[]>(sample, { delimiter: d, preview: 50, skipEmptyLines: 'greedy' }).data;
    const fields = commonestWidth(rows);
    if (fields < 2) continue;
    // Ragged rows of one extra (trailing) field still agree with the table.
    const agree = rows.filter((r) => r.length === fields || r.length === fields + 1).length;
    const score = agree / rows.length;
    if (score > best.score || (score === best.score && fields > best.fields)) best = { d, score, fields };
  }
  return best.d;
}

/** The commonest field count of two or more among rows (ties: the larger); 0 when no row has two fields. */
function commonestWidth(rows: readonly string[][]): number {
  const seen = new Map<number, number>();
  for (const r of rows) if (r.length >= 2) seen.set(r.length, (seen.get(r.length) ?? 0) + 1);
  let width = 0;
  let most = 0;
  for (const [w, n] of seen) if (n > most || (n === most && w > width)) [width, most] = [w, n];
  return width;
}

/** Reads the start of a file and decides encoding and delimiter; refuses empty and binary files. */
export async function sniffFile(path: string): Promise<Sniffed> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code;
    throw new BadFileError('unreadable', `Cannot read "${path}": ${why}.`);
  }
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, bytesRead);
    const isWhole = bytesRead >= size;
    const { encoding, bomLength } = detectEncoding(bytes, isWhole);
    if (bytes.length - bomLength === 0)
      throw new BadFileError('empty', 'The file is empty: there is nothing to import.');
    if (looksBinary(bytes, encoding)) {
      throw new BadFileError(
        'binary',
        'This is not a text file (it holds binary data). Export the sheet as CSV and import that.',
      );
    }
    let sample = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bomLength), { stream: !isWhole });
    if (sample.trim() === '')
      throw new BadFileError('empty', 'The file holds only blank lines: there is nothing to import.');
    if (!isWhole) sample = sample.slice(0, Math.max(sample.lastIndexOf('\n'), 0) || sample.length);
    const linebreak = Papa.parse(sample, { preview: 1 }).meta.linebreak;
    const newline: Newline = linebreak === '\r\n' || linebreak === '\r' ? linebreak : '\n';
    return { size, encoding, bomLength, delimiter: detectDelimiter(sample), newline, sample, sampleIsWhole: isWhole };
  } finally {
    await fh.close();
  }
}

/** Decides the file's decimal separator from the money cells of the sample rows. */
export function sniffDecimal(rows: readonly string[][], moneyCols: readonly number[]): DecimalSeparator {
  const cells: string[] = [];
  for (const r of rows) for (const c of moneyCols) if (r[c]) cells.push(r[c]);
  return detectDecimalSeparator(cells);
}
