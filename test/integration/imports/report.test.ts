// The report a seller reads: every rejected row, duplicate and warning of an import, through real worker processes,
// in a file of the database's own (two databases in one folder never share one).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../main/app/engine.ts';
import { reportsDir } from '../../../main/imports/data-paths.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { FINISHED_STATUSES } from '../../../main/queue/types.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

/** The report's lines after its header, split in cells the simple way (no cell here holds a comma). */
const reportLines = (path: string) =>
  readFileSync(path, 'utf8')
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n');

// Rows 3 and 6 are rejected; rows 4, 5 and 7 are imported with a warning; row 2 is clean.
const MIXED = [
  'UPC,Name,Brand,Cost,Quantity',
  '036000291452,Widget,Acme,2.50,3',
  '4006381333931,Gadget,Globex,abc,1',
  '96385074,Thing,Initech,1.00,2.5',
  '12345,Sprocket,Initech,4.00,1',
  ',Nameless,,1.00,1',
  '4006381333948,Bolt,Acme,1.00,lots',
  '',
].join('\n');

describe('import report', () => {
  let t: TestEngine | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  it('lists 2 rejected and 3 warned rows in row order with their levels, and counts them', async () => {
    t = await startTestEngine();
    const job = await t.run({ kind: 'import', payload: { path: t.file('mixed.csv', MIXED), lookupAfter: false } });
    expect(job.error).toBeNull();
    const r = job.result as ImportResult;
    expect(r).toMatchObject({ rows: 6, created: 4, rejected: 2, warnings: 3, duplicates: 0 });
    expect(r.report).toBe(r.errorReport);
    expect(dirname(r.errorReport!)).toBe(reportsDir(t.path));
    const lines = reportLines(r.errorReport!);
    expect(lines[0]).toBe('Row,Level,Message,UPC,Name,Brand,Cost,Quantity');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual([
      '3 error',
      '4 warning',
      '5 warning',
      '6 error',
      '7 warning',
    ]);
    expect(lines[1]).toBe('3,error,"Cost: ""abc"" not an amount",4006381333931,Gadget,Globex,abc,1');
    expect(lines[2]).toMatch(/^4,warning,"Quantity: ""2\.5"" not a whole number",96385074,Thing,Initech,1\.00,2\.5$/);
    expect(lines[3]).toMatch(/^5,warning,"UPC: ""12345"" .*imported by name and brand instead",12345,Sprocket,/);
    // The job's recorded problems carry the same rows, warnings by their code.
    const recorded = t.queue.recentErrors(job.id, 10).map((e) => `${e.row_number} ${e.code}`);
    expect(recorded.sort()).toEqual([
      '3 row_rejected',
      '4 row_warning',
      '5 row_warning',
      '6 row_rejected',
      '7 row_warning',
    ]);
  });

  it('keeps a report of warnings alone; a clean file leaves none', async () => {
    t = await startTestEngine();
    const warned = await t.run({
      kind: 'import',
      payload: { path: t.file('warned.csv', 'UPC,Name,Brand,Cost,Quantity\n036000291452,Widget,Acme,2.50,2.5\n') },
    });
    const w = warned.result as ImportResult;
    expect(w).toMatchObject({ rejected: 0, duplicates: 0, warnings: 1 });
    expect(reportLines(w.errorReport!).slice(1)).toEqual([
      '2,warning,"Quantity: ""2.5"" not a whole number",036000291452,Widget,Acme,2.50,2.5',
    ]);
    const clean = await t.run({
      kind: 'import',
      payload: { path: t.file('clean.csv', 'UPC,Name,Brand,Cost\n4006381333931,Gadget,Globex,1\n') },
    });
    expect(clean.result).toMatchObject({ warnings: 0, errorReport: null, report: null });
  });

  it('two databases in one folder write two reports, each with its own rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-two-dbs-'));
    const engines: Engine[] = [];
    try {
      const run = async (db: string, csv: string) => {
        const e = await createEngine({ dbPath: join(dir, db), launcher: createNodeLauncher(), workers: 1 });
        engines.push(e);
        const path = join(dir, `${db}.csv`);
        writeFileSync(path, csv);
        const job = e.queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false } });
        await waitFor(() => FINISHED_STATUSES.includes(e.queue.get(job.id).status), `the import into ${db}`, 60_000);
        return e.queue.get(job.id).result as ImportResult;
      };
      // Both are import #1 of their database: the old shared `reports/import-1-errors.csv` would be one file.
      const a = await run('a.db', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,x-a\n');
      const b = await run('b.db', 'UPC,Name,Brand,Cost\n4006381333931,Gadget,Globex,y-b\n96385074,Thing,Initech,z-b\n');
      expect(a.importId).toBe(1);
      expect(b.importId).toBe(1);
      expect(a.errorReport).not.toBe(b.errorReport);
      expect(reportLines(a.errorReport!).slice(1)).toEqual([
        '2,error,"Cost: ""x-a"" not an amount",036000291452,Widget,Acme,x-a',
      ]);
      expect(
        reportLines(b.errorReport!)
          .slice(1)
          .map((l) => l.split(',')[0]),
      ).toEqual(['2', '3']);
      expect(readFileSync(b.errorReport!, 'utf8')).not.toContain('x-a');
    } finally {
      for (const e of engines) await e.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
