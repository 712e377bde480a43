import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportProducts, parseFilter } from '../../../main/analysis/export.ts';
import { analysisJobs, type AnalysisJobResult } from '../../../main/analysis/task.ts';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

let t: TestEngine;
beforeEach(
  async () =>
    (t = await startTestEngine({
      queue: { backoff: { baseMs: 20, maxMs: 200 } },
      supervisor: { restartBaseMs: 20, restartMaxMs: 200 },
    })),
);
afterEach(async () => t.stop());

const LIST = [
  'UPC,Name,Brand,Category,Unit Cost,MSRP,Weight (lb),Length (in),Width (in),Height (in)',
  '036000291452,Widget,Acme,Home & Kitchen,8,24.99,0.9,8,6,2',
  '4006381333931,Serum,Globex,Beauty,2,8.99,0.3,9,6,0.5',
  '96385074,Chair,Initech,Furniture,30,89.99,12,30,20,10',
  '012345678905,=HYPERLINK("x"),Hooli,Zeppelins,5,,,,,',
].join('\n');

async function seed() {
  const r = await t.run({ kind: 'import', payload: { path: t.file('list.csv', LIST) } });
  expect(r.status).toBe('completed');
}

describe('analysis job', () => {
  it('analyses every product in a worker and stores fees, profit, ROI and reasons with the schedule used', async () => {
    await seed();
    const job = await t.run({
      kind: 'analysis',
      payload: { all: true, date: '2026-03-01', options: { targets: { minRoi: 0.3 } } },
    });
    expect(job.result as AnalysisJobResult).toEqual({
      analyzed: 4,
      withProfit: 3,
      winners: 3,
      missingPrice: 1,
      missingDimensions: 1,
      feeSchedule: 'us-2026-01-15',
    });
    const rows = t.db
      .prepare('SELECT p.name, a.* FROM analyses a JOIN products p ON p.id = a.product_id ORDER BY p.name')
      .all() as Record<string, unknown>[];
    expect(rows.find((r) => r.name === 'Widget')).toMatchObject({
      size_tier: 'large_standard',
      fulfillment_fee: 4.6,
      referral_fee: 3.75,
      storage_fee: 0.04,
      profit: 8.6,
      roi: 1.075,
      fee_schedule: 'us-2026-01-15',
    });
    expect(rows.find((r) => r.name === 'Chair')).toMatchObject({
      size_tier: 'small_bulky',
      fulfillment_fee: 23.89,
      profit: 20.66,
    });
    const odd = rows.find((r) => r.name === '=HYPERLINK("x")')!;
    expect(odd).toMatchObject({ profit: null, roi: null, referral_category: 'Everything Else' });
    expect(JSON.parse(odd.reasons as string).join(' ')).toMatch(/Zeppelins.*No sell price.*FBA fee is unknown/);
    // Re-analysis of chosen products replaces their rows.
    // On a day in the holiday peak, the stored fee and schedule say so: $4.60 + the $0.20 peak surcharge.
    const again = await t.run({ kind: 'analysis', payload: { ids: [1, 2], date: '2026-11-01' } });
    expect(again.result).toMatchObject({ analyzed: 2, feeSchedule: 'us-2026-01-15+peak-2026' });
    expect(t.db.prepare('SELECT count(*) FROM analyses').pluck().get()).toBe(4);
    expect(
      t.db
        .prepare(
          "SELECT a.fulfillment_fee, a.fee_schedule FROM analyses a JOIN products p ON p.id = a.product_id WHERE p.name = 'Widget'",
        )
        .get(),
    ).toEqual({ fulfillment_fee: 4.8, fee_schedule: 'us-2026-01-15+peak-2026' });
  });

  it('a full run split in shards analyses every product exactly once', async () => {
    await seed();
    const jobs = analysisJobs({ all: true, date: '2026-03-01' }, 2);
    expect(jobs.map((j) => j.payload.shard)).toEqual([
      { count: 2, index: 0 },
      { count: 2, index: 1 },
    ]);
    const results = await Promise.all(jobs.map((j) => t.run(j)));
    expect(results.map((r) => (r.result as AnalysisJobResult).analyzed).reduce((a, b) => a + b)).toBe(4);
    expect(t.db.prepare('SELECT count(DISTINCT product_id) FROM analyses').pluck().get()).toBe(4);
    expect(await t.run({ kind: 'analysis', payload: { all: true, shard: { count: 2, index: 2 } } })).toMatchObject({
      status: 'failed',
      error: { code: 'bad_payload' },
    });
  });

  it('refuses a malformed request and a date before every fee schedule', async () => {
    expect(await t.run({ kind: 'analysis', payload: {} })).toMatchObject({
      status: 'failed',
      error: { code: 'bad_payload', message: expect.stringMatching(/all, or a list of ids/) },
    });
    expect(await t.run({ kind: 'analysis', payload: { all: true, date: '2020-01-01' } })).toMatchObject({
      status: 'failed',
      error: { code: 'no_fee_schedule' },
    });
  });

  it('resumes after its worker is killed and ends with exactly the analyses of an uninterrupted run', async () => {
    const path = join(t.dir, 'big.csv');
    await writeSupplierFile(path, 40_000);
    await t.run({ kind: 'import', payload: { path } }, 120_000);
    const job = t.queue.enqueue({ kind: 'analysis', payload: { all: true, date: '2026-03-01' }, maxAttempts: 10 });
    await waitFor(() => (t.queue.get(job.id).progress?.done ?? 0) > 4_000, 'the analysis to be under way');
    process.kill(t.engine.workers[0]!.pid!, 'SIGKILL');
    await waitFor(() => t.queue.get(job.id).status === 'completed', 'the analysis to finish after the kill', 120_000);
    const done = t.queue.get(job.id);
    expect(done.attempts).toBe(2);
    expect(done.result).toMatchObject({ analyzed: 40_000 });
    const snapshot = () =>
      t.db
        .prepare('SELECT product_id, sell_price, referral_fee, profit, roi, reasons FROM analyses ORDER BY product_id')
        .all();
    const killed = snapshot();
    t.db.exec('DELETE FROM analyses');
    await t.run({ kind: 'analysis', payload: { all: true, date: '2026-03-01' } }, 120_000);
    expect(snapshot()).toEqual(killed);
  });
});

