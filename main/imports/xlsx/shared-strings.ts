// The workbook's shared-string table in bounded memory. A price list of a million rows with unique names and SKUs
// holds millions of shared strings (~60 MB of text, several times that as JS strings): the table keeps them as UTF-8
// bytes addressed by an index of end offsets, both in fixed-size blocks of which the first few stay in memory and the
// rest go to a temporary file, read back through a small cache. A sheet uses its strings roughly in table order (a
// writer numbers them as it first meets them), so the cache hits almost always and the file's pages stay in the OS's
// cache, not in this process: memory is the same at 100k rows and at 1M.
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadFileError } from '../sniff.ts';

/** Bytes per block of the table's text, and of its index (a spilled block is read back whole). */
const BLOCK_BYTES = 256 << 10;
/** Blocks kept in memory from the start: a workbook with a small table never touches the disk. */
const RESIDENT_BLOCKS = 4;
/** Spilled blocks cached in memory at once. */
const CACHED_BLOCKS = 8;
/** Bytes of a block's text decoded at once when all ASCII (see asciiPiece). */
const ASCII_PIECE_BYTES = 32 << 10;
/** Decoded pieces kept (the strings a sheet repeats, such as brands, sit early in the table). */
const DECODED_PIECES = 8;
/** End offsets are 32-bit. */
const MAX_BYTES = 2 ** 32 - 1;

/** Bounds and spill place of a string table; the defaults suit the import, tests make them small. */
export interface StringTableOptions {
  /** A multiple of 4 (the index's blocks hold 32-bit offsets). */
  blockBytes?: number;
  residentBlocks?: number;
  cachedBlocks?: number;
  /** Folder of the temporary files (the OS's temporary folder by default). */
  dir?: string;
}

/**
 * Full blocks appended in order: the first `resident` kept in memory, the rest written to a temporary file (unlinked
 * while open, so a killed process leaves nothing behind) and read back through an LRU cache of `cached` blocks.
 */
function createBlockStore(blockBytes: number, resident: number, cached: number, dir: string) {
  const kept: Buffer[] = [];
  let count = 0;
  let fd: number | null = null;
  // Set when the file could not be unlinked while open (some systems refuse): `close` removes it.
  let leftPath: string | null = null;
  // Most recently used last (a Map keeps insertion order).
  const cache = new Map<number, Buffer>();
  let lastBlock = -1;
  let lastBuffer: Buffer | null = null;

  const file = (): number => {
    if (fd !== null) return fd;
    const path = join(dir, `pallet-sst-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.bin`);
    fd = openSync(path, 'w+', 0o600);
    try {
      unlinkSync(path);
    } catch {
      leftPath = path;
    }
    return fd;
  };

  return {
    /** Stores a full block; true when it is kept as is (the caller must not reuse it), false when written out. */
    append(block: Buffer): boolean {
      const b = count++;
      if (b < resident) {
        kept.push(block);
        return true;
      }
      const f = file();
      for (let off = 0; off < blockBytes;) off += writeSync(f, block, off, blockBytes - off, b * blockBytes + off);
      return false;
    },
    /** Block `b` (< the blocks appended). */
    get(b: number): Buffer {
      if (b < kept.length) return kept[b]!;
      // Consecutive reads mostly hit one block: the last one read needs no cache bookkeeping.
      if (b === lastBlock) return lastBuffer!;
      let buf = cache.get(b);
      if (buf) cache.delete(b);
      else {
        if (cache.size >= cached) {
          const oldest = cache.keys().next().value!;
          buf = cache.get(oldest)!;
          cache.delete(oldest);
        } else buf = Buffer.allocUnsafeSlow(blockBytes);
        for (let off = 0; off < blockBytes;) {
          const n = readSync(fd!, buf, off, blockBytes - off, b * blockBytes + off);
          if (n === 0) break;
          off += n;
        }
      }
      cache.set(b, buf);
      lastBlock = b;
      lastBuffer = buf;
      return buf;
    },
    close(): void {
      cache.clear();
      lastBlock = -1;
      lastBuffer = null;
      if (fd !== null) closeSync(fd);
      fd = null;
      if (leftPath) rmSync(leftPath, { force: true });
      leftPath = null;
    },
  };
}

