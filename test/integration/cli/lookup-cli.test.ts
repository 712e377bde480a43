import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliSecrets } from '../../../main/cli/lookup-commands.ts';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('pallet lookup and catalog import', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());
  const file = (name: string, text: string) => tmp.file(name, text);

  it('imports a reference catalog, looks up in it, and reports the status', async () => {
    expect(
      (
        await cli(
          '--db',
          tmp.path,
          'import',
          file('l.csv', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2\n4006381333931,Gadget,Globex,3\n'),
        )
      ).code,
    ).toBe(0);
    const before = await cli('--db', tmp.path, 'lookup', '--status', '--json');
    expect(JSON.parse(before.out)).toMatchObject({ total: 2, percentComplete: 0, counts: { pending: 2 } });
    const cat = await cli(
      '--db',
      tmp.path,
      'catalog',
      'import',
      file('keepa.csv', 'ASIN,UPC,Title\nB000WIDGET,036000291452,Widget\n'),
    );
    expect(cat).toMatchObject({ code: 0, out: 'Reference catalog: 1 barcode → ASIN pairs from 1 rows of keepa.csv.' });
    const run = await cli('--db', tmp.path, 'lookup', '--provider', 'catalog', '--all', '--json');
    expect(JSON.parse(run.out)).toMatchObject({
      status: 'completed',
      looked: 2,
      found: 1,
      notFound: 1,
      provider: 'catalog',
    });
    expect((await cli('--db', tmp.path, 'lookup', '--status')).out).toMatch(
      /^2 products with a barcode, 100% looked up: 0 pending, 0 looking up, 1 found, 1 not found/,
    );
  });

  it('says what is missing without SP-API credentials, and reads them only from PALLET_SPAPI_*', async () => {
    const r = await cli('--db', tmp.path, 'lookup', '--provider', 'spapi');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No SP-API credentials/);
    expect(cliSecrets({ PALLET_SPAPI_CLIENT_ID: 'id', PALLET_SPAPI_REFRESH_TOKEN: 'tok' })).toEqual({
      'spapi.clientId': 'id',
      'spapi.refreshToken': 'tok',
    });
  });

  it('meets bad arguments with a usage message and exit code 2', async () => {
    for (const args of [
      ['lookup', '--provider', 'google'],
      ['lookup', '--all', '--pending'],
      ['lookup', 'x'],
      ['catalog', 'export', 'x'],
      ['jobs', '--provider', 'spapi'],
      ['lookup', '--ids', 'a'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});
