import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticUpc } from '../../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import type { UndoResult } from '../../../main/imports/undo.ts';
import { diffImports, DiffError } from '../../../main/suppliers/diff.ts';
import { createSupplierStore } from '../../../main/suppliers/store.ts';
import { pinCostSupplier } from '../../../main/suppliers/offers.ts';
import { offerRows } from '../../../main/suppliers/offer-rows.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';

let t: TestEngine;
beforeEach(async () => (t = await startTestEngine()));
afterEach(async () => t.stop());

const UPC = [0, 1, 2, 3, 4].map(syntheticUpc);
const gtin14 = (upc: string) => upc.padStart(14, '0');

/** A price list: [upc index, cost] rows. */
const list = (rows: [number, number][]) =>
  ['UPC,Name,Unit Cost,Case Pack', ...rows.map(([i, c]) => `${UPC[i]},Item ${i},${c.toFixed(2)},${i + 1}`)].join('\n');

async function importOk(name: string, rows: [number, number][], payload: Record<string, unknown> = {}) {
  const path = t.file(name, list(rows));
  const job = await t.run({ kind: 'import', payload: { path, lookupAfter: false, ...payload } });
  expect(job.error).toBeNull();
  return job.result as ImportResult;
}
const costOf = (i: number) =>
  t.db.prepare('SELECT cost FROM products WHERE gtin14 = ?').pluck().get(gtin14(UPC[i]!)) as number;
// Every offer a supplier made on a product: the values of the latest of its completed lists naming it, and the first
// and last such list (read from the history directly, not through the code under test).
const offers = () =>
  t.db
    .prepare(
      `SELECT s.name AS supplier, p.gtin14, h.cost, h.case_pack, f.first, f.last
       FROM (SELECT i.supplier_id, x.product_id, min(i.id) AS first, max(i.id) AS last
             FROM imports i JOIN ${offerRows("i.status = 'completed'")} x ON x.import_id = i.id
             GROUP BY i.supplier_id, x.product_id) f
       JOIN ${offerRows("i.status = 'completed'")} h ON h.import_id = f.last AND h.product_id = f.product_id
       JOIN suppliers s ON s.id = f.supplier_id JOIN products p ON p.id = f.product_id
       ORDER BY s.name, p.gtin14`,
    )
    .all();

