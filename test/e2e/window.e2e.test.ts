import { AxeBuilder } from '@axe-core/playwright';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { waitFor } from '../support/workers.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';
import { APPROVAL_URL, REASON, seedCostHistory, seedDecisions } from './seed-decisions.ts';

const unavailable = e2eUnavailable();
const VIEWS = ['lists', 'products', 'jobs', 'analysis', 'settings'] as const;

describe.skipIf(unavailable !== null)('the window: sidebar, native pickers, keyboard, accessibility', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  const csv = (name: string) => {
    const path = join(h.dir, name);
    writeFileSync(path, 'UPC,Item Description,Brand,Unit Cost\n036000291452,Widget,Acme,$2.50\n');
    return path;
  };

  it('"Open file…" and Ctrl+O import through the native dialog; main refuses what is not a CSV file', async () => {
    // Cancelled: nothing happens.
    await h.page.getByRole('button', { name: 'Open file…' }).first().click();
    await waitFor(() => h.picked.length === 1, 'the open dialog');
    expect(h.picked[0]).toBe('Import a supplier price list');
    expect(await h.page.getByRole('region', { name: /^Import / }).count()).toBe(0);
    // Picked: the preview opens, as for a dropped file.
    h.answerPicker(csv('picked.csv'));
    await h.page.keyboard.press('Control+o');
    await h.page.getByRole('region', { name: 'Import picked.csv' }).getByTestId('sniffed').waitFor();
    // A file main will not import (the dialog's "All files"): the reason, and no preview.
    const other = join(h.dir, 'notes.pdf');
    writeFileSync(other, '%PDF-1.4');
    h.answerPicker(other);
    await h.page.keyboard.press('Control+o');
    await h.page.getByRole('alert').filter({ hasText: 'is not a CSV file' }).waitFor();
    expect(await h.page.getByRole('region', { name: 'Import notes.pdf' }).count()).toBe(0);
  });

  it('the reference catalog is picked in the dialog, and an export writes only where the save dialog said', async () => {
    h.answerPicker(csv('catalog.csv'));
    await h.page.getByTestId('nav-settings').click();
    await h.page.getByRole('button', { name: 'Import reference catalog…' }).click();
    await h.page.getByText(/^Reference catalog import started \(job #\d+\)\.$/).waitFor();
    expect(h.picked).toEqual(['Import a reference catalog']);
    expect(await h.page.getByRole('textbox', { name: /path/i }).count()).toBe(0);
    // The window cannot name a file for main to write: only a path the save dialog gave is accepted, once.
    const call = (channel: string, payload: unknown) =>
      h.page.evaluate(
        ([c, p]) =>
          (window as unknown as { __palletInvoke(c: string, p: unknown): Promise<string> })
            .__palletInvoke(c, p)
            .then((r) => JSON.parse(r) as unknown),
        [channel, payload] as const,
      );
    const target = join(h.dir, 'out.csv');
    expect(await call('products:export', { filters: {}, path: target })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    h.answerPicker(target);
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'x.csv' })).toEqual({
      ok: true,
      value: { path: target },
    });
    expect(await call('products:export', { filters: {}, path: target })).toMatchObject({
      ok: true,
      value: { path: target },
    });
    expect(await call('products:export', { filters: {}, path: target })).toMatchObject({ ok: false });
  });

  it('keyboard: Ctrl+1–5 switch views, Ctrl+F searches products, ? opens the help and Esc closes it', async () => {
    const page = h.page;
    await page.keyboard.press('Control+3');
    expect(await page.getByTestId('nav-jobs').getAttribute('aria-current')).toBe('page');
    await page.keyboard.press('Control+f');
    expect(await page.getByTestId('nav-products').getAttribute('aria-current')).toBe('page');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('global-search');
    await page.keyboard.type('widget');
    await page.getByRole('region', { name: 'Products' }).getByText('0 products').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('products-grid').focus();
    await page.keyboard.press('Shift+?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.getByText('Open a price list to import').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    // Typing "?" in a field is typing, not a command.
    await page.getByLabel('Search products').fill('');
    await page.getByLabel('Search products').press('Shift+?');
    expect(await help.isVisible()).toBe(false);
  });

  it('the theme toggle overrides the OS (system → light → dark) and is kept across a reopen', async () => {
    const theme = () => h.page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    const toggle = () => h.page.getByRole('button', { name: /^Theme: / }).click();
    expect(await theme()).toBe('system');
    await toggle();
    expect(await theme()).toBe('light');
    await toggle();
    expect(await theme()).toBe('dark');
    const bg = await h.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(18, 20, 25)');
    await h.reopen();
    expect(await theme()).toBe('dark');
  });

  it('every view, light and dark, has no serious or critical accessibility violation (axe)', async () => {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Try with sample data' }).click();
    const q = h.app.engine.queue;
    await waitFor(
      () =>
        // Offline, the sample's lookups hand their products to the decide job (verdicts from the reference catalog).
        q.list({ kind: 'decide' }).some((j) => j.parentId !== null) &&
        q.list({}).every((j) => FINISHED_STATUSES.includes(j.status) || j.status === 'scheduled'),
      'the sample flow',
      120_000,
    );
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of VIEWS) {
        await page.getByTestId(`nav-${view}`).click();
        if (view === 'products')
          await page.getByRole('region', { name: 'Products' }).getByText('30 products').waitFor();
        if (view === 'analysis') await page.getByTestId('winners-summary').waitFor();
        if (view === 'settings') await page.getByText(/^Credentials: /).waitFor();
        const r = await new AxeBuilder({ page }).analyze();
        for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
          found.push(`${scheme} ${view}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    // The help overlay too.
    await page.keyboard.press('Shift+?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    const r = await new AxeBuilder({ page }).analyze();
    for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      found.push(`help: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(found).toEqual([]);
  }, 240_000);

  it('products: columns chosen and kept across a reload, a preset, the drawer by Enter with the reasons; axe clean', async () => {
    let page = h.page;
    const db = h.app.engine.db;
    // 12 analysed products; the decide job's output written through the decisions store.
    const asin = (i: number) => `B0${String(i).padStart(8, '0')}`;
    db.transaction(() => {
      for (let i = 1; i <= 12; i++) {
        db.prepare(
          `INSERT INTO products (id, gtin14, sku, name, brand, cost, asin, lookup_status, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'Acme', 5, ?, 'found', 1, 1)`,
        ).run(i, String(10_000_000_000_000 + i), `SKU-${i}`, `Gadget ${i}`, asin(i));
        db.prepare(
          `INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee,
             fulfillment_fee, other_costs, unit_cost, total_fees, profit, margin, roi, flags, reasons, fee_schedule, computed_at)
           VALUES (?, 'US', 20, 'amazon', 'toys', 3, 4, 0, 5, 7, 8, 0.4, ?, '[]', '[]', 'us-2026-01-15', 1)`,
        ).run(i, 0.1 * i);
      }
    })();
    seedDecisions(db, [
      ...[1, 4, 5].map((i) => ({
        productId: i,
        asin: asin(i),
        reasons: [],
        buyBoxPrice: 24.99,
        amazonOnListing: false,
        fbaOffers: 3,
        fbmOffers: 1,
        restriction: 'ok' as const,
      })),
      {
        productId: 2,
        asin: asin(2),
        reasons: [REASON.gated(asin(2)), REASON.pack],
        buyBoxPrice: 19.5,
        amazonOnListing: true,
        fbaOffers: 9,
        fbmOffers: 2,
        restriction: 'approval_required' as const,
        packMultiplier: 2,
        otherCandidates: ['B0ALTERN01'],
      },
    ]);
    seedCostHistory(db, 2, [
      { supplier: 'Acme Wholesale', fileName: 'acme-jan.csv', cost: 5.5, at: Date.UTC(2026, 0, 5) },
      { supplier: 'Bolt Trading', fileName: 'bolt-feb.csv', cost: 5.1, at: Date.UTC(2026, 1, 9) },
    ]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-products').click();
    let view = page.getByRole('region', { name: 'Products' });
    await view.getByText('12 products').waitFor();
    let grid = page.getByTestId('products-grid');
    const headers = () => grid.getByRole('columnheader').allInnerTexts();

    // The column chooser, by keyboard: hide Brand, show Barcode, move ROI up; then a reload keeps it.
    const chooserButton = page.getByRole('button', { name: /^Columns/ });
    await chooserButton.focus();
    await page.keyboard.press('Enter');
    const chooser = page.getByRole('dialog', { name: 'Columns' });
    await chooser.waitFor();
    await chooser.getByLabel('Brand', { exact: true }).press('Space');
    await chooser.getByLabel('Barcode', { exact: true }).press('Space');
    await chooser.getByRole('button', { name: 'Move ROI up' }).press('Enter');
    const found: string[] = [];
    const axe = async (what: string) => {
      const r = await new AxeBuilder({ page }).analyze();
      for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        found.push(`${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    };
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await axe(`${scheme} column chooser`);
    }
    await page.keyboard.press('Escape');
    await chooser.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Columns/);
    const chosen = await headers();
    expect(chosen).not.toContain('Brand');
    expect(chosen).toContain('Barcode');
    expect(chosen.indexOf('ROI')).toBeLessThan(chosen.indexOf('Profit'));
    await h.reopen();
    page = h.page;
    view = page.getByRole('region', { name: 'Products' });
    grid = page.getByTestId('products-grid');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-products').click();
    await view.getByText('12 products').waitFor();
    expect(await headers()).toEqual(chosen);

    // A built-in preset: Winners is the buy verdicts.
    await page.getByLabel('Preset').selectOption('Winners');
    await view.getByText('3 products').waitFor();
    expect(await grid.locator('[data-verdict="buy"]').count()).toBe(3);
    expect(await grid.locator('[data-verdict]').count()).toBe(3);
    await page.getByLabel('Preset').selectOption('');
    await view.getByText('12 products').waitFor();

    // The drawer, by keyboard: J to the gated product, Enter; its reasons, the approval link, offers, costs.
    await grid.focus();
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('#active-reasons').innerText()).toMatch(/Gadget 2: Skip — You need Amazon/);
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('region', { name: 'Details of Gadget 2' });
    const why = drawer.getByRole('list', { name: 'Why Skip' });
    await why.waitFor();
    expect(await why.innerText()).toMatch(/approval to sell this ASIN[\s\S]*2-pack/);
    expect(await why.getByRole('link', { name: 'Request approval' }).getAttribute('href')).toBe(
      `${APPROVAL_URL}${asin(2)}`,
    );
    await drawer.getByText('Bolt Trading').waitFor();
    expect(await drawer.getByRole('region', { name: 'Offers' }).innerText()).toMatch(
      /\$19\.50[\s\S]*Amazon on listing\s+yes/,
    );
    expect(await drawer.getByRole('region', { name: 'Candidate ASINs' }).innerText()).toContain('B0ALTERN01');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await axe(`${scheme} drawer`);
    }
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('products-grid');
    expect(found).toEqual([]);
  }, 120_000);
});
