import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { gs1CheckDigit } from '../catalog/gtin.ts';

const BRANDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne'];
const CATEGORIES = ['Toys & Games', 'Home & Kitchen', 'Beauty', 'Grocery', 'Sports & Outdoors', 'Office Products'];

/**
 * The n-th of a sequence of distinct, valid UPC-A codes (ascending while n < 12.5 million). They start `01…`, as a
 * US company's codes do: one leading zero, which a spreadsheet's number cell drops. Codes with five or more leading
 * zeros (the first ~1,300 before) are GS1's GTIN-8 range: a workbook's number cell (eight digits or fewer) reads them
 * back as UPC-E codes, other products than the CSV's, and out of barcode order.
 */
export function syntheticUpc(i: number): string {
  const body = ((1e9 + i * 7919 + 12345) % 1e11).toString().padStart(11, '0');
  return body + gs1CheckDigit(body);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** 0..n-1 in a random order, the same every time (a seeded Fisher–Yates shuffle). */
function randomOrder(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  let seed = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const j = (seed >>> 0) % (i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * Writes a realistic supplier price list with `rows` unique products: UPC, name, brand, costs, MSRP, case pack, size.
 * `order: 'barcode'` lists them by UPC (as an export sorted by barcode); 'shuffled' scrambles them as a list sorted
 * by another column does — a few runs that each climb through the codes, interleaved (every third product, from three
 * starting points); 'random' in no order at all. The same products in every order.
 */
export async function writeSupplierFile(
  path: string,
  rows: number,
  order: 'barcode' | 'shuffled' | 'random' = 'barcode',
): Promise<void> {
  // A multiplier coprime to `rows` permutes 0..rows-1.
  let step = order === 'shuffled' ? 1_000_003 : 1;
  while (gcd(step, rows) !== 1) step += 2;
  const random = order === 'random' ? randomOrder(rows) : null;
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(
    'UPC,SKU,Item Description,Brand,Category,Unit Cost,MSRP,Case Pack,Weight (lb),Length (in),Width (in),Height (in)\n',
  );
  let buf = '';
  for (let n = 0; n < rows; n++) {
    const i = random ? random[n]! : (n * step) % rows;
    const brand = BRANDS[i % BRANDS.length]!;
    const cost = 1 + ((i * 37) % 5000) / 100;
    buf += `${syntheticUpc(i)},SKU-${i},"${brand} Product ${i}, ${(i % 12) + 1}-pack",${brand},${CATEGORIES[i % CATEGORIES.length]},$${cost.toFixed(2)},${(cost * 2.1).toFixed(2)},${(i % 24) + 1},${(0.1 + (i % 50) / 10).toFixed(2)},${4 + (i % 20)},${3 + (i % 9)},${1 + (i % 5)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}
