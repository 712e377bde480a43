import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleFor } from '../../../main/analysis/schedule.ts';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('pallet analyze and export', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());

  it('analyses imported products and exports the winners', async () => {
    const list = join(tmp.dir, 'list.csv');
    writeFileSync(
      list,
      'UPC,Name,Brand,Category,Unit Cost,MSRP,Weight (lb),Length (in),Width (in),Height (in)\n036000291452,Widget,Acme,Home & Kitchen,8,24.99,0.9,8,6,2\n4006381333931,Dud,Globex,Toys,20,21,0.9,8,6,2\n',
    );
    expect((await cli('--db', tmp.path, 'import', list)).code).toBe(0);
    const a = await cli('--db', tmp.path, 'analyze', '--all', '--min-roi', '0.3', '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({
      status: 'completed',
      analyzed: 2,
      winners: 1,
      // The CLI analyses at today's date; in the holiday peak the id says so (`us-2026-01-15+peak-2026`).
      feeSchedule: scheduleFor(new Date()).id,
    });
    const out = join(tmp.dir, 'winners.csv');
    const e = await cli('--db', tmp.path, 'export', 'products', out, '--filter', 'roi>=0.3');
    expect(e).toMatchObject({ code: 0, out: `Wrote 1 products to ${out}.` });
    expect(readFileSync(out, 'utf8')).toMatch(/Widget,Acme,Home & Kitchen,8,24.99,file/);
  });

  it('meets bad arguments with a usage message and exit code 2', async () => {
    for (const args of [
      ['analyze'],
      ['analyze', '--all', '--ids', '1'],
      ['analyze', '--ids', '1,x'],
      ['analyze', '--all', '--min-roi', 'lots'],
      ['export', 'products'],
      ['export', 'orders', 'x.csv'],
      ['export', 'products', 'x.csv', '--filter', 'colour=red'],
      ['jobs', '--filter', 'roi>1'],
      ['import', 'a.csv', '--all'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});
