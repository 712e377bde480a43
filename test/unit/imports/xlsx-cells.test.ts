import { describe, expect, it } from 'vitest';
import { columnIndex, isDateFormat, numberText, serialToIso } from '../../../main/imports/xlsx/cells.ts';
import { createStringTable } from '../../../main/imports/xlsx/shared-strings.ts';

describe('xlsx cell text', () => {
  it('writes integer-valued numbers as their digits, without exponent or decimals', () => {
    expect(numberText(36000291452)).toBe('36000291452');
    expect(numberText(4006381333931)).toBe('4006381333931');
    expect(numberText(4.006381333931e12)).toBe('4006381333931');
    expect(numberText(12)).toBe('12');
    expect(numberText(-3)).toBe('-3');
  });

  it('prints a stored canonical number of up to 15 digits as its stored text (the sheet reader passes those through)', () => {
    let x = 7;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + (next() % 15);
      let ds = String(1 + (next() % 9));
      for (let d = 1; d < digits; d++) ds += String(next() % 10);
      // The point anywhere (or nowhere), leading "0.000…" included; a decimal never ends in 0.
      const point = next() % (digits + 4);
      let v = ds;
      if (point < digits) v = point === 0 ? ds : `${ds.slice(0, point)}.${ds.slice(point)}`;
      else if (point > digits) v = `0.${'0'.repeat(point - digits - 1)}${ds}`;
      if (v.includes('.')) v = v.replace(/0+$/, '').replace(/\.$/, '');
      if (v.replace(/[-.]/g, '').length > 15) continue;
      for (const text of [v, `-${v}`]) expect(numberText(Number(text)), text).toBe(text);
    }
    expect(numberText(Number('0'))).toBe('0');
    expect(numberText(Number('999999999999999'))).toBe('999999999999999');
  });

  it('writes other numbers at 15 significant digits, as Excel shows them', () => {
    expect(numberText(2.5)).toBe('2.5');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(19.99)).toBe('19.99');
    expect(numberText(1e-7)).toBe('0.0000001');
  });

  it('turns date serials into ISO dates, in both date systems', () => {
    expect(serialToIso(45356, false)).toBe('2024-03-05');
    expect(serialToIso(45356.5, false)).toBe('2024-03-05T12:00:00');
    expect(serialToIso(45356 - 1462, true)).toBe('2024-03-05');
    expect(serialToIso(1, false)).toBe('1900-01-01');
  });

  it('tells date formats from number formats', () => {
    expect(isDateFormat(14, undefined)).toBe(true);
    expect(isDateFormat(164, 'yyyy-mm-dd')).toBe(true);
    expect(isDateFormat(165, '#,##0.00')).toBe(false);
    expect(isDateFormat(166, '"Days" 0')).toBe(false);
    expect(isDateFormat(167, '[Red]0.00')).toBe(false);
    expect(isDateFormat(0, 'General')).toBe(false);
  });

  it('reads column letters of cell references', () => {
    expect(columnIndex('A1')).toBe(0);
    expect(columnIndex('Z9')).toBe(25);
    expect(columnIndex('AB12')).toBe(27);
    expect(columnIndex('12')).toBe(-1);
  });

  it('keeps shared strings by index across its storage blocks', () => {
    const t = createStringTable();
    const words = Array.from({ length: 50_000 }, (_, i) => `naïve ${i} ${'x'.repeat(i % 300)}`);
    for (const w of words) t.push(w);
    expect(t.size).toBe(words.length);
    for (const i of [0, 1, 777, 49_999]) expect(t.get(i)).toBe(words[i]);
    expect(t.get(50_000)).toBeUndefined();
  });
});
