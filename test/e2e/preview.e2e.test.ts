// The import preview as suppliers' files really arrive: a title block above the header, a workbook with a cover
// sheet, and the supplier named before the import starts — in real Chromium over the real core.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';
import { waitFor } from '../support/workers.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`e2e in Chromium skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('the import preview in Chromium', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  const supplierOf = (file: string) =>
    h.app.engine.db
      .prepare('SELECT s.name FROM imports i JOIN suppliers s ON s.id = i.supplier_id WHERE i.file_name = ?')
      .pluck()
      .get(file) as string | undefined;

  it('shows the line taken as the header and lets the seller move it; the supplier named there owns the list', async () => {
    const path = join(h.dir, 'december-prices.csv');
    writeFileSync(
      path,
      'Acme Wholesale Ltd\nPrice list effective 1 December 2026\n\nUPC,Item Description,Brand,Unit Cost\n' +
        '036000291452,Widget,Acme,2.50\n4006381333931,Gadget,Globex,1.00\nTotal items: 2\n',
    );
    await h.offerFile('december-prices.csv', path);
    await h.drop(['december-prices.csv']);
    const panel = h.page.getByRole('region', { name: 'Import december-prices.csv' });
    const header = panel.getByLabel('Header on line');
    await expect.poll(() => header.inputValue()).toBe('4');
    await expect.poll(() => panel.getByLabel('Field for Item Description').inputValue()).toBe('name');
    // The wrong line: its cells become the column names; back to line 4, the mapping comes back.
    await header.fill('5');
    await header.press('Enter');
    await panel.getByLabel('Field for 036000291452').waitFor();
    await header.fill('0');
    await header.press('Enter');
    await panel.getByRole('alert').getByText('The header line is a whole number from 1 to 1000.').waitFor();
    await header.fill('4');
    await header.press('Enter');
    await expect.poll(() => panel.getByLabel('Field for Item Description').inputValue()).toBe('name');
    await panel.getByLabel('Supplier', { exact: true }).fill('Acme Wholesale');
    await panel.getByRole('button', { name: 'Start import' }).click();
    await waitFor(
      () => h.app.engine.queue.list({ kind: 'import' }).some((j) => j.status === 'completed'),
      'the import to complete',
    );
    expect(supplierOf('december-prices.csv')).toBe('Acme Wholesale');
    expect(h.app.engine.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(2);
  });

  it('a dropped workbook opens on the sheet that holds the table, and another sheet can be chosen', async () => {
    const path = join(h.dir, 'globex.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Cover').addRows([['Globex Distribution'], ['Terms: net 30']]);
    const prices = wb.addWorksheet('Prices');
    prices.addRows([
      ['UPC', 'Description', 'Brand', 'Cost'],
      ['036000291452', 'Widget', 'Acme', 2.5],
      ['4006381333931', 'Gadget', 'Globex', 1],
    ]);
    await wb.xlsx.writeFile(path);
    await h.offerFile('globex.xlsx', path);
    await h.drop(['globex.xlsx']);
    const panel = h.page.getByRole('region', { name: 'Import globex.xlsx' });
    const sheet = panel.getByLabel('Sheet');
    await expect.poll(() => sheet.inputValue()).toBe('Prices');
    expect(await sheet.locator('option').allTextContents()).toEqual(['Cover', 'Prices']);
    await expect.poll(() => panel.getByLabel('Field for Description').inputValue()).toBe('name');
    // The cover sheet holds no table: choosing it says so; choosing the prices again brings the mapping back.
    await sheet.selectOption('Cover');
    await panel.getByRole('alert').waitFor();
    expect(await panel.getByRole('button', { name: 'Start import' }).isDisabled()).toBe(true);
    await sheet.selectOption('Prices');
    await panel.getByRole('alert').waitFor({ state: 'detached' });
    await expect.poll(() => panel.getByLabel('Field for Description').inputValue()).toBe('name');
    await panel.getByRole('button', { name: 'Start import' }).click();
    await waitFor(
      () => h.app.engine.queue.list({ kind: 'import' }).some((j) => j.status === 'completed'),
      'the workbook import to complete',
    );
    expect(h.app.engine.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(2);
  });
});
