import { createChunkParser, type ChunkParserOptions, type ParsedChunk } from './chunks.ts';
import { readRecords } from './reader.ts';
import type { Delimiter, FileEncoding, Newline } from './sniff.ts';
import { parseXlsxFile } from './xlsx/parse.ts';
import type { Workbook } from './xlsx/workbook.ts';

/** Everything needed to read and validate a file from a saved place: plain data, so it can cross to a thread. */
export interface ParseFileOptions extends ChunkParserOptions {
  path: string;
  encoding: FileEncoding;
  delimiter: Delimiter;
  newline: Newline;
  /** Byte offset of a record boundary to start from (past any byte-order mark). */
  startByte: number;
  /** Bytes of the file parsed per chunk (one catalog transaction each). */
  chunkBytes?: number;
  /** Read the file with blocking calls (see ReadOptions.blocking): the parsing thread does. */
  blocking?: boolean;
  /** Set for an .xlsx workbook: the sheet asked for (null: the first that holds a table). Rows then resume by number. */
  xlsx?: { sheet: string | null; headerRow?: number };
}

/**
 * Reads the file from `startByte` and hands each validated chunk to `onChunk` (synchronously, in file order); the
 * last one (`last`, possibly without rows) ends at the end of the file. Returning 'stop' ends reading after it.
 * `ahead`: the file's workbook opened while the import planned (see parseXlsxFile).
 */
export async function parseFile(
  opts: ParseFileOptions,
  onChunk: (chunk: ParsedChunk, last: boolean) => void | 'stop',
  ahead?: Promise<Workbook | null>,
): Promise<{ stopped: boolean }> {
  if (opts.xlsx) return parseXlsxFile(opts, opts.xlsx, onChunk, ahead);
  const parser = createChunkParser(opts);
  const { endByte, stopped } = await readRecords({
    path: opts.path,
    encoding: opts.encoding,
    delimiter: opts.delimiter,
    newline: opts.newline,
    startByte: opts.startByte,
    chunkBytes: opts.chunkBytes,
    blocking: opts.blocking,
    onBatch: ({ rows, endByte }) => onChunk(parser.parse(rows, endByte), false),
    onOversized: () => parser.oversized(),
  });
  if (stopped) return { stopped };
  return { stopped: onChunk(parser.parse([], endByte, true), true) === 'stop' };
}
