import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const TITLED = [
  'ACME Distribution Ltd,,,',
  'Price list effective 1 March 2024,,,',
  ',,,',
  'UPC,Name,Brand,Cost',
  '036000291452,Widget,Acme,2.50',
  '4006381333931,Gadget,Globex,1.20',
  'Total items: 2,,,',
  'Page 1 of 1,,,',
].join('\n');

describe('pallet import --header-row', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());

  it('the preview says which row holds the column names and why; --header-row changes it', async () => {
    const p = tmp.file('acme.csv', TITLED);
    const found = await cli('--db', tmp.path, 'import', p, '--preview');
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/^Header: row 4\. Row 4 holds the column names: .* \(Another row: --header-row N\.\)$/m);
    const json = await cli('--db', tmp.path, 'import', p, '--preview', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ headerRow: 4, headers: ['UPC', 'Name', 'Brand', 'Cost'] });
    const chosen = await cli('--db', tmp.path, 'import', p, '--preview', '--json', '--header-row', '2');
    expect(JSON.parse(chosen.out)).toMatchObject({
      headerRow: 2,
      headerReason: 'Row 2 holds the column names, as chosen.',
    });
  });

  it('imports from the header row and counts the footer; refuses a bad --header-row with the usage', async () => {
    const p = tmp.file('acme.csv', TITLED);
    const r = await cli('--db', tmp.path, 'import', p, '--json', '--header-row', '4');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', rows: 2, created: 2, rejected: 0, footers: 2 });

    const text = await cli('--db', tmp.path, 'import', tmp.file('again.csv', TITLED + '\n'));
    expect(text.out).toMatch(
      /^Skipped 2 rows below the data that are not products \(totals, notes, page numbers\)\.$/m,
    );

    for (const bad of ['0', 'four', '1001', '-3', '2.5']) {
      const e = await cli('--db', tmp.path, 'import', p, `--header-row=${bad}`);
      expect(e.code, bad).toBe(2);
      expect(e.err).toMatch(/--header-row is the number of the line that holds the column names, from 1 to 1000/);
    }
    const blank = await cli('--db', tmp.path, 'import', p, '--preview', '--header-row', '3');
    expect(blank.code).not.toBe(0);
    expect(blank.err).toMatch(/Line 3 is blank: choose the line that holds the column names\./);
    const elsewhere = await cli('--db', tmp.path, 'imports', '--header-row', '2');
    expect(elsewhere).toMatchObject({ code: 2, err: expect.stringMatching(/--header-row only applies to "import"/) });
  });
});
