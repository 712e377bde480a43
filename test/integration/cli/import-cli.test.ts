import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('pallet import, template, undo-import', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());
  const file = (name: string, text: string) => tmp.file(name, text);

  it('previews a file without importing anything', async () => {
    const p = file('list.csv', 'Barcode;Artikel;Marke;Preis netto;Notes\n036000291452;Widget;Acme;2,50;x\n');
    const r = await cli(
      '--db',
      tmp.path,
      'import',
      p,
      '--preview',
      '--json',
      '--map',
      'Artikel=name',
      '--map',
      'Preis netto=cost',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      encoding: 'utf-8',
      delimiter: ';',
      decimal: ',',
      mapping: { gtin: 'Barcode', name: 'Artikel', brand: 'Marke', cost: 'Preis netto' },
      warnings: [],
      rows: [['036000291452', 'Widget', 'Acme', '2,50', 'x']],
    });
    expect((await cli('--db', tmp.path, 'imports', '--json')).out).toBe('[]');
  });

  it('imports with --json in the documented shape, then undoes it', async () => {
    const p = file(
      'list.csv',
      'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n036000291452,Widget,Acme,2.50\nbad,Thing,,1\n',
    );
    const r = await cli('--db', tmp.path, 'import', p, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining([
        'jobId',
        'status',
        'rows',
        'created',
        'updated',
        'unchanged',
        'duplicates',
        'rejected',
        'errorReport',
        'report',
        'rejectedSample',
        'warningSample',
        'encoding',
        'delimiter',
        'mapping',
        'elapsedMs',
      ]),
    );
    expect(out).toMatchObject({
      status: 'completed',
      rows: 3,
      created: 1,
      duplicates: 1,
      rejected: 1,
      delimiter: ',',
      mapping: { gtin: 'UPC', cost: 'Cost' },
    });
    expect(readFileSync(out.errorReport, 'utf8')).toContain('has characters other than digits');

    const text = await cli('--db', tmp.path, 'imports');
    expect(text.out).toMatch(/^#1\tcompleted\tlist\.csv\t3 rows, 1 created/);
    const undo = await cli('--db', tmp.path, 'undo-import', String(out.importId));
    expect(undo).toMatchObject({ code: 0, out: 'Undid import #1: 1 products removed, 0 restored.' });
    const again = await cli('--db', tmp.path, 'undo-import', '1');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already undone/);
  });

  it('shows the first 5 rejected rows and 5 warnings and the report; --json carries them bounded', async () => {
    const rows = ['UPC,Name,Brand,Cost,Quantity'];
    // Rows 2–8 rejected (a cost that is no amount), rows 9–14 kept with a warning (a quantity not a whole number).
    for (let i = 0; i < 7; i++) rows.push(`,Thing ${i},Acme,abc${i},1`);
    for (let i = 0; i < 6; i++) rows.push(`,Widget ${i},Acme,1.00,${i}.5`);
    const p = file('mixed.csv', rows.join('\n') + '\n');
    const r = await cli('--db', tmp.path, 'import', p);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/0 duplicates, 7 rejected, 6 with warnings\.$/);
    expect(lines.slice(1, 7)).toEqual([
      'Rows left out (first 5 of 7):',
      '  row 2: Cost: "abc0" not an amount',
      '  row 3: Cost: "abc1" not an amount',
      '  row 4: Cost: "abc2" not an amount',
      '  row 5: Cost: "abc3" not an amount',
      '  row 6: Cost: "abc4" not an amount',
    ]);
    expect(lines[7]).toBe('Rows imported with warnings (first 5 of 6):');
    expect(lines[8]).toBe('  row 9: Quantity: "0.5" not a whole number');
    expect(lines[12]).toBe('  row 13: Quantity: "4.5" not a whole number');
    expect(lines[13]).toMatch(/^Report of every row needing attention: .*pallet\.db\.reports[\\/]import-1\.csv$/);
    expect(
      readFileSync(lines[13]!.replace(/^[^:]+: /, ''), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(14);

    const j = JSON.parse((await cli('--db', tmp.path, 'import', p, '--json')).out);
    expect(j).toMatchObject({ rejected: 7, warnings: 6, report: j.errorReport });
    expect(j.report).toMatch(/import-2\.csv$/);
    expect(j.rejectedSample).toHaveLength(5);
    expect(j.warningSample).toHaveLength(5);
    expect(j.rejectedSample[0]).toEqual({ row: 2, message: 'Cost: "abc0" not an amount' });
    expect(j.warningSample[4]).toEqual({ row: 13, message: 'Quantity: "4.5" not a whole number' });
  });

  it('reports a failed import with its reason and exit code 1', async () => {
    const r = await cli('--db', tmp.path, 'import', file('empty.csv', ''));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/import failed: The file is empty/);
    const j = await cli('--db', tmp.path, 'import', join(tmp.dir, 'missing.csv'), '--json');
    expect(JSON.parse(j.out)).toMatchObject({ status: 'failed', error: { code: 'unreadable' } });
  });

  it('writes a template whose every column maps back to its field', async () => {
    const out = join(tmp.dir, 'template.csv');
    expect((await cli('--db', tmp.path, 'template', out)).code).toBe(0);
    const headers = Papa.parse<string[]>(readFileSync(out, 'utf8').replace(/^\ufeff/, '')).data[0]!;
    const preview = await cli('--db', tmp.path, 'import', out, '--preview', '--json');
    expect(Object.values(JSON.parse(preview.out).mapping).sort()).toEqual([...headers].sort());
    const again = await cli('--db', tmp.path, 'template', out);
    expect(again).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) });
    // Header only: completes with 0 rows.
    expect(JSON.parse((await cli('--db', tmp.path, 'import', out, '--json')).out)).toMatchObject({
      status: 'completed',
      rows: 0,
    });
  });

  it('meets bad arguments with a usage message and exit code 2', async () => {
    for (const args of [
      ['import'],
      ['import', 'a.csv', 'b.csv'],
      ['import', 'a.csv', '--map', 'UPC'],
      ['import', 'a.csv', '--map', 'UPC=colour'],
      ['import', 'a.csv', '--decimal', ';'],
      ['jobs', '--preview'],
      ['undo-import', 'x'],
      ['undo-import', '0'],
      ['template'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});
