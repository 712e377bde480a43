import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { gs1CheckDigit } from '../catalog/gtin.ts';

const BRANDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne'];
const CATEGORIES = ['Toys & Games', 'Home & Kitchen', 'Beauty', 'Grocery', 'Sports & Outdoors', 'Office Products'];

/** The n-th of a sequence of distinct, valid UPC-A codes in scrambled order (a bijection mod 10^11). */
export function syntheticUpc(i: number): string {
  const body = ((i * 7919 + 12345) % 1e11).toString().padStart(11, '0');
  return body + gs1CheckDigit(body);
}

/** Writes a realistic supplier price list with `rows` unique products: UPC, name, brand, costs, MSRP, case pack, size. */
export async function writeSupplierFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write('UPC,SKU,Item Description,Brand,Category,Unit Cost,MSRP,Case Pack,Weight (lb),Length (in),Width (in),Height (in)\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
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