describe('supplier offers', () => {
  it('records what a staged list said, not what the catalog kept: an empty pack cell is no case pack; products it named are its', async () => {
    // Globex's list first: products 0–3 exist with case packs 1–4.
    await importOk('globex.csv', [
      [0, 5],
      [1, 6],
      [2, 7],
      [3, 8],
    ]);
    // Acme lists them in another order (staged and merged), one changed cost, one pack cell left empty.
    const path = t.file(
      'Acme_2026-11.csv',
      [
        'UPC,Name,Unit Cost,Case Pack',
        `${UPC[3]},Item 3,8.00,4`,
        `${UPC[1]},Item 1,4.00,`,
        `${UPC[2]},Item 2,7.00,3`,
      ].join('\n'),
    );
    const job = await t.run({ kind: 'import', payload: { path, lookupAfter: false } });
    expect(job.error).toBeNull();
    const acme = job.result as ImportResult;
    expect([acme.created, acme.updated, acme.unchanged]).toEqual([0, 1, 2]);
    const history = t.db
      .prepare(
        `SELECT p.gtin14, h.cost, h.case_pack FROM ${offerRows('i.id = :imp')} h JOIN products p ON p.id = h.product_id
         ORDER BY p.gtin14`,
      )
      .all({ imp: acme.importId });
    expect(history).toEqual([
      { gtin14: gtin14(UPC[1]!), cost: 4, case_pack: null },
      { gtin14: gtin14(UPC[2]!), cost: 7, case_pack: 3 },
      { gtin14: gtin14(UPC[3]!), cost: 8, case_pack: 4 },
    ]);
    // The catalog kept its pack size for the empty cell; every product the list named, changed or not, is the list's.
    expect(t.db.prepare('SELECT pack_size FROM products WHERE gtin14 = ?').pluck().get(gtin14(UPC[1]!))).toBe(2);
    expect(t.db.prepare('SELECT count(*) FROM products WHERE seen_import_id = ?').pluck().get(acme.importId)).toBe(3);
  });

  it('records the first row of a barcode the list repeats, when the repeat was staged behind a row written at once', async () => {
    // Rows 2 and 3 extend the empty catalog and go in at once; row 4 repeats row 2 below the index's end: staged, then
    // found a duplicate by the merge. The offer is row 2's, as the product is.
    const r = await importOk('Acme_2026-12.csv', [
      [1, 5],
      [3, 6],
      [1, 9],
    ]);
    expect([r.created, r.duplicates]).toEqual([2, 1]);
    expect(costOf(1)).toBe(5);
    expect(offers()).toEqual([
      { supplier: 'Acme', gtin14: gtin14(UPC[1]!), cost: 5, case_pack: 2, first: r.importId, last: r.importId },
      { supplier: 'Acme', gtin14: gtin14(UPC[3]!), cost: 6, case_pack: 4, first: r.importId, last: r.importId },
    ]);
  });

  it('keeps both offers of one UPC from two suppliers; the product costs the lower', async () => {
    const a = await importOk('Acme_Pricelist_2026-11.csv', [
      [0, 5],
      [1, 3],
    ]);
    const b = await importOk('b.csv', [[0, 4]], { supplier: 'Globex' });
    expect(offers()).toEqual([
      { supplier: 'Acme', gtin14: gtin14(UPC[0]!), cost: 5, case_pack: 1, first: a.importId, last: a.importId },
      { supplier: 'Acme', gtin14: gtin14(UPC[1]!), cost: 3, case_pack: 2, first: a.importId, last: a.importId },
      { supplier: 'Globex', gtin14: gtin14(UPC[0]!), cost: 4, case_pack: 1, first: b.importId, last: b.importId },
    ]);
    expect(costOf(0)).toBe(4);
    // Acme's next list at a lower cost than Globex's: the product follows the best offer.
    await importOk('acme pricelist dec.csv', [
      [0, 3.5],
      [1, 3],
    ]);
    expect(costOf(0)).toBe(3.5);
    // Globex lists it cheaper again, while Acme's list (written later, in a file that names a higher cost) is older.
    await importOk('globex.csv', [[0, 9]], { supplier: 'globex' });
    expect(costOf(0)).toBe(3.5);
    expect(
      createSupplierStore(t.db)
        .list()
        .map((s) => [s.name, s.imports.length, s.currentOffers]),
    ).toEqual([
      ['Acme', 2, 2],
      ['Globex', 2, 1],
    ]);
  });

  it("diffs a supplier's second list and follows its costs; undo puts the first list back", async () => {
    const first = await importOk('Acme_2026-10.csv', [
      [0, 10],
      [1, 20],
      [2, 30],
      [3, 40],
    ]);
    const second = await importOk('Acme_2026-11.csv', [
      [0, 12], // up 2
      [1, 15], // down 5
      [2, 30], // same
      [4, 7], // new; 3 dropped
    ]);
    const d = diffImports(t.db, first.importId, second.importId);
    expect(d.sameSupplier).toBe(true);
    expect(d.added.map((x) => [x.gtin, x.cost])).toEqual([[gtin14(UPC[4]!), 7]]);
    expect(d.dropped.map((x) => [x.gtin, x.cost])).toEqual([[gtin14(UPC[3]!), 40]]);
    expect(d.costUp).toEqual([
      expect.objectContaining({ gtin: gtin14(UPC[0]!), name: 'Item 0', from: 10, to: 12, change: 2, changePct: 0.2 }),
    ]);
    expect(d.costDown).toEqual([
      expect.objectContaining({ gtin: gtin14(UPC[1]!), from: 20, to: 15, change: -5, changePct: -0.25 }),
    ]);
    expect(d.unchanged).toBe(1);
    expect(d.totals).toEqual({ added: 1, dropped: 1, costUp: 1, costDown: 1, verdictChanged: 0 });
    expect([0, 1, 2, 3, 4].map(costOf)).toEqual([12, 15, 30, 40, 7]);

    // Another supplier offers the dropped product: with Acme's current list silent on it, its offer is the best.
    await importOk('other.csv', [[3, 45]], { supplier: 'Initech' });
    expect(costOf(3)).toBe(45);

    const undo = await t.run({ kind: 'import_undo', payload: { importId: second.importId } });
    expect(undo.error).toBeNull();
    expect((undo.result as UndoResult).offers).toMatchObject({ removed: 4 });
    // Acme's first list is current again: its costs come back, the product only the undone list had is gone.
    expect([0, 1, 2, 3].map(costOf)).toEqual([10, 20, 30, 40]);
    expect(costOf(4)).toBeUndefined();
    expect(offers().filter((o) => (o as { supplier: string }).supplier === 'Acme')).toEqual(
      [0, 1, 2, 3].map((i) =>
        expect.objectContaining({ gtin14: gtin14(UPC[i]!), first: first.importId, last: first.importId }),
      ),
    );
    expect(() => diffImports(t.db, first.importId, second.importId)).toThrow(/has no supplier offers.*undone/);
    expect(() => diffImports(t.db, first.importId, 999)).toThrow(DiffError);
  });

  it('names the products whose verdict changed after the later list arrived', async () => {
    const first = await importOk('acme 1.csv', [
      [0, 5],
      [1, 3],
      [2, 7],
    ]);
    const idOf = (i: number) =>
      t.db.prepare('SELECT id FROM products WHERE gtin14 = ?').pluck().get(gtin14(UPC[i]!)) as number;
    const decideAt = (i: number, verdict: string, at: number) =>
      t.db
        .prepare(
          `INSERT INTO analyses (product_id, marketplace, referral_category, other_costs, fee_schedule, computed_at, verdict, decided_at)
           VALUES (?, 'US', 'Everything Else', 0, 'test', ?, ?, ?)
           ON CONFLICT (product_id, marketplace) DO UPDATE SET verdict = excluded.verdict, decided_at = excluded.decided_at`,
        )
        .run(idOf(i), at, verdict, at);
    const listed = t.db.prepare('SELECT created_at FROM imports WHERE id = ?').pluck();
    const before = (listed.get(first.importId) as number) + 1;
    decideAt(0, 'buy', before);
    decideAt(1, 'buy', before);
    decideAt(2, 'check', before);
    const second = await importOk('acme 2.csv', [
      [0, 9],
      [1, 3],
      [2, 6],
    ]);
    const after = (listed.get(second.importId) as number) + 1;
    decideAt(0, 'skip', after); // the cost rose: no longer worth buying
    decideAt(1, 'buy', after); // the same verdict: not a change
    decideAt(2, 'buy', after);
    // A product decided only after the list has nothing to compare with.
    const d = diffImports(t.db, first.importId, second.importId);
    expect(d.totals.verdictChanged).toBe(2);
    expect(d.verdictChanged.map((v) => [v.gtin, v.from, v.to, v.costFrom, v.costTo])).toEqual([
      [gtin14(UPC[0]!), 'buy', 'skip', 5, 9],
      [gtin14(UPC[2]!), 'check', 'buy', 7, 6],
    ]);
    // The same answer whichever order the two imports are given in.
    expect(diffImports(t.db, second.importId, first.importId).totals.verdictChanged).toBe(2);
  });

  it("keeps a pinned supplier's cost when another supplier lists the product cheaper", async () => {
    await importOk('a.csv', [[0, 5]], { supplier: 'Acme' });
    const id = t.db.prepare('SELECT id FROM products WHERE gtin14 = ?').pluck().get(gtin14(UPC[0]!)) as number;
    const acme = createSupplierStore(t.db).byName('acme')!.id;
    t.db.transaction(() => pinCostSupplier(t.db, id, acme))();
    await importOk('b.csv', [[0, 2]], { supplier: 'Globex' });
    expect(costOf(0)).toBe(5);
    t.db.transaction(() => pinCostSupplier(t.db, id, null))();
    expect(costOf(0)).toBe(2);
    expect(() => pinCostSupplier(t.db, id, 99)).toThrow('That supplier never offered product');
  });

  it("undoing the import that created a product drops every supplier's offer on it", async () => {
    const first = await importOk('a.csv', [[0, 5]], { supplier: 'Acme' });
    await importOk('b.csv', [[0, 5]], { supplier: 'Globex' }); // the same values: the product stays Acme's import's
    const undo = await t.run({ kind: 'import_undo', payload: { importId: first.importId } });
    expect((undo.result as UndoResult).deleted).toBe(1);
    expect(offers()).toEqual([]);
    expect(
      createSupplierStore(t.db)
        .list()
        .map((s) => [s.name, s.currentOffers]),
    ).toEqual([
      ['Acme', 0],
      ['Globex', 0],
    ]);
  });

  it('proposes the supplier remembered with the mapping, then the file name', async () => {
    const r = await importOk('x.csv', [[0, 1]], { supplier: 'Wonka', rememberMapping: true });
    const next = await importOk('Globex_Pricelist.csv', [[0, 2]]);
    const names = t.db
      .prepare('SELECT i.id, s.name FROM imports i LEFT JOIN suppliers s ON s.id = i.supplier_id ORDER BY i.id')
      .all();
    expect(names).toEqual([
      { id: r.importId, name: 'Wonka' },
      { id: next.importId, name: 'Wonka' },
    ]);
  });
});
