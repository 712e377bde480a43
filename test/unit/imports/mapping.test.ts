import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  describeMapping,
  headerFingerprint,
  MappingError,
  mappingWarnings,
  proposeMapping,
  uniqueHeaders,
} from '../../../main/imports/mapping.ts';

const propose = (headers: string[]) => describeMapping(headers, proposeMapping(headers));

describe('proposeMapping', () => {
  it('maps supplier headers by synonyms in several languages', () => {
    expect(propose(['UPC Code', 'Item Description', 'Brand', 'Unit Cost', 'MSRP', 'Case Pack'])).toEqual({
      gtin: 'UPC Code',
      name: 'Item Description',
      brand: 'Brand',
      cost: 'Unit Cost',
      price: 'MSRP',
      pack_size: 'Case Pack',
    });
    expect(propose(['EAN', 'Artikelbezeichnung', 'Marke', 'Einkaufspreis', 'UVP', 'Kategorie'])).toEqual({
      gtin: 'EAN',
      name: 'Artikelbezeichnung',
      brand: 'Marke',
      cost: 'Einkaufspreis',
      price: 'UVP',
      category: 'Kategorie',
    });
    expect(propose(['Code EAN', 'Désignation', 'Marque', "Prix d'achat", 'Prix de vente'])).toEqual({
      gtin: 'Code EAN',
      name: 'Désignation',
      brand: 'Marque',
      cost: "Prix d'achat",
      price: 'Prix de vente',
    });
    expect(propose(['Barcode', 'Title', 'Item #'])).toMatchObject({ gtin: 'Barcode', name: 'Title' });
    expect(propose(['Item #', 'Description', 'Cost'])).toEqual({ gtin: 'Item #', name: 'Description', cost: 'Cost' });
  });

  it('keeps Description as description when a name column exists, and takes the best of several candidates', () => {
    expect(propose(['Name', 'Description', 'Unit Price', 'Wholesale Price'])).toEqual({
      name: 'Name',
      description: 'Description',
      cost: 'Wholesale Price',
    });
  });

  it('makes a second barcode column the fallback barcode', () => {
    expect(propose(['EAN13', 'UPC'])).toEqual({ gtin: 'UPC', gtin_alt: 'EAN13' });
  });

  it('finds barcode words inside longer headers', () => {
    expect(propose(['UGC_ean', 'sku'])).toEqual({ gtin: 'UGC_ean', sku: 'sku' });
  });

  it('maps the real-world fixtures sensibly', () => {
    const header = (file: string, d: string) =>
      readFileSync(new URL(`../../../../shared/fixtures/real/${file}`, import.meta.url), 'utf8')
        .split(/\r?\n/)[0]!
        .split(d);
    expect(propose(uniqueHeaders(header('prestashop/products_import.csv', ';')))).toMatchObject({
      gtin: 'UPC',
      gtin_alt: 'EAN13',
      sku: 'Reference #',
      name: 'Name *',
      brand: 'Manufacturer',
      cost: 'Wholesale price',
      price: 'Price tax excluded',
    });
    expect(propose(uniqueHeaders(header('woocommerce/sample_products.csv', ',')))).toMatchObject({
      sku: 'SKU',
      name: 'Name',
      price: 'Regular price',
      category: 'Categories',
    });
    expect(propose(uniqueHeaders(header('magento2/catalog_product.csv', ',')))).toMatchObject({
      sku: 'sku',
      name: 'name',
      price: 'price',
      description: 'description',
      quantity: 'qty',
    });
  });
});

describe('headers and overrides', () => {
  it('names empty headers and numbers repeats', () => {
    expect(uniqueHeaders(['UPC', '', 'Name', 'name', 'UPC'])).toEqual([
      'UPC',
      'Column 2',
      'Name',
      'name (2)',
      'UPC (2)',
    ]);
  });

  it('fingerprints the layout, not the spelling', () => {
    expect(headerFingerprint(['UPC', 'Cost'])).toBe(headerFingerprint(['upc', ' Cost ']));
    expect(headerFingerprint(['UPC', 'Cost'])).not.toBe(headerFingerprint(['Cost', 'UPC']));
  });

  it('applies overrides and refuses unknown columns or fields with the choices', () => {
    const headers = ['UPC', 'Price', 'Notes'];
    const m = applyOverrides(headers, proposeMapping(headers), { Price: 'cost', upc: 'ignore' });
    expect(describeMapping(headers, m)).toEqual({ cost: 'Price' });
    expect(() => applyOverrides(headers, {}, { Nope: 'cost' })).toThrow(
      new MappingError('The file has no column "Nope". Its columns are: UPC, Price, Notes.'),
    );
    expect(() => applyOverrides(headers, {}, { Notes: 'colour' as never })).toThrow(/"colour" is not a product field/);
  });

  it('warns when no cost or identity column was found', () => {
    expect(mappingWarnings({ gtin: 0 })).toEqual([expect.stringMatching(/No cost column/)]);
    expect(mappingWarnings({ cost: 0, name: 1 })).toEqual([expect.stringMatching(/Neither a barcode/)]);
    expect(mappingWarnings({ cost: 0, gtin: 1 })).toEqual([]);
  });
});
