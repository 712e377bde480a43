// The Lists view's rows (main/lists/summary.ts) over a real SQLite file: supplier and previous list, stages from the
// job tree an import's job led to, found and verdict counts of each list's products, and refreshed counts once a job
// finishes. Then `imports:lists` through the real router and reader thread, bad input refused with the reason.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import type { Db } from '../../../main/db/open.ts';
import { createImportStore } from '../../../main/imports/store.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { ListQueryError, listSummaries, type ListSummary } from '../../../main/lists/summary.ts';
import { createProductReader } from '../../../main/products/reader.ts';
import type { Queue } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { createSupplierStore } from '../../../main/suppliers/store.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
beforeEach(() => void (t = openTestQueue()));
afterEach(() => t.close());

/** A finished import of `supplier` (null: none), its import job completed. */
function importList(db: Db, q: Queue, fileName: string, supplier: string | null, status = 'completed') {
  const job = q.enqueue({ kind: 'import', payload: { path: `/lists/${fileName}` } });
  const rec = createImportStore(db).create({
    jobId: job.id,
    fileName,
    filePath: `/lists/${fileName}`,
    fileSize: 10,
    fileHash: fileName,
    encoding: 'utf-8',
    delimiter: ',',
    decimal: '.',
    headers: ['UPC', 'Cost'],
    mapping: { gtin: 'UPC', cost: 'Cost' },
    fingerprint: 'f',
    errorReport: null,
  });
  if (supplier !== null)
    db.prepare('UPDATE imports SET supplier_id = ? WHERE id = ?').run(createSupplierStore(db).ensure(supplier), rec.id);
  if (status !== 'running') createImportStore(db).finish(rec.id, status as 'completed', { rows: 3 } as never);
  return { importId: rec.id, jobId: job.id };
}

/** Runs one claimed job of `kind` to completion with its progress (items done of total), enqueuing `followUps`. */
function runJob(q: Queue, kind: 'import' | 'lookup' | 'decide' | 'analysis' | 'pricing', done: number, total: number) {
  const [c] = q.claim(kind);
  if (!c) throw new Error(`no ${kind} job to claim`);
  q.progress(c.lease, { done, total });
  return c;
}

let nextProduct = 1;
/** Products of a list: `asin` null for one not found; `verdict` with an analysis. */
function addProducts(
  db: Db,
  importId: number,
  items: { asin: string | null; verdict?: 'buy' | 'check' | 'skip' | null; status?: string }[],
  opts: { history: boolean } = { history: true },
) {
  const supplier = db.prepare('SELECT supplier_id FROM imports WHERE id = ?').pluck().get(importId) as number | null;
  for (const it of items) {
    const id = nextProduct++;
    db.prepare(
      `INSERT INTO products (id, gtin14, name, cost, asin, lookup_status, import_id, created_import_id, created_at, updated_at)
       VALUES (?, ?, ?, 5, ?, ?, ?, ?, 1, 1)`,
    ).run(
      id,
      String(10_000_000_000_000 + id),
      `Item ${id}`,
      it.asin,
      it.status ?? (it.asin ? 'found' : 'not_found'),
      importId,
      importId,
    );
    if (opts.history && supplier !== null)
      db.prepare(
        'INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost) VALUES (?, ?, ?, 5)',
      ).run(supplier, id, importId);
    if (it.verdict !== undefined)
      db.prepare(
        `INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee,
           fulfillment_fee, other_costs, unit_cost, total_fees, profit, margin, roi, flags, reasons, fee_schedule, computed_at, verdict)
         VALUES (?, 'US', 20, 'amazon', 'toys', 3, 4, 0, 5, 7, 8, 0.4, 0.3, '[]', '[]', 'us', 1, ?)`,
      ).run(id, it.verdict);
  }
}
beforeEach(() => void (nextProduct = 1));

const byId = (lists: ListSummary[], id: number) => lists.find((l) => l.id === id)!;
const stage = (l: ListSummary, s: string) => l.stages.find((x) => x.stage === s)!;

