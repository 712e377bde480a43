// The workbook's shared-string table, kept as UTF-8 bytes with an offset index rather than as JS strings: a price
// list of a million rows with unique names holds millions of strings, and strings on the heap cost several times
// their bytes.

const BLOCK_BYTES = 4 << 20;

/** An append-only table of strings addressed by index, stored compactly. */
export function createStringTable() {
  const blocks: Buffer[] = [];
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  // Per string: block number, byte offset in it, byte length.
  let index = new Uint32Array(3 * 1024);
  let count = 0;
  const grow = () => {
    const next = new Uint32Array(index.length * 2);
    next.set(index);
    index = next;
  };
  return {
    get size(): number {
      return count;
    },
    /** Appends a string; its index is the number of strings before it. */
    push(s: string): void {
      const bytes = Buffer.byteLength(s, 'utf8');
      if (used + bytes > block.length) {
        blocks.push(block.subarray(0, used));
        block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, bytes));
        used = 0;
      }
      block.write(s, used, 'utf8');
      if (3 * count + 3 > index.length) grow();
      index[3 * count] = blocks.length;
      index[3 * count + 1] = used;
      index[3 * count + 2] = bytes;
      used += bytes;
      count++;
    },
    /** The string at `i`, or undefined past the end. */
    get(i: number): string | undefined {
      if (!(i >= 0 && i < count)) return undefined;
      const b = index[3 * i]!;
      const buf = b === blocks.length ? block : blocks[b]!;
      const off = index[3 * i + 1]!;
      return buf.toString('utf8', off, off + index[3 * i + 2]!);
    },
  };
}
export type StringTable = ReturnType<typeof createStringTable>;
