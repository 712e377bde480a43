import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../main/app/engine.ts';
import { syntheticUpc } from '../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../main/imports/task.ts';
import { openDatabase } from '../../main/db/open.ts';
import { diffImports } from '../../main/suppliers/diff.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { timedJob } from './jobs.ts';

/**
 * A price list of `rows` products starting at product `from`: every `every`-th product's cost moved by `shift`
 * (`order: 'shuffled'` lists them in a scrambled order, as a list sorted by anything but the barcode).
 */
async function writeList(
  path: string,
  p: { rows: number; from: number; every: number; shift: number; order: 'barcode' | 'shuffled' },
): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write('UPC,Item Description,Unit Cost,Case Pack\n');
  let buf = '';
  for (let n = 0; n < p.rows; n++) {
    const k = p.order === 'shuffled' ? (n * 7_919) % p.rows : n;
    const i = p.from + k;
    const cost = 1 + ((i * 37) % 5000) / 100 + (i % p.every === 0 ? p.shift : 0);
    buf += `${syntheticUpc(i)},Product ${i},${cost.toFixed(2)},${(i % 24) + 1}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function withEngine<T>(dbPath: string, f: (e: Engine) => Promise<T>): Promise<T> {
  // The worker from source, not a bundle: the bundle in dist may predate the code measured here.
  const engine = await createEngine({ dbPath, launcher: createNodeLauncher(), workers: 1, kinds: ['import'] });
  try {
    return await f(engine);
  } finally {
    await engine.stop();
  }
}

const ms = (s: number) => Math.round(s * 1000);

/**
 * Suppliers over time at `rows` products: the same list imported without a supplier and with one (the cost of
 * recording offers, set-based at the end), then the supplier's second list (a tenth re-priced, 5% dropped, 5% new,
 * shuffled), and the diff of the two lists timed as the reader thread runs it.
 */
export async function runSuppliersBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? 200_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-suppliers-bench-'));
  try {
    // Names with no supplier in them: the plain import must have none.
    const first = join(dir, '2026-10.csv');
    const second = join(dir, '2026-11.csv');
    const turnover = Math.max(1, Math.floor(rows / 20));
    await writeList(first, { rows, from: 0, every: 1, shift: 0, order: 'barcode' });
    await writeList(second, { rows, from: turnover, every: 10, shift: 0.5, order: 'shuffled' });
    const lookupOff = { lookupAfter: false, imagesAfter: false };

    log('import without a supplier');
    const plain = await withEngine(join(dir, 'plain.db'), (e) =>
      timedJob(e, { kind: 'import', payload: { path: first, ...lookupOff } }),
    );
    if ((plain.result as ImportResult).supplier) throw new Error('the plain import found a supplier');

    log('import with a supplier, then its second list');
    const dbPath = join(dir, 'suppliers.db');
    const { one, two } = await withEngine(dbPath, async (e) => {
      const one = await timedJob(e, { kind: 'import', payload: { path: first, supplier: 'Bench', ...lookupOff } });
      const two = await timedJob(e, { kind: 'import', payload: { path: second, supplier: 'Bench', ...lookupOff } });
      return { one, two };
    });
    const r1 = one.result as ImportResult;
    const r2 = two.result as ImportResult;
    if (r1.supplier?.offers !== rows || r2.supplier?.offers !== rows)
      throw new Error(`expected ${rows} offers per list, got ${r1.supplier?.offers} and ${r2.supplier?.offers}`);

    log('diff');
    const db = openDatabase(dbPath);
    let diffMs: number;
    let diff;
    try {
      const t = process.hrtime.bigint();
      diff = diffImports(db, r1.importId, r2.importId, 100);
      diffMs = Number(process.hrtime.bigint() - t) / 1e6;
    } finally {
      db.close();
    }
    if (diff.totals.added !== turnover || diff.totals.dropped !== turnover)
      throw new Error(`the diff found ${diff.totals.added} added and ${diff.totals.dropped} dropped, not ${turnover}`);

    return {
      rows,
      import_no_supplier_ms: ms(plain.seconds),
      import_with_supplier_ms: ms(one.seconds),
      import_with_supplier_ratio: Math.round((one.seconds / plain.seconds) * 1000) / 1000,
      offers_step_first_ms: r1.supplier.ms,
      second_list_import_ms: ms(two.seconds),
      offers_step_second_ms: r2.supplier.ms,
      costs_changed_second: r2.supplier.costsChanged,
      diff_ms: Math.round(diffMs * 10) / 10,
      // The figure: two 200k-row lists of one supplier (the default size); null at any other size.
      diff_ms_200k: rows === 200_000 ? Math.round(diffMs * 10) / 10 : null,
      diff_cost_up: diff.totals.costUp,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
