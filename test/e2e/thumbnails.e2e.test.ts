// Thumbnails under the CSP, in Chromium over the real core: a supplier file names a local photo, the images job
// stores it, and the products table shows it from `pallet-image://product/<id>` (answered by the same handler the
// Electron protocol uses). A remote image is still refused by the page's Content-Security-Policy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { photo } from '../support/images.ts';
import { waitFor } from '../support/workers.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`e2e in Chromium skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('product thumbnails in Chromium', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  it('a product with a stored image shows its thumbnail; one without shows none; remote images stay blocked', async () => {
    mkdirSync(join(h.dir, 'shots'));
    writeFileSync(join(h.dir, 'shots', 'widget.png'), await photo(3, 'png', 600, 450));
    const path = join(h.dir, 'with-images.csv');
    writeFileSync(
      path,
      'UPC,Item Description,Brand,Unit Cost,Image\n036000291452,Widget,Acme,2.50,shots/widget.png\n4006381333931,Gadget,Globex,1.00,\n',
    );
    const refused: string[] = [];
    h.page.on('console', (m) => /Content Security Policy/i.test(m.text()) && refused.push(m.text()));
    await h.offerFile('with-images.csv', path);
    await h.drop(['with-images.csv']);
    const panel = h.page.getByRole('region', { name: 'Import with-images.csv' });
    await panel.getByRole('button', { name: 'Start import' }).click();
    const { queue, db } = h.app.engine;
    await waitFor(() => queue.list({ kind: 'images' }).some((j) => j.status === 'completed'), 'the images job', 60_000);
    const widget = db.prepare(`SELECT id FROM products WHERE name = 'Widget'`).pluck().get() as number;
    expect(db.prepare(`SELECT status FROM product_images WHERE product_id = ?`).pluck().all(widget)).toEqual(['done']);

    // A fresh window reads the table with the stored image in it.
    await h.reopen();
    h.page.on('console', (m) => /Content Security Policy/i.test(m.text()) && refused.push(m.text()));
    await h.page.getByTestId('nav-products').click();
    const products = h.page.getByRole('region', { name: 'Products' });
    await products.getByText('Widget', { exact: true }).waitFor();
    await products.getByText('Gadget', { exact: true }).waitFor();
    const thumbs = products.locator('img.thumb');
    expect(await thumbs.count()).toBe(1);
    expect(await thumbs.first().getAttribute('src')).toBe(`pallet-image://product/${widget}`);
    await h.page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('img.thumb')].some((i) => i.complete && i.naturalWidth > 0),
    );
    const size = await thumbs.first().evaluate((i: HTMLImageElement) => [i.naturalWidth, i.naturalHeight]);
    // The 200 px thumbnail of a 600 × 450 photo.
    expect(size).toEqual([200, 150]);
    expect(refused).toEqual([]);

    // Anything else, a remote address included, is refused by the page's CSP.
    const blocked = await h.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.blockedURI), { once: true });
          const img = new Image();
          img.src = 'https://images.example.com/widget.png';
          document.body.appendChild(img);
        }),
    );
    expect(blocked).toBe('https://images.example.com/widget.png');
  }, 120_000);
});
