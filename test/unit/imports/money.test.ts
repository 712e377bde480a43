import { describe, expect, it } from 'vitest';
import { detectDecimalSeparator, parseMoney, parsePackSize, plainAmount } from '../../../main/imports/money.ts';

const value = (raw: string, d: '.' | ',' = '.') => {
  const r = parseMoney(raw, d);
  if (!r.ok) throw new Error(`${raw}: ${r.reason}`);
  return r;
};

describe('parseMoney', () => {
  it('reads plain amounts, currency symbols and codes', () => {
    expect(value('12.50')).toEqual({ ok: true, value: 12.5, currency: null });
    expect(value('$1,234.56')).toEqual({ ok: true, value: 1234.56, currency: 'USD' });
    expect(value('USD 7')).toMatchObject({ value: 7, currency: 'USD' });
    expect(value('£3.20')).toMatchObject({ value: 3.2, currency: 'GBP' });
    expect(value(' 9.99 ')).toMatchObject({ value: 9.99 });
    // A leading symbol and a plain amount (read without the regular expressions): as the general path reads them.
    expect(value('$7')).toEqual({ ok: true, value: 7, currency: 'USD' });
    expect(value('€12,50', ',')).toEqual({ ok: true, value: 12.5, currency: 'EUR' });
    expect(value('£0.99')).toEqual({ ok: true, value: 0.99, currency: 'GBP' });
    for (const raw of ['$12.50', '$1', '€3.5', '£10']) expect(value(raw)).toEqual(value(`${raw} `));
  });

  it('reads decimal-comma files', () => {
    expect(value('12,50 €', ',')).toMatchObject({ value: 12.5, currency: 'EUR' });
    expect(value('1.234,56', ',')).toMatchObject({ value: 1234.56 });
    expect(value('1 234,56 EUR', ',')).toMatchObject({ value: 1234.56, currency: 'EUR' });
  });

  it('reads negatives in both notations', () => {
    expect(value('-3.00').value).toBe(-3);
    expect(value('(3.00)').value).toBe(-3);
  });

  it('rejects what is not an amount', () => {
    for (const raw of ['abc', '1.2.3', '12,50', '', 'N/A', '9'.repeat(400), `$${'9'.repeat(400)}.00`])
      expect(parseMoney(raw, '.').ok).toBe(false);
    expect(parseMoney('12.50', ',')).toMatchObject({ ok: false, reason: expect.stringMatching(/decimal comma/) });
  });
});

describe('plainAmount', () => {
  it('reads digits with one decimal separator between them, and nothing else', () => {
    expect(plainAmount('12', '.')).toBe(12);
    expect(plainAmount('0012.50', '.')).toBe(12.5);
    expect(plainAmount('0,5', ',')).toBe(0.5);
    for (const raw of ['', '.5', '5.', '1.2.3', '12,50', '$1', ' 1', '1e3', '-1', '١٢'])
      expect(plainAmount(raw, '.')).toBeNaN();
    expect(plainAmount('12.50', ',')).toBeNaN();
    expect(plainAmount('9'.repeat(400), '.')).toBeNaN();
  });

  it('reads from an offset (past a currency symbol)', () => {
    expect(plainAmount('$12.50', '.', 1)).toBe(12.5);
    expect(plainAmount('$.5', '.', 1)).toBeNaN();
    expect(plainAmount('$', '.', 1)).toBeNaN();
    expect(plainAmount(`$${'1'.repeat(20)}.5`, '.', 1)).toBe(Number(`${'1'.repeat(20)}.5`));
  });

  it('reads each amount as the double Number() reads, long or short', () => {
    // Digit loops with an exact division up to 15 digits, Number() beyond: the same doubles either way.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let k = 0; k < 5000; k++) {
      const int = String(next() % 10 ** (1 + (k % 9)));
      const frac = String(next()).slice(0, k % 8);
      const raw = frac ? `${int}.${frac}` : int;
      expect(plainAmount(raw, '.')).toBe(Number(raw));
      expect(plainAmount(raw.replace('.', ','), ',')).toBe(Number(raw));
    }
    for (const raw of ['9007199254740993', '123456789012345.6', '0.000000000000001', '99999999999999.99'])
      expect(plainAmount(raw, '.')).toBe(Number(raw));
  });

  it('agrees with the general path wherever it answers', () => {
    const cells = ['7', '12.5', '12,5', '0.01', '1234567', '99,999', '3.14159', '000', '0,0', '10.'];
    for (const d of ['.', ','] as const) {
      for (const raw of cells) {
        const fast = plainAmount(raw, d);
        const slow = parseMoney(`${raw} `, d);
        if (fast === fast) expect(slow).toEqual({ ok: true, value: fast, currency: null });
      }
    }
  });
});

describe('detectDecimalSeparator', () => {
  it('votes per file', () => {
    expect(detectDecimalSeparator(['12,50', '3,99', '1.234,00'])).toBe(',');
    expect(detectDecimalSeparator(['12.50', '$3.99', '1,234.00'])).toBe('.');
    // Three digits after the only separator could be thousands: they do not vote.
    expect(detectDecimalSeparator(['1,234', '2,50'])).toBe(',');
    expect(detectDecimalSeparator([])).toBe('.');
  });
});

describe('parsePackSize', () => {
  it('reads whole units in the usual spellings', () => {
    for (const [raw, n] of [
      ['12', 12],
      ['12 pcs', 12],
      ['x6', 6],
      ['24.0', 24],
      ['6 Stk', 6],
    ] as const)
      expect(parsePackSize(raw)).toEqual({ ok: true, value: n });
    expect(parsePackSize('007')).toEqual({ ok: true, value: 7 });
    expect(parsePackSize('0')).toEqual({ ok: false, reason: 'a pack holds at least 1 unit' });
    expect(parsePackSize('1234567').ok).toBe(false);
    expect(parsePackSize('1.5').ok).toBe(false);
    expect(parsePackSize('dozen').ok).toBe(false);
  });
});