describe('export', () => {
  it('writes the columns a seller filters on, filtered, formula-safe, in pages', async () => {
    await seed();
    await t.run({
      kind: 'analysis',
      payload: { all: true, date: '2026-03-01', options: { targets: { minRoi: 0.3 } } },
    });
    const out = join(t.dir, 'winners.csv');
    expect(
      await exportProducts(t.db, out, { filters: [parseFilter('roi>=30%'), parseFilter('profit>5')], page: 1 }),
    ).toBe(2);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').replace(/^\ufeff/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    // In catalog (id) order: Widget was written while reading (its barcode extended the catalog's), Chair merged after.
    expect(rows.map((r) => [r.Name, r['ROI %'], r.Verdict])).toEqual([
      ['Widget', '107.5', 'winner'],
      ['Chair', '68.9', 'winner'],
    ]);
    const all = join(t.dir, 'all.csv');
    expect(await exportProducts(t.db, all)).toBe(4);
    expect(readFileSync(all, 'utf8')).toContain(`'=HYPERLINK(""x"")`);
    await expect(exportProducts(t.db, all)).rejects.toMatchObject({ code: 'EEXIST' });
    // A decision, once made, is the verdict the export gives, with its reasons in words.
    t.db
      .prepare(
        `UPDATE analyses SET verdict = 'skip', verdict_reasons = ?
         WHERE product_id = (SELECT id FROM products WHERE name = 'Chair')`,
      )
      .run(
        JSON.stringify([
          { code: 'amazon_on_listing', severity: 'skip', text: 'Amazon sells on this listing' },
          { code: 'gated', severity: 'check', text: 'Approval required' },
        ]),
      );
    const decided = join(t.dir, 'decided.csv');
    await exportProducts(t.db, decided, { filters: [parseFilter('roi>=30%'), parseFilter('profit>5')] });
    const again = Papa.parse<Record<string, string>>(readFileSync(decided, 'utf8').replace(/^\ufeff/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(again.map((r) => [r.Name, r.Verdict, r['Verdict Reasons']])).toEqual([
      ['Widget', 'winner', ''],
      ['Chair', 'skip', 'Amazon sells on this listing; Approval required'],
    ]);
  });

  it('refuses filters it cannot read, saying what it accepts', () => {
    for (const bad of ['roi>>1', 'colour=red', 'profit>abc', '']) expect(() => parseFilter(bad)).toThrow(/roi>=0.3/);
    expect(parseFilter('rank <= 50000')).toEqual({ field: 'rank', op: '<=', value: 50000 });
  });
});
