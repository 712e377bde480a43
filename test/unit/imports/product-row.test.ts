import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  pushRow,
  ROW_COLUMNS,
  ROW_WIDTH,
  sqlLiteral,
  statementsByColumns,
} from '../../../main/imports/product-row.ts';
import { product } from '../../support/catalog-rows.ts';

const CURRENCY = ROW_COLUMNS.indexOf('currency');
const ATTRIBUTES = ROW_COLUMNS.indexOf('attributes');

/** `n` rows flat, product `i` changed by `over(i)`. */
const rows = (n: number, over: (i: number) => Parameters<typeof product>[1] = () => ({})) => {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) pushRow(out, i + 2, product(i + 1, over(i)));
  return out;
};

describe('sqlLiteral', () => {
  it('quotes strings (doubling quotes), writes finite numbers and NULL, refuses anything else', () => {
    expect(sqlLiteral("kid's")).toBe("'kid''s'");
    expect(sqlLiteral(2.5)).toBe('2.5');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqlLiteral({})).toThrow(TypeError);
    expect(() => sqlLiteral('a\0b')).toThrow(TypeError);
  });
});

describe('statementsByColumns', () => {
  it('leaves out empty columns, writes in a currency and attributes every row agrees on, binds them per row otherwise', () => {
    const made: { cols: number[]; shared: string[] }[] = [];
    const pick = statementsByColumns((cols, shared) => {
      made.push({ cols, shared: shared.map((x) => `${ROW_COLUMNS[x.col]}=${x.sql}`) });
      return {};
    });
    const same = pick(rows(3));
    expect(same.shared.map((x) => x.col)).toEqual([CURRENCY, ATTRIBUTES]);
    expect(same.cols).not.toContain(CURRENCY);
    expect(same.cols).not.toContain(ROW_COLUMNS.indexOf('mpn'));
    expect(made[0]!.shared).toEqual(["currency='USD'", "attributes='{}'"]);
    // The same columns and values again: the same statements.
    expect(pick(rows(5))).toBe(same);
    const mixed = pick(rows(3, (i) => ({ currency: i ? 'EUR' : 'USD' })));
    expect(mixed.shared.map((x) => x.col)).toEqual([ATTRIBUTES]);
    expect(mixed.cols).toContain(CURRENCY);
    // Another shared value is another statement.
    expect(pick(rows(3, () => ({ currency: 'CAD' }))).shared[0]!.sql).toBe("'CAD'");
    expect(made).toHaveLength(3);
  });

  it('binds a value holding a NUL per row (it would end the statement)', () => {
    const pick = statementsByColumns(() => ({}));
    // (Attributes are JSON, which escapes a NUL; a flat row may hold one anywhere.)
    const values = rows(3, () => ({ currency: 'U\0D' }));
    const s = pick(values);
    expect(s.shared.map((x) => x.col)).toEqual([ATTRIBUTES]);
    expect(s.cols).toContain(CURRENCY);
  });

  it('past `max` sets, binds every column of every row', () => {
    const pick = statementsByColumns(() => ({}), 2);
    pick(rows(2, () => ({ currency: 'AUD' })));
    pick(rows(2, () => ({ currency: 'CAD' })));
    const all = pick(rows(2, () => ({ currency: 'EUR' })));
    expect(all.cols).toHaveLength(ROW_WIDTH);
    expect(all.shared).toEqual([]);
  });

  it('takes the columns of the rows a list is part of, as the parsing thread scanned them', () => {
    const MPN = ROW_COLUMNS.indexOf('mpn');
    const whole = rows(4, (i) => ({ mpn: i === 3 ? 'M-1' : null, currency: 'EUR' }));
    const columns = columnsOf(whole);
    expect(columns.filled & (1 << MPN)).not.toBe(0);
    expect(columns.same).toBe(0b11);
    const pick = statementsByColumns(() => ({}));
    // The first two rows alone fill no MPN: given the whole list's columns, the column is bound all the same.
    const part = whole.slice(0, 2 * ROW_WIDTH);
    expect(pick(part).cols).not.toContain(MPN);
    const given = pick(part, columns);
    expect(given.cols).toContain(MPN);
    expect(given.shared.map((x) => x.sql)).toEqual(["'EUR'", "'{}'"]);
  });
});
