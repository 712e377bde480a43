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
