import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingOverrides } from '../../../main/imports/mapping.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { encode } from '../../support/encodings.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';

const fixture = (name: string) => new URL(`../../../../shared/fixtures/real/${name}`, import.meta.url).pathname;

let t: TestEngine;
beforeAll(async () => (t = await startTestEngine()));
afterAll(async () => t.stop());

async function importFile(path: string, mapping?: MappingOverrides) {
  const job = await t.run({ kind: 'import', payload: { path, mapping } });
  expect(job.error).toBeNull();
  expect(job.status).toBe('completed');
  return job.result as ImportResult;
}

const reportRows = (r: ImportResult) =>
  readFileSync(r.errorReport!, 'utf8')
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r\n/);

describe('real-world exports import with clear outcomes', () => {
  it('PrestaShop products: semicolons, placeholder EAN with a bad check digit → identified by name and brand', async () => {
    const r = await importFile(fixture('prestashop/products_import.csv'));
    expect(r).toMatchObject({ delimiter: ';', rows: 7, created: 7, rejected: 0, warnings: 7 });
    // Nothing was left out, but every row was kept with a warning a seller can read in the report.
    const lines = reportRows(r);
    expect(lines).toHaveLength(8);
    expect(lines.slice(1).every((l) => /^\d+,warning,/.test(l))).toBe(true);
    expect(lines[1]).toMatch(/^2,warning,"EAN13: ""1234567890123"" check digit does not match.*name and brand/);
    expect(r.mapping).toMatchObject({ gtin: 'UPC', gtin_alt: 'EAN13', cost: 'Wholesale price', brand: 'Manufacturer' });
    const errors = t.queue.recentErrors(1, 10);
    expect(errors[0]!.message).toMatch(/EAN13 "1234567890123": check digit does not match.*name and brand/);
  });

  it('PrestaShop combinations: leading-zero EANs, mostly bad check digits, a ragged row', async () => {
    const r = await importFile(fixture('prestashop/combinations_import.csv'));
    expect(r).toMatchObject({ rows: 27, created: 5, rejected: 22 });
    const report = reportRows(r);
    expect(report[0]).toMatch(/^Row,Level,Message,Product ID\*,/);
    expect(report).toHaveLength(23);
    expect(report[1]).toMatch(/^3,error,"UPC: ""457698445011"" check digit does not match/);
  });

  it('PrestaShop 1.4: CRLF, ragged rows, Word punctuation; a row without a cost is rejected with the column', async () => {
    const r = await importFile(fixture('prestashop-1.4/products_import.csv'));
    expect(r).toMatchObject({ rows: 2, created: 1, rejected: 1 });
    expect(reportRows(r)[1]).toMatch(/^2,error,Wholesale price: no cost,1,1,iPod Nano/);
    const c = await importFile(fixture('prestashop-1.4/combinations_import.csv'));
    expect(c).toMatchObject({ rows: 2, created: 0, rejected: 2 });
  });

  it('WooCommerce and Magento exports (no cost, no brand, no barcode) are rejected row by row, not as a crash', async () => {
    const w = await importFile(fixture('woocommerce/sample_products.csv'), { 'Regular price': 'cost' });
    expect(w).toMatchObject({ rows: 24, created: 0, rejected: 24 });
    expect(reportRows(w)[1]).toMatch(/no barcode, and not both a name and a brand/);
    const m = await importFile(fixture('magento2/catalog_product.csv'));
    expect(m).toMatchObject({ rows: 7, rejected: 7 });
  });

  it('Open Food Facts: a very wide tab-separated .csv, and a retailer export with decimal commas and scientific notation', async () => {
    const a = await importFile(fixture('openfoodfacts/agena.csv'));
    expect(a).toMatchObject({ delimiter: '\t', rows: 1, rejected: 1 });
    const map: MappingOverrides = { UGC_libEcommerce: 'name', UGC_libMarque: 'brand', UGC_MesureNette: 'cost' };
    const s = await importFile(fixture('openfoodfacts/SUYQD_AKENEO_PU_02.csv'), map);
    expect(s).toMatchObject({ delimiter: ';', rows: 5, created: 5, rejected: 0 });
    const beer = t.db
      .prepare(`SELECT gtin14, name, cost, attributes FROM products WHERE gtin14 = '03368954957557'`)
      .get() as Record<string, string>;
    expect(beer).toMatchObject({ name: "Bière blonde d'Abbaye Höellingem  6,5°, 6x25cl", cost: 1.5 });
    expect(JSON.parse(beer.attributes!)).toMatchObject({ SVE_idRubrique: '1,76701E+15' });
    // The same file with its scientific-notation column as the barcode: rejected with the reason, nothing guessed.
    const sci = await importFile(fixture('openfoodfacts/SUYQD_AKENEO_PU_02.csv'), {
      ...map,
      UGC_ean: 'ignore',
      categories: 'gtin',
      UGC_libMarque: 'ignore',
    });
    expect(sci).toMatchObject({ rows: 5, created: 0, rejected: 5 });
    expect(reportRows(sci).slice(1).join('\n')).toMatch(
      /categories: ""1,76701E\+15"" scientific notation: the spreadsheet rounded the barcode/,
    );
  });

  it('the same retailer file saved as Windows-1252 gives exactly the same products as UTF-8', async () => {
    const map: MappingOverrides = { UGC_libEcommerce: 'name', UGC_libMarque: 'brand', UGC_MesureNette: 'cost' };
    const text = readFileSync(fixture('openfoodfacts/SUYQD_AKENEO_PU_02.csv'), 'utf8');
    const before = t.products();
    const r = await importFile(t.file('suyqd-latin1.csv', encode(text, 'windows-1252')), map);
    expect(r).toMatchObject({ encoding: 'windows-1252', rows: 5, created: 0, unchanged: 5, updated: 0 });
    expect(t.products()).toEqual(before);
  });
});
