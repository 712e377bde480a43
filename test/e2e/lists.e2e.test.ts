// The Lists view in Chromium over the real core: a dropped supplier list gets its row with a bar per stage while the
// real queue and workers import, look up (local reference catalog) and analyse it; verdict counts appear; the
// supplier's second list says what changed; a list goes back out in its own shape through the save dialog.
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { offerRows } from '../../main/suppliers/offer-rows.ts';
import { waitFor } from '../support/workers.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';
import { REASON, seedDecisions } from './seed-decisions.ts';

const unavailable = e2eUnavailable();
const SAMPLE_DIR = fileURLToPath(new URL('../../resources/sample/', import.meta.url));

describe.skipIf(unavailable !== null)('the Lists view: stages, verdicts, what changed, export back', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  const sample = () => Papa.parse<string[]>(readFileSync(join(SAMPLE_DIR, 'supplier-sample.csv'), 'utf8').trim()).data;
  const write = (name: string, rows: string[][]) => {
    const path = join(h.dir, name);
    writeFileSync(path, Papa.unparse(rows));
    return path;
  };
  const importId = (fileName: string) =>
    h.app.engine.db.prepare('SELECT id FROM imports WHERE file_name = ?').pluck().get(fileName) as number;
  const settled = () =>
    h.app.engine.queue.list({}).every((j) => FINISHED_STATUSES.includes(j.status) || j.status === 'scheduled');

  async function dropList(name: string, path: string) {
    await h.page.getByTestId('nav-lists').click();
    await h.offerFile(name, path);
    await h.drop([name]);
    const panel = h.page.getByRole('region', { name: `Import ${name}` });
    await panel.getByTestId('sniffed').waitFor();
    await panel.getByRole('button', { name: 'Start import' }).click();
  }

  it('a dropped list: a row with four stage bars that finish, found share, then buy / check / skip', async () => {
    const page = h.page;
    // The reference catalog first (picked in Settings): the lookups find the sample's ASINs offline.
    h.answerPicker(join(SAMPLE_DIR, 'reference-catalog.csv'));
    await page.getByTestId('nav-settings').click();
    await page.getByRole('button', { name: 'Import reference catalog…' }).click();
    await waitFor(
      () => h.app.engine.queue.list({ kind: 'catalog_import' }).some((j) => j.status === 'completed'),
      'the reference catalog',
      60_000,
    );
    const [header, ...rows] = sample();
    await dropList('acme-2026-01.csv', write('acme-2026-01.csv', [header!, ...rows.slice(0, 10)]));

    const lists = page.getByRole('region', { name: 'Price lists' });
    await lists.getByRole('cell', { name: 'acme-2026-01.csv', exact: true }).waitFor();
    const id = importId('acme-2026-01.csv');
    const row = page.getByTestId(`list-${id}`);
    expect(await row.getByRole('progressbar').count()).toBe(4);
    expect(
      await row.getByRole('progressbar').evaluateAll((bars) => bars.map((b) => b.getAttribute('aria-label'))),
    ).toEqual([
      'Import: rows read from the file of acme-2026-01.csv',
      'ASIN lookup of acme-2026-01.csv',
      'Pricing and offers of acme-2026-01.csv',
      'Analysis and decision of acme-2026-01.csv',
    ]);
    // The stages finish one after the other: import, the lookups it queued, the analysis they queued.
    for (const stage of ['import', 'lookup', 'analysis'])
      await row.locator(`[data-stage="${stage}"][data-state="done"]`).waitFor({ timeout: 90_000 });
    // No SP-API: nothing to price, said as such.
    expect(await row.locator('[data-stage="pricing"]').getAttribute('data-state')).toBe('skipped');
    const expectedFound = h.app.engine.db
      .prepare(
        `SELECT count(*) FROM ${offerRows('i.id = :id')} h JOIN products p ON p.id = h.product_id
                WHERE p.asin IS NOT NULL`,
      )
      .pluck()
      .get({ id }) as number;
    expect(expectedFound).toBeGreaterThan(0);
    await row.getByRole('cell', { name: new RegExp(`^${Math.round(expectedFound * 10)} %`) }).waitFor();
    expect(await row.getByRole('cell').first().innerText()).toMatch(/^acme$/i);

    // The verdicts the flow gave the list's products (the local engine decides offline), counted in the row.
    await waitFor(settled, 'the flow to settle', 60_000);
    const db = h.app.engine.db;
    const countVerdicts = () =>
      Object.fromEntries(
        (['buy', 'check', 'skip'] as const).map((v) => [
          v,
          db
            .prepare(
              `SELECT count(*) FROM ${offerRows('i.id = :id')} h JOIN analyses a ON a.product_id = h.product_id
                 AND a.marketplace = 'US' WHERE a.verdict = :v`,
            )
            .pluck()
            .get({ id, v }) as number,
        ]),
      ) as Record<'buy' | 'check' | 'skip', number>;
    const verdicts = row.getByTestId(`verdicts-${id}`);
    const shows = async (want: Record<'buy' | 'check' | 'skip', number>) => {
      for (const v of ['buy', 'check', 'skip'] as const)
        await verdicts.locator(`.verdict-${v}[data-count="${want[v]}"]`).waitFor();
      expect(await verdicts.innerText()).toMatch(
        new RegExp(`${want.buy}\\s*buy[\\s\\S]*${want.check}\\s*check[\\s\\S]*${want.skip}\\s*skip`),
      );
    };
    const before = countVerdicts();
    await shows(before);

    // New verdicts as a decide job writes them (through the decisions store), each of four products moved to another
    // verdict; a job finishing, as that job's would, makes the list count again.
    const analysed = db
      .prepare(
        `SELECT p.id, p.asin, a.verdict FROM ${offerRows('i.id = :id')} h JOIN products p ON p.id = h.product_id
           JOIN analyses a ON a.product_id = p.id AND a.marketplace = 'US'
         WHERE p.asin IS NOT NULL ORDER BY p.id LIMIT 4`,
      )
      .all({ id }) as { id: number; asin: string; verdict: 'buy' | 'check' | 'skip' | null }[];
    expect(analysed).toHaveLength(4);
    const next = { buy: 'skip', check: 'buy', skip: 'check' } as const;
    const reasonsFor = (v: 'buy' | 'check' | 'skip', asin: string) =>
      v === 'buy' ? [] : v === 'check' ? [REASON.amazon] : [REASON.gated(asin)];
    seedDecisions(
      db,
      analysed.map((p) => ({ productId: p.id, asin: p.asin, reasons: reasonsFor(next[p.verdict ?? 'skip'], p.asin) })),
    );
    const after = countVerdicts();
    expect(after).not.toEqual(before);
    const noop = h.app.engine.queue.enqueue({ kind: 'noop', payload: null });
    await waitFor(() => h.app.engine.queue.get(noop.id).status === 'completed', 'a job to finish');
    await shows(after);
    // The view, finished rows and all, has no serious or critical accessibility violation in light or dark.
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const r = await new AxeBuilder({ page }).analyze();
      expect(
        r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }

    // Open the list: its products.
    await row.getByRole('button', { name: 'Show products of acme-2026-01.csv' }).click();
    await page.getByRole('region', { name: 'Products' }).getByText('10 products').waitFor();
  }, 180_000);

  it("a big list's row appears while it imports; its bar stops when paused and moves on, with rows/s and time left", async () => {
    const page = h.page;
    const q = h.app.engine.queue;
    const path = join(h.dir, 'bolt-2026-03.csv');
    await writeSupplierFile(path, 1_000_000);
    await page.getByTestId('nav-lists').click();
    const id = q.enqueue({ kind: 'import', payload: { path } }).id;
    // Paused part-way (the job checkpoints and stops), so the list is seen mid-import whatever the machine's speed.
    const read = () => {
      const p = q.get(id).progress;
      return p?.total ? p.done / p.total : 0;
    };
    await waitFor(() => read() > 0.05, 'the import to read a part of the file', 60_000);
    q.pause(id);
    await waitFor(() => q.get(id).status === 'paused', 'the import to pause', 60_000);
    await page
      .getByRole('region', { name: 'Price lists' })
      .getByRole('cell', { name: 'bolt-2026-03.csv', exact: true })
      .waitFor();
    const row = page.getByTestId(`list-${importId('bolt-2026-03.csv')}`);
    const stage = row.locator('[data-stage="import"]');
    const bar = row.getByRole('progressbar', { name: 'Import: rows read from the file of bolt-2026-03.csv' });
    await row.locator('[data-stage="import"][data-state="paused"]').waitFor();
    const first = Number(await bar.getAttribute('aria-valuenow'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(100);
    expect(first).toBe(Math.floor(read() * 100));
    expect(await bar.getAttribute('aria-valuetext')).toBe('paused');
    expect(await row.locator('[data-stage="lookup"]').getAttribute('data-state')).toBe('pending');
    // Resumed: it runs on from where it stopped, its rate in rows per second and the time left beside the bar.
    q.resume(id);
    await stage
      .locator('.stage-text', { hasText: /^\d+% · [\d,]+ rows\/s · about \d+ (s|min) left$/ })
      .waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 120_000 })
      .toBeGreaterThan(first);
    await row.locator('[data-stage="import"][data-state="done"]').waitFor({ timeout: 120_000 });
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
  }, 240_000);

  it("a supplier's second list: what changed, links to the products, and the list exported back (CSV, XLSX)", async () => {
    const page = h.page;
    const [header, ...rows] = sample();
    const cost = header!.indexOf('Unit Cost');
    await dropList('acme-2026-01.csv', write('acme-2026-01.csv', [header!, ...rows.slice(0, 10)]));
    await waitFor(() => h.app.engine.db.prepare(`SELECT status FROM imports`).pluck().get() === 'completed', 'list 1');
    // A month later: two costs moved (+0.50, −1.00), rows 9 and 10 dropped, two new items.
    const feb = rows.slice(0, 8).map((r) => [...r]);
    feb[0]![cost] = (Number(feb[0]![cost]) + 0.5).toFixed(2);
    feb[1]![cost] = (Number(feb[1]![cost]) - 1).toFixed(2);
    await dropList('acme-2026-02.csv', write('acme-2026-02.csv', [header!, ...feb, rows[10]!, rows[11]!]));
    await waitFor(
      () => h.app.engine.db.prepare(`SELECT count(*) FROM imports WHERE status = 'completed'`).pluck().get() === 2,
      'list 2',
    );
    const id = importId('acme-2026-02.csv');
    const row = page.getByTestId(`list-${id}`);
    // The first list has no earlier one to compare with.
    expect(
      await page
        .getByTestId(`list-${importId('acme-2026-01.csv')}`)
        .getByRole('button', { name: /What changed/ })
        .count(),
    ).toBe(0);
    const open = row.getByRole('button', { name: 'What changed in acme-2026-02.csv' });
    await open.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: 'What changed in acme-2026-02.csv' });
    await panel
      .getByTestId('diff-summary')
      .getByText(/Since acme-2026-01\.csv .*: 2 new, 2 dropped, 1 cost up, 1 cost down/)
      .waitFor();
    expect(await panel.getByRole('region', { name: 'Cost up 1' }).innerText()).toContain(
      `${fmt(rows[0]![cost]!)} → ${fmt(feb[0]![cost]!)}: +$0.50`,
    );
    expect(await panel.getByRole('region', { name: 'Cost down 1' }).innerText()).toContain(': −$1.00');
    expect(await panel.getByRole('region', { name: 'New items 2' }).innerText()).toContain(rows[10]![1]!);
    expect(await panel.getByRole('region', { name: 'Dropped 2' }).innerText()).toContain(rows[8]![1]!);

    // Accessible in light and dark with the panel open.
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const r = await new AxeBuilder({ page }).analyze();
      for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        found.push(`${scheme}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    expect(found).toEqual([]);

    // Esc closes the panel and focus goes back to its button.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await open.evaluate((b) => b === document.activeElement)).toBe(true);

    // Export back: the save dialog chooses the file; the file's own columns first, then Pallet's.
    const csvPath = join(h.dir, 'acme back.csv');
    h.answerPicker(csvPath);
    const group = row.getByRole('group', { name: 'Export acme-2026-02.csv' });
    await group.getByRole('button', { name: /^CSV/ }).click();
    await page.getByText(`Exported 10 rows of acme-2026-02.csv to ${csvPath}`).waitFor();
    expect(h.picked.at(-1)).toBe('Export products');
    const back = Papa.parse<string[]>(
      readFileSync(csvPath, 'utf8')
        .replace(/^\ufeff/, '')
        .trim(),
    ).data;
    expect(back[0]!.slice(0, header!.length)).toEqual(header);
    expect(back[0]).toContain('ASIN');
    expect(back.slice(1).map((r) => r[0])).toEqual([...feb.map((r) => r[0]), rows[10]![0], rows[11]![0]]);
    const xlsxPath = join(h.dir, 'acme-back.xlsx');
    h.answerPicker(xlsxPath);
    await group.getByRole('button', { name: /^XLSX/ }).click();
    await page.getByText(`Exported 10 rows of acme-2026-02.csv to ${xlsxPath}`).waitFor();
    expect(readFileSync(xlsxPath).subarray(0, 2).toString()).toBe('PK');
    // A path the dialog did not give is refused by main, whatever the window sends.
    const refused = await page.evaluate(
      ([p]) =>
        (window as unknown as { __palletInvoke(c: string, p: unknown): Promise<string> })
          .__palletInvoke('imports:exportBack', { importId: 1, path: p })
          .then((r) => JSON.parse(r) as unknown),
      [join(h.dir, 'elsewhere.csv')] as const,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // A new item's link opens Products on it.
    await open.click();
    await panel
      .getByRole('region', { name: 'New items 2' })
      .getByRole('button', { name: new RegExp(rows[10]![1]!) })
      .click();
    expect(await page.getByTestId('nav-products').getAttribute('aria-current')).toBe('page');
    await page.getByRole('region', { name: 'Products' }).getByText('1 products').waitFor();
  }, 180_000);
});

/** A sample cost as the panel writes it. */
const fmt = (v: string) => `$${Number(v).toFixed(2)}`;
