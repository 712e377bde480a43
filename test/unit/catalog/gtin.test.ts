import { describe, expect, it } from 'vitest';
import { displayGtin, expandUpcE, gs1CheckDigit, normalizeGtin } from '../../../main/catalog/gtin.ts';

const ok = (raw: string) => {
  const r = normalizeGtin(raw);
  if (!r.ok) throw new Error(`${raw}: ${r.reason}`);
  return r;
};
const reason = (raw: string) => {
  const r = normalizeGtin(raw);
  if (r.ok) throw new Error(`${raw} was accepted as ${r.gtin14}`);
  return r.reason;
};

describe('GS1 check digits', () => {
  it('computes known check digits', () => {
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
  });
});

describe('normalizeGtin', () => {
  it('pads UPC-A, EAN-13, EAN-8 and keeps GTIN-14', () => {
    expect(ok('036000291452')).toMatchObject({ gtin14: '00036000291452', format: 'UPC-A' });
    expect(ok('4006381333931')).toMatchObject({ gtin14: '04006381333931', format: 'EAN-13' });
    expect(ok('96385074')).toMatchObject({ gtin14: '00000096385074', format: 'EAN-8' });
    expect(ok('10036000291459')).toMatchObject({ gtin14: '10036000291459', format: 'GTIN-14' });
  });

  it('expands UPC-E to UPC-A', () => {
    expect(expandUpcE('04252614')).toBe('042100005264');
    expect(ok('04252614')).toMatchObject({ gtin14: '00042100005264', format: 'UPC-E' });
  });

  it('turns ISBN-10 into its EAN-13 (978) form, with an X check character', () => {
    expect(ok('0306406152')).toMatchObject({ gtin14: '09780306406157', format: 'ISBN-10' });
    expect(ok('0-8044-2957-X')).toMatchObject({ gtin14: '09780804429573', format: 'ISBN-10' });
  });

  it('removes dashes, spaces, a trailing .0, an Excel apostrophe and | wrappers', () => {
    for (const raw of ['0-36000-29145-2', ' 036000 291452 ', '36000291452.0', "'036000291452", '|036000291452|']) {
      expect(ok(raw).gtin14).toBe('00036000291452');
    }
  });

  it('restores leading zeros a spreadsheet dropped, only when the check digit validates', () => {
    expect(ok('36000291452').gtin14).toBe('00036000291452'); // 11 digits: the UPC lost its leading 0
    expect(reason('36000291453')).toMatch(/check digit/);
  });

  it('rejects Excel scientific notation as unrecoverable, never guessing', () => {
    for (const raw of ['8.90103E+12', '1,76701E+15', '1.10102e16'])
      expect(reason(raw)).toMatch(/scientific notation.*digits are lost/);
  });

  it('rejects bad check digits, letters, zeros and wrong lengths with a reason', () => {
    expect(reason('1234567890123')).toMatch(/check digit/); // the PrestaShop placeholder
    expect(reason('12AB567890128')).toMatch(/other than digits/);
    expect(reason('000000000000')).toMatch(/zeros/);
    expect(reason('12345')).toMatch(/only 5 digits/);
    expect(reason('123456789012345678')).toMatch(/at most 14/);
    expect(reason('')).toBe('empty');
  });

  it('shows GTINs in their familiar form', () => {
    expect(displayGtin('00036000291452')).toBe('036000291452');
    expect(displayGtin('04006381333931')).toBe('4006381333931');
    expect(displayGtin('10036000291459')).toBe('10036000291459');
  });
});