describe('listSummaries', () => {
  it("names each list's supplier and the same supplier's previous list, newest first", () => {
    const { db, queue } = t;
    const a1 = importList(db, queue, 'acme-jan.csv', 'Acme');
    const b1 = importList(db, queue, 'bolt-jan.csv', 'Bolt');
    const failed = importList(db, queue, 'acme-broken.csv', 'Acme', 'failed');
    const a2 = importList(db, queue, 'acme-feb.csv', 'acme');
    const loose = importList(db, queue, '2026-03.csv', null);
    const lists = listSummaries(db);
    expect(lists.map((l) => l.fileName)).toEqual([
      '2026-03.csv',
      'acme-feb.csv',
      'acme-broken.csv',
      'bolt-jan.csv',
      'acme-jan.csv',
    ]);
    expect(byId(lists, a2.importId)).toMatchObject({ supplier: 'Acme', previousId: a1.importId });
    // A failed list is no "last list" to compare with.
    expect(byId(lists, failed.importId)).toMatchObject({ status: 'failed', previousId: a1.importId });
    expect(byId(lists, a1.importId).previousId).toBeNull();
    expect(byId(lists, b1.importId)).toMatchObject({ supplier: 'Bolt', previousId: null });
    expect(byId(lists, loose.importId)).toMatchObject({ supplier: null, previousId: null });
    expect(listSummaries(db, { limit: 2 }).map((l) => l.id)).toEqual([loose.importId, a2.importId]);
    expect(listSummaries(db, { limit: 2, before: a2.importId }).map((l) => l.id)).toEqual([
      failed.importId,
      b1.importId,
    ]);
  });

  it('counts found products and buy / check / skip per list, from what each list named', () => {
    const { db, queue } = t;
    const a1 = importList(db, queue, 'acme-jan.csv', 'Acme');
    addProducts(db, a1.importId, [
      { asin: 'B000000001', verdict: 'buy' },
      { asin: 'B000000002', verdict: 'buy' },
      { asin: 'B000000003', verdict: 'skip' },
      { asin: 'B000000004', verdict: null },
      { asin: null },
    ]);
    const a2 = importList(db, queue, 'acme-feb.csv', 'Acme');
    addProducts(db, a2.importId, [
      { asin: 'B000000010', verdict: 'check' },
      { asin: null, status: 'pending' },
    ]);
    // The second list also named product 1 (same barcode): it counts for both lists.
    db.prepare('INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost) VALUES (1, 1, ?, 6)').run(
      a2.importId,
    );
    const loose = importList(db, queue, '2026-03.csv', null);
    addProducts(db, loose.importId, [{ asin: 'B000000020', verdict: 'skip' }, { asin: null }, { asin: null }]);
    // A list still importing has nothing counted yet.
    const running = importList(db, queue, 'acme-mar.csv', 'Acme', 'running');

    const lists = listSummaries(db);
    expect(byId(lists, a1.importId)).toMatchObject({
      products: 5,
      found: 4,
      analysed: 4,
      lookupPending: 0,
      verdicts: { buy: 2, check: 0, skip: 1 },
    });
    expect(byId(lists, a2.importId)).toMatchObject({
      products: 3,
      found: 2,
      lookupPending: 1,
      verdicts: { buy: 1, check: 1, skip: 0 },
    });
    expect(byId(lists, loose.importId)).toMatchObject({
      products: 3,
      found: 1,
      verdicts: { buy: 0, check: 0, skip: 1 },
    });
    expect(byId(lists, running.importId)).toMatchObject({ status: 'running', products: 0, found: 0 });
  });

  it("groups the jobs an import led to by stage, with rate and ETA while one runs, and leaves other lists' out", () => {
    const { db, queue, clock } = t;
    const a = importList(db, queue, 'acme.csv', 'Acme');
    const b = importList(db, queue, 'bolt.csv', 'Bolt');
    addProducts(db, a.importId, [{ asin: 'B000000001' }, { asin: null, status: 'pending' }]);
    // Both import jobs complete; a's queues a lookup, which queues a decision.
    const ia = runJob(queue, 'import', 2, 2);
    queue.complete(ia.lease, {}, { followUps: [{ kind: 'lookup', payload: { provider: 'auto', scope: 'pending' } }] });
    const ib = runJob(queue, 'import', 5, 5);
    queue.complete(ib.lease, {});
    let l = byId(listSummaries(db), a.importId);
    expect(stage(l, 'import')).toMatchObject({ state: 'done', jobIds: [a.jobId], done: 2, total: 2 });
    expect(stage(l, 'lookup')).toMatchObject({ state: 'queued', done: 0 });

    const lookup = runJob(queue, 'lookup', 0, 200);
    clock.advance(2000);
    queue.progress(lookup.lease, { done: 100, total: 200 });
    l = byId(listSummaries(db), a.importId);
    const running = stage(l, 'lookup');
    expect(running).toMatchObject({ state: 'running', jobIds: [lookup.job.id], done: 100, total: 200 });
    expect(running.ratePerSec).toBeGreaterThan(0);
    expect(running.etaMs).toBeGreaterThan(0);
    // Nothing priced or analysed for this list yet: both wait for the lookup.
    expect(stage(l, 'pricing').state).toBe('pending');
    expect(stage(l, 'analysis').state).toBe('pending');

    queue.complete(lookup.lease, {}, { followUps: [{ kind: 'decide', payload: { ids: [1], priority: 1 } }] });
    const decide = runJob(queue, 'decide', 0, 1);
    l = byId(listSummaries(db), a.importId);
    expect(stage(l, 'lookup')).toMatchObject({ state: 'done', done: 200, total: 200 });
    expect(stage(l, 'analysis')).toMatchObject({ state: 'running', jobIds: [decide.job.id] });
    // No pricing job: the decision priced the list.
    expect(stage(l, 'pricing')).toMatchObject({ state: 'skipped', jobIds: [] });
    // The other list's tree holds only its import.
    const other = byId(listSummaries(db), b.importId);
    expect(other.stages.flatMap((s) => s.jobIds)).toEqual([b.jobId]);
  });

  it('recounts a finished list once a job finishes anywhere (a sweep, a re-analysis), not before', () => {
    const { db, queue } = t;
    const a = importList(db, queue, 'acme.csv', 'Acme');
    addProducts(db, a.importId, [{ asin: 'B000000001', verdict: 'check' }]);
    queue.complete(runJob(queue, 'import', 1, 1).lease, {});
    expect(byId(listSummaries(db), a.importId).verdicts).toEqual({ buy: 0, check: 1, skip: 0 });
    // Re-analysis writes a new verdict; until its job finishes the kept count stands.
    const again = queue.enqueue({ kind: 'analysis', payload: { all: true } });
    const [c] = queue.claim('analysis');
    db.prepare(`UPDATE analyses SET verdict = 'buy' WHERE product_id = 1`).run();
    expect(byId(listSummaries(db), a.importId).verdicts).toEqual({ buy: 0, check: 1, skip: 0 });
    t.clock.advance(1000);
    queue.complete(c!.lease, {});
    expect(queue.get(again.id).status).toBe('completed');
    expect(byId(listSummaries(db), a.importId).verdicts).toEqual({ buy: 1, check: 0, skip: 0 });
  });

  it('stages from the data when the jobs are gone (pruned) or belong to another list', () => {
    const { db, queue } = t;
    const a = importList(db, queue, 'acme.csv', 'Acme');
    addProducts(db, a.importId, [
      { asin: 'B000000001', verdict: 'buy' },
      { asin: 'B000000002', verdict: 'skip' },
      { asin: null },
    ]);
    db.prepare('UPDATE imports SET job_id = NULL').run();
    const l = byId(listSummaries(db), a.importId);
    expect(l.stages.map((s) => [s.stage, s.state, s.done, s.total])).toEqual([
      ['import', 'done', 3, 3],
      ['lookup', 'done', 3, 3],
      ['pricing', 'skipped', 0, null],
      ['analysis', 'done', 2, 2],
    ]);
  });

  it('refuses a bad limit or cursor with the reason', () => {
    expect(() => listSummaries(t.db, { limit: 0 })).toThrow(ListQueryError);
    expect(() => listSummaries(t.db, { limit: 501 })).toThrow(/from 1 to 500/);
    expect(() => listSummaries(t.db, { limit: 1.5 })).toThrow(/whole number/);
    expect(() => listSummaries(t.db, { before: -1 })).toThrow(/import id/);
    expect(listSummaries(t.db)).toEqual([]);
  });
});

