import { ROW_WIDTH } from './product-row.ts';

/**
 * A barcode as a number, for the row router's comparisons and filters: a GTIN-14 is 14 digits (< 2^53, exact), and
 * comparing two numbers costs nothing where comparing two such strings cost ~40 ns (a shuffled 1M-row list compares
 * each row a few times). Anything else (never written by Pallet) is NaN, and a NaN row is always staged.
 */
export function barcodeKey(g: string): number {
  if (g.length !== 14) return NaN;
  // Read digit by digit: Number() of a string first hashes it.
  let k = 0;
  for (let i = 0; i < 14; i++) {
    const d = g.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    k = k * 10 + d;
  }
  return k;
}

/** A key back as the barcode it came from. */
export const keyBarcode = (k: number): string => String(k).padStart(14, '0');

/** The barcode keys of flat rows (ROW_COLUMNS order): made on the parsing thread, which has time to spare. */
export function barcodeKeys(barcoded: readonly unknown[]): Float64Array {
  const keys = new Float64Array(barcoded.length / ROW_WIDTH);
  for (let r = 0; r < keys.length; r++) keys[r] = barcodeKey(barcoded[r * ROW_WIDTH] as string);
  return keys;
}
