import { describe, expect, it } from 'vitest';
import { proposeMapping } from '../../../main/imports/mapping.ts';
import { createRowValidator } from '../../../main/imports/validate.ts';

const headers = ['UPC', 'Name', 'Brand', 'Unit Cost', 'Case Cost', 'Case Pack', 'MSRP', 'Color'];
const validate = createRowValidator({ headers, mapping: proposeMapping(headers), decimal: '.' });

describe('row validation', () => {
  it('normalizes a good row, keeps unmapped columns as attributes and scores it', () => {
    const out = validate(['036000291452', ' Widget ', 'Acme', '$2.50', '', '6', '9.99', 'Blue']);
    expect(out).toMatchObject({
      kind: 'ok',
      product: {
        gtin14: '00036000291452',
        name: 'Widget',
        brand: 'Acme',
        cost: 2.5,
        currency: 'USD',
        price: 9.99,
        packSize: 6,
        attributes: { Color: 'Blue' },
        nameBrandKey: null,
      },
      warnings: [],
    });
    if (out.kind === 'ok') expect(out.product.qualityScore).toBe(15 + 10 + 20 + 6 + 6);
  });

  it('derives the unit cost from a case cost and the case pack', () => {
    expect(validate(['036000291452', 'W', 'A', '', '$12.00', '6', '', ''])).toMatchObject({
      kind: 'ok',
      product: { cost: 2 },
    });
    expect(validate(['036000291452', 'W', 'A', '', '$12.00', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ column: 'Case Cost', reason: expect.stringMatching(/case pack/) }],
    });
  });

  it('accepts a row without a valid barcode when name and brand identify it, with a warning', () => {
    expect(validate(['1234567890123', 'Widget', 'Acme', '1.00', '', '', '', ''])).toMatchObject({
      kind: 'ok',
      product: { gtin14: null, nameBrandKey: 'acme|widget' },
      warnings: [
        { column: 'UPC', value: '1234567890123', reason: expect.stringMatching(/check digit.*name and brand/) },
      ],
    });
  });

  it('rejects rows with the column, the value and the reason', () => {
    expect(validate(['1234567890123', 'Widget', '', '1.00', '', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ column: 'UPC', value: '1234567890123', reason: expect.stringMatching(/check digit/) }],
    });
    expect(validate(['036000291452', 'W', 'A', 'abc', '', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ column: 'Unit Cost', value: 'abc', reason: 'not an amount' }],
    });
    expect(validate(['036000291452', 'W', 'A', '0', '', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ reason: 'the cost must be more than 0' }],
    });
    expect(validate(['036000291452', 'W', 'A', '', '', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ column: 'Unit Cost', reason: 'no cost' }],
    });
    expect(validate(['8.90103E+12', 'W', '', '1', '', '', '', ''])).toMatchObject({
      kind: 'rejected',
      problems: [{ reason: expect.stringMatching(/scientific notation/) }],
    });
  });

  it('skips blank rows and keeps fields beyond the header', () => {
    expect(validate(['', ' ', ''])).toEqual({ kind: 'blank' });
    expect(validate(['036000291452', 'W', 'A', '1', '', '', '', '', 'extra'])).toMatchObject({
      kind: 'ok',
      product: { attributes: { 'Column 9': 'extra' } },
    });
  });

  it('warns about optional cells it cannot read but keeps the row', () => {
    const out = validate(['036000291452', 'W', 'A', '1', '', 'a dozen', 'free', '']);
    expect(out).toMatchObject({ kind: 'ok', product: { packSize: null, price: null } });
    if (out.kind === 'ok') expect(out.warnings.map((w) => w.column)).toEqual(['Case Pack', 'MSRP']);
  });
});

describe('weights and package sides', () => {
  it('convert to pounds and inches by the unit the header names', () => {
    const h = ['UPC', 'Cost', 'Weight (kg)', 'Length (cm)', 'Width (mm)', 'Height'];
    const v = createRowValidator({ headers: h, mapping: proposeMapping(h), decimal: ',' });
    expect(v(['036000291452', '2,50', '1,5', '25,4', '254', '3 in'])).toMatchObject({
      kind: 'ok',
      product: { weightLb: 3.3069, lengthIn: 10, widthIn: 10, heightIn: 3 },
    });
    const bad = v(['036000291452', '2,50', 'heavy', '', '', '']);
    expect(bad).toMatchObject({
      kind: 'ok',
      product: { weightLb: null },
      warnings: [{ column: 'Weight (kg)', reason: 'not a positive number' }],
    });
  });
});
