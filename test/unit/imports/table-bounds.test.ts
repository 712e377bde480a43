import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { findHeaderRow, isFooterRow } from '../../../main/imports/table-bounds.ts';

/** Rows of a CSV as the import reads them: every record, blank ones too. */
const rows = (csv: string) => Papa.parse<string[]>(csv, { delimiter: ',', skipEmptyLines: false }).data;

const DATA = ['036000291452,Widget,Acme,2.50,5.99', '4006381333931,Gadget,Globex,1.20,3.49'];

describe('findHeaderRow', () => {
  it.each([
    ['a header on line 1', ['UPC,Description,Brand,Cost,MSRP', ...DATA], 0],
    [
      'a company name, a date and a blank line, then the header on line 4',
      [
        'ACME Distribution Ltd,,,,',
        'Price list effective 1 March 2024,,,,',
        ',,,,',
        'UPC,Description,Brand,Cost,MSRP',
        ...DATA,
      ],
      3,
    ],
    [
      'a merged heading (one filled cell, then empties) above the header',
      ['Spring Catalogue 2024', '', 'UPC,Description,Brand,Cost,MSRP', ...DATA],
      2,
    ],
    [
      'a two-line header whose second line names the columns',
      ['Supplier item,Supplier item,Product,Pricing,Pricing', 'UPC,Description,Brand,Cost,MSRP', ...DATA],
      1,
    ],
    [
      'short key/value rows (customer, date) above the header',
      ['Customer:,Joe’s Shop,,,', 'Date:,01/03/2024,,,', '', 'UPC,Description,Brand,Cost,MSRP', ...DATA],
      3,
    ],
    [
      'Windows-1252 title rows (accents, the euro sign)',
      [
        'Société Générale de Distribution — Tarifs 2024',
        'Prix en €, TVA non comprise',
        'EAN,Désignation,Marque,Prix d’achat,Prix de vente',
        '4006381333931,Gadget,Globex,"1,20","3,49"',
      ],
      2,
    ],
    ['blank lines only above the header', ['', '', 'UPC,Description,Brand,Cost,MSRP', ...DATA], 2],
    [
      'an address line as wide as the table, above a header',
      ['ACME Inc,123 Main St,Springfield,IL 62701,USA', 'UPC,Description,Brand,Cost,MSRP', ...DATA],
      1,
    ],
    [
      'headers in no language Pallet knows, followed by data',
      ['Kod,Naziv,Cijena', '1001,Stolica,12.50', '1002,Stol,40'],
      0,
    ],
  ])('%s', (_, lines, index) => {
    const found = findHeaderRow(rows(lines.join('\n')));
    expect(found.index).toBe(index);
    expect(found.reason).toMatch(new RegExp(`^Row ${index + 1} holds the column names`));
  });

  it('says why in plain words: the names it knows, the data after it, the rows skipped', () => {
    const { reason } = findHeaderRow(
      rows(
        [
          'ACME Distribution Ltd,,,,',
          'Price list effective 1 March 2024,,,,',
          '',
          'UPC,Description,Brand,Cost,MSRP',
          ...DATA,
        ].join('\n'),
      ),
    );
    expect(reason).toBe(
      'Row 4 holds the column names: it names columns Pallet knows (UPC, Description, Brand, Cost…) and data rows follow it. Rows 1–3 above it (a title and blank rows) were skipped.',
    );
    expect(findHeaderRow(rows(['UPC,Cost', '036000291452,1'].join('\n'))).reason).toBe(
      'Row 1 holds the column names: it names columns Pallet knows (UPC, Cost) and data rows follow it.',
    );
  });

  it('falls back to the first row with content when no row looks like column names', () => {
    expect(findHeaderRow(rows('\n\nonly one column\nvalue\n'))).toEqual({
      index: 2,
      reason: 'No row looks clearly like column names, so row 3, the first with anything in it, is used as the header.',
    });
    expect(findHeaderRow([]).index).toBe(0);
    expect(findHeaderRow([[''], ['']]).index).toBe(0);
  });

  it('looks at the first 50 rows only', () => {
    const many = [...Array.from({ length: 60 }, (_, i) => `Note ${i}`), 'UPC,Name,Cost', '036000291452,A,1'];
    expect(findHeaderRow(rows(many.join('\n'))).reason).toMatch(/^No row looks clearly/);
  });
});

describe('isFooterRow', () => {
  it.each([
    ['Total'],
    ['Subtotal,,,,125.40'],
    ['Sub-total:,,,125.40'],
    ['Grand total,,,,"1,234.56"'],
    ['TOTAL ITEMS: 40'],
    ['Total items,40'],
    ['Total (excl. VAT),,,$512.00'],
    ['Thank you for your business!'],
    ['Thanks for your order'],
    ['Page 1 of 3'],
    [',,Page 2/3'],
    ['Prices subject to change without notice.'],
    ['"All prices in USD, excluding tax"'],
    ['E&OE'],
    ['E & O.E.'],
    ['Printed on 01/03/2024 10:15,,,,Page 1 of 1'],
    ['Number of items: 40'],
    ['End of price list'],
    ['Gesamtsumme,,,"1.234,56"'],
  ])('"%s" is a footer', (line) => {
    expect(isFooterRow(rows(line)[0]!)).toBe(true);
  });

  it.each([
    ['Total Gym Pro,036000291452,Total,129.99', 'a product named Total… with a barcode'],
    ['036000291452,Total Gym Pro,Total Fitness,129.99', 'the name after the barcode'],
    ['Totally Nuts 200g,,Nutco,3.20', 'a name starting with "Totally"'],
    ['Total Gym Pro,,,129.99', 'a name that is not a summary ("Total Gym")'],
    ['Total,4006381333931', 'a barcode beside the word'],
    ['Total,items,of,this,list', 'more than three filled cells'],
    ['036000291452,Widget,Acme,2.50', 'a plain product row'],
    [',,,', 'a blank row (counted as blank, not as a footer)'],
    ['Page 1 of 3,Widget', 'a word that is neither a number nor a footer phrase beside it'],
  ])('"%s" is not a footer: %s', (line) => {
    expect(isFooterRow(rows(line)[0]!)).toBe(false);
  });
});
