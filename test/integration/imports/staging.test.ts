import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pushRow } from '../../../main/imports/product-row.ts';
import { openStaging, type StagedRow } from '../../../main/imports/staging.ts';
import type { CleanProduct } from '../../../main/imports/validate.ts';
import { product } from '../../support/catalog-rows.ts';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** Twenty rows from product `from` on, flat as the router hands them over, each changed by `over`. */
const rows = (from: number, over: (i: number) => Partial<CleanProduct>) => {
  const out: unknown[] = [];
  for (let i = 0; i < 20; i++) pushRow(out, from + i + 1, product(from + i, over(i)));
  return out;
};

describe('staging', () => {
  it('stores each row its own currency and attributes, whether a list agrees on them (bound once) or not', () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-staging-'));
    const staging = openStaging(join(dir, 'import-1.db'));
    try {
      staging.stage(
        rows(1, () => ({})),
        rows(21, (i) => ({
          currency: i % 2 ? 'EUR' : 'GBP',
          attributes: i % 3 ? { Colour: `c${i}` } : ({} as Record<string, string>),
        })),
      );
      // A long value every row shares is bound per row (a statement is prepared per value written into it).
      staging.stage(rows(41, () => ({ currency: 'CAD', attributes: { Size: 'L'.repeat(100) } })));
      const got = staging.db
        .prepare<[], Pick<StagedRow, 'row' | 'currency' | 'attributes'>>(
          'SELECT row, currency, attributes FROM staged ORDER BY row',
        )
        .all()
        .map((r) => [r.currency, r.attributes]);
      expect(got).toHaveLength(60);
      expect(got.slice(0, 20).every(([c, a]) => c === 'USD' && a === '{}')).toBe(true);
      expect(got.slice(20, 40)).toEqual(
        Array.from({ length: 20 }, (_, i) => [
          i % 2 ? 'EUR' : 'GBP',
          i % 3 ? JSON.stringify({ Colour: `c${i}` }) : '{}',
        ]),
      );
      expect(got.slice(40).every(([c, a]) => c === 'CAD' && a === `{"Size":"${'L'.repeat(100)}"}`)).toBe(true);
    } finally {
      staging.close();
    }
  });
});