/** An append-only table of strings addressed by index, stored compactly; `close` frees its temporary files. */
export function createStringTable(opts: StringTableOptions = {}) {
  const blockBytes = opts.blockBytes ?? BLOCK_BYTES;
  const resident = opts.residentBlocks ?? RESIDENT_BLOCKS;
  const cached = Math.max(1, opts.cachedBlocks ?? CACHED_BLOCKS);
  const dir = opts.dir ?? tmpdir();
  const text = createBlockStore(blockBytes, resident, cached, dir);
  const index = createBlockStore(blockBytes, resident, cached, dir);
  const perIndexBlock = blockBytes >>> 2;

  // The text block being filled (text block number `textDone`) and the index block being filled.
  let block = Buffer.allocUnsafeSlow(blockBytes);
  let textDone = 0;
  let used = 0;
  let ends = Buffer.allocUnsafeSlow(blockBytes);
  let indexDone = 0;
  // Bytes appended so far (the next string's start), and strings.
  let total = 0;
  let count = 0;

  const finishText = () => {
    if (text.append(block)) block = Buffer.allocUnsafeSlow(blockBytes);
    textDone++;
    used = 0;
  };
  const textBlock = (b: number) => (b === textDone ? block : text.get(b));
  // Pieces of text blocks decoded whole when all ASCII (then a character is a byte), most recently used last: strings
  // are cut from them in JS. 32 KiB pieces: V8 makes a string of 128 KiB or more in its large-object space, far slower
  // (see TEXT_PIECE_BYTES in xml.ts). The piece of the block still being filled is decoded as far as it is filled, and
  // again once a string past that is asked for.
  const piecesPerBlock = Math.max(1, Math.floor(blockBytes / ASCII_PIECE_BYTES));
  const pieceBytes = Math.ceil(blockBytes / piecesPerBlock);
  const decoded = new Map<number, string | null>();
  let lastPiece = -1;
  let lastText: string | null = null;
  /** Piece `p` of block `b` as a string covering at least its first `upTo` bytes, or null when not all ASCII. */
  const asciiPiece = (b: number, p: number, upTo: number): string | null => {
    const key = b * piecesPerBlock + p;
    // Consecutive strings mostly share a piece: the last one needs no bookkeeping.
    if (key === lastPiece && (lastText === null || lastText.length >= upTo)) return lastText;
    let t: string | null | undefined = decoded.get(key);
    if (t === undefined || (t !== null && t.length < upTo)) {
      const from = p * pieceBytes;
      const to = Math.min(from + pieceBytes, b === textDone ? used : blockBytes);
      const buf = textBlock(b);
      t = isAscii(buf.subarray(from, to)) ? buf.toString('latin1', from, to) : null;
      if (decoded.size >= DECODED_PIECES && !decoded.has(key)) decoded.delete(decoded.keys().next().value!);
    }
    decoded.delete(key);
    decoded.set(key, t);
    lastPiece = key;
    lastText = t;
    return t;
  };
  /** Byte offset just past string `i`. */
  const endOf = (i: number): number => {
    const b = Math.floor(i / perIndexBlock);
    return (b === indexDone ? ends : index.get(b)).readUInt32LE((i - b * perIndexBlock) << 2);
  };

  return {
    get size(): number {
      return count;
    },
    /** Appends a string; its index is the number of strings before it. */
    push(s: string): void {
      // Short strings (nearly all) are encoded in place; one crossing a block's end is copied across.
      if (s.length * 3 <= blockBytes - used) {
        const n = block.write(s, used, 'utf8');
        used += n;
        total += n;
      } else {
        const bytes = Buffer.from(s, 'utf8');
        for (let off = 0; off < bytes.length;) {
          const n = bytes.copy(block, used, off);
          used += n;
          off += n;
          if (used === blockBytes) finishText();
        }
        total += bytes.length;
      }
      if (used === blockBytes) finishText();
      if (total > MAX_BYTES)
        throw new BadFileError('binary', "The workbook's shared-string table is over 4 GB: it cannot be read.");
      const slot = count - indexDone * perIndexBlock;
      ends.writeUInt32LE(total, slot << 2);
      count++;
      if (slot + 1 === perIndexBlock) {
        if (index.append(ends)) ends = Buffer.allocUnsafeSlow(blockBytes);
        indexDone++;
      }
    },
    /** The string at `i`, or undefined past the end. */
    get(i: number): string | undefined {
      if (!(i >= 0 && i < count)) return undefined;
      const start = i === 0 ? 0 : endOf(i - 1);
      const end = endOf(i);
      const b = Math.floor(start / blockBytes);
      const off = start - b * blockBytes;
      if (off + (end - start) <= blockBytes) {
        // An ASCII block is decoded once and its strings cut from it in JS: a call into Buffer's decoder per cell
        // cost more than the cut.
        const p = Math.floor(off / pieceBytes);
        const at = off - p * pieceBytes;
        // A string across two pieces (rare) is decoded on its own.
        const ascii = at + (end - start) <= pieceBytes ? asciiPiece(b, p, at + end - start) : null;
        return ascii !== null
          ? ascii.substring(at, at + end - start)
          : textBlock(b).toString('utf8', off, off + end - start);
      }
      // Across blocks: gather the bytes first (a multi-byte character may be split).
      const out = Buffer.allocUnsafe(end - start);
      for (let at = start; at < end;) {
        const bb = Math.floor(at / blockBytes);
        const o = at - bb * blockBytes;
        const n = Math.min(end - at, blockBytes - o);
        textBlock(bb).copy(out, at - start, o, o + n);
        at += n;
      }
      return out.toString('utf8');
    },
    /** Frees the temporary files (the table can no longer be read). */
    close(): void {
      decoded.clear();
      lastPiece = -1;
      lastText = null;
      text.close();
      index.close();
    },
  };
}
export type StringTable = ReturnType<typeof createStringTable>;