describe('imports:lists over IPC', () => {
  it('answers from the reader thread, and refuses bad input with INVALID_INPUT and a message', async () => {
    const { db, queue } = t;
    const a = importList(db, queue, 'acme.csv', 'Acme');
    addProducts(db, a.importId, [{ asin: 'B000000001', verdict: 'buy' }, { asin: null }]);
    const reader = createProductReader(t.path);
    try {
      const router = createRouter({
        handlers: createHandlers({
          db,
          queue,
          version: 't',
          reader,
          exportDir: () => join(t.dir, 'exports'),
          app: {
            settings: createMemorySettings(),
            secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
            sampleDir: t.dir,
            files: fakeShell().files,
            fileRoots: () => [t.dir],
          },
        }),
        appOrigin: 'app://pallet',
        classify: classifyError,
      });
      const call = (payload: unknown) =>
        router.handle('imports:lists', payload, { url: 'app://pallet/index.html', isMainFrame: true });
      const ok = (await call(undefined)) as { ok: true; value: ListSummary[] };
      expect(ok.ok).toBe(true);
      expect(ok.value).toHaveLength(1);
      expect(ok.value[0]).toMatchObject({ fileName: 'acme.csv', supplier: 'Acme', products: 2, found: 1 });
      expect(ok.value[0]!.verdicts).toEqual({ buy: 1, check: 0, skip: 0 });
      expect(await call({ limit: 1 })).toMatchObject({ ok: true });
      for (const bad of [{ limit: 0 }, { limit: 'ten' }, { limit: 10, extra: 1 }, 'all']) {
        const r = (await call(bad)) as { ok: false; error: { code: string; message: string } };
        expect(r.ok).toBe(false);
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(r.error.message.length).toBeGreaterThan(10);
      }
    } finally {
      await reader.close();
    }
  });
});
