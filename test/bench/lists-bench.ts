// The Lists view's summary (main/lists/summary.ts) over a catalog of `rows` products: one supplier's list naming them
// all, that supplier's earlier list naming half, and a list without a supplier (counted by a pass over products).
// Cold: the first read, every list counted; warm: read again with nothing changed (the counts kept); after a job
// finishes: every list counted again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../main/db/open.ts';
import { listSummaries } from '../../main/lists/summary.ts';
import { createQueue } from '../../main/queue/queue.ts';

export async function runListsBench(o: { rows?: number; log: (l: string) => void }) {
  const rows = o.rows ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'pallet-lists-bench-'));
  const db = openDatabase(join(dir, 'pallet.db'));
  try {
    const now = Date.now();
    db.prepare(`INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 0)`).run();
    for (const [id, supplier] of [
      [1, 1],
      [2, 1],
      [3, null],
    ] as const)
      db.prepare(
        `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers,
           mapping, fingerprint, status, created_at, supplier_id)
         VALUES (?, ?, '/x', 1, 'h', 'utf-8', ',', '.', '[]', '{}', 'f', 'completed', 0, ?)`,
      ).run(id, `list-${id}.csv`, supplier);
    o.log(`writing ${rows} products, their offers and analyses`);
    db.transaction(() => {
      const product = db.prepare(
        `INSERT INTO products (id, gtin14, name, brand, cost, asin, lookup_status, attributes, import_id,
           created_import_id, created_at, updated_at)
         VALUES (?, ?, ?, 'Brand', 5, ?, ?, '{"colour":"red","size":"large"}', 2, ?, ?, ?)`,
      );
      const offer = db.prepare(
        'INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost) VALUES (1, ?, ?, 5)',
      );
      const analysis = db.prepare(
        `INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee,
           fulfillment_fee, other_costs, unit_cost, total_fees, profit, margin, roi, flags, reasons, fee_schedule,
           computed_at, verdict)
         VALUES (?, 'US', 20, 'amazon', 'toys', 3, 4, 0, 5, 7, 8, 0.4, 0.3, '[]', '[]', 'us', 1, ?)`,
      );
      const verdicts = ['buy', 'check', 'skip'];
      for (let i = 1; i <= rows; i++) {
        const found = i % 4 !== 0;
        product.run(
          i,
          String(10_000_000_000_000 + i),
          `Product name ${i}`,
          found ? `B0${String(i).padStart(8, '0')}` : null,
          found ? 'found' : 'not_found',
          i % 10 === 0 ? 3 : 1,
          now,
          now,
        );
        offer.run(i, 2);
        if (i % 2 === 0) offer.run(i, 1);
        if (found) analysis.run(i, verdicts[i % 3]);
      }
    })();
    const time = () => {
      const t0 = performance.now();
      const lists = listSummaries(db, { limit: 100 });
      return { ms: Math.round(performance.now() - t0), lists };
    };
    const cold = time();
    const warm = time();
    // A job finishing anywhere (a sweep, a re-analysis) makes every list count again.
    const queue = createQueue({ db });
    queue.enqueue({ kind: 'noop', payload: null });
    const [c] = queue.claim('noop');
    queue.complete(c!.lease, null);
    const recount = time();
    const big = cold.lists.find((l) => l.id === 2)!;
    return {
      products: rows,
      lists: cold.lists.length,
      list_products: big.products,
      list_found: big.found,
      lists_cold_ms: cold.ms,
      lists_warm_ms: warm.ms,
      lists_after_job_ms: recount.ms,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
