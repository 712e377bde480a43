// `npm run screenshots`: regenerates test/e2e/screenshots/*.png — every view of the built renderer in Chromium at
// 1280×800 and 1920×1080, light and dark,
// wired to the real core, after "Try with sample data" ran the whole flow offline (reference catalog lookups).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSecrets } from '../../main/app/secrets.ts';
import type { NetworkPort } from '../../main/ports.ts';
import { fakeKeyring, memorySecretStore } from '../support/fake-shell.ts';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';
import { REASON, seedCostHistory, seedDecisions, type SeededDecision } from './seed-decisions.ts';

/**
 * Until the `decide` job fills verdicts, offers and restrictions, the sample's analysed products get stand-ins derived
 * from their own analysis (written through the decisions store), so the products view is shown as it will look. Skipped
 * as soon as any real verdict exists.
 */
function standInDecisions(h: Harness): void {
  const db = h.app.engine.db;
  if (db.prepare('SELECT 1 FROM analyses WHERE verdict IS NOT NULL LIMIT 1').get()) return;
  const rows = db
    .prepare(
      `SELECT p.id, p.asin, a.sell_price AS price, a.roi FROM products p JOIN analyses a ON a.product_id = p.id
       WHERE p.asin IS NOT NULL AND a.marketplace = 'US' ORDER BY p.id`,
    )
    .all() as { id: number; asin: string; price: number | null; roi: number | null }[];
  const decisions: SeededDecision[] = rows.map((r, i) => {
    const gated = i % 5 === 2;
    const amazon = i % 4 === 1;
    const reasons = [
      ...(gated ? [REASON.gated(r.asin)] : []),
      ...(amazon ? [REASON.amazon] : []),
      ...((r.roi ?? 0) < 0.3 ? [REASON.roiLow] : []),
      ...(i % 6 === 3 ? [REASON.pack] : []),
    ];
    return {
      productId: r.id,
      asin: r.asin,
      reasons,
      buyBoxPrice: r.price,
      amazonOnListing: amazon,
      fbaOffers: 2 + (i % 7),
      fbmOffers: i % 3,
      restriction: gated ? 'approval_required' : 'ok',
      packMultiplier: i % 6 === 3 ? 2 : null,
    };
  });
  seedDecisions(db, decisions);
  const bottle = db.prepare(`SELECT id FROM products WHERE name LIKE 'Stainless Steel Water Bottle%'`).pluck().get();
  if (typeof bottle === 'number')
    seedCostHistory(db, bottle, [
      { supplier: 'Acme Wholesale', fileName: 'acme-2026-01.csv', cost: 4.85, at: Date.UTC(2026, 0, 6) },
      { supplier: 'Northwind Supply', fileName: 'northwind-feb.xlsx', cost: 4.6, at: Date.UTC(2026, 1, 3) },
    ]);
}

const OUT = fileURLToPath(new URL('./screenshots/', import.meta.url));

async function main(): Promise<void> {
  const why = e2eUnavailable();
  if (why) throw new Error(`screenshots need the e2e setup: ${why}`);
  mkdirSync(OUT, { recursive: true });
  let online = true;
  const listeners: ((o: boolean) => void)[] = [];
  const network: NetworkPort = { isOnline: () => online, onChange: (l) => void listeners.push(l) };
  // A keyring, as a desktop with one has: Settings shows its normal state.
  const h = await startHarness({ network, secrets: createSecrets(fakeKeyring(), memorySecretStore().store) });
  try {
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Try with sample data' }).click();
    const q = h.app.engine.queue;
    // Catalog import → supplier import → lookups (reference catalog) → decide (analysis and verdicts).
    const deadline = Date.now() + 120_000;
    // (The recurring lookup sweep stays scheduled for its next run.)
    while (!(
      // Offline, the sample's lookups hand their products to the decide job (verdicts from the reference catalog).
      q.list({ kind: 'decide' }).some((j) => j.parentId !== null) &&
      q.list({}).every((j) => FINISHED_STATUSES.includes(j.status) || j.status === 'scheduled')
    )) {
      if (Date.now() > deadline)
        throw new Error(
          `the sample flow did not finish within 2 minutes: ${JSON.stringify(q.list({}).map((j) => [j.id, j.kind, j.status, j.error?.message, j.result]))}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    standInDecisions(h);
    await page.waitForTimeout(500);
    // Every view at both sizes, light and dark: `<view>-<scheme>-<width>.png`.
    const SIZES = [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ];
    const shot = async (name: string) => {
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}${name}.png` });
      process.stderr.write(`wrote ${name}.png\n`);
    };
    const products = page.getByRole('region', { name: 'Products' });
    const ready: Record<string, () => Promise<unknown>> = {
      lists: () =>
        page
          .getByRole('region', { name: 'Price lists' })
          .getByRole('cell', { name: 'supplier-sample.csv', exact: true })
          .waitFor(),
      products: async () => {
        await products.getByText('30 products').waitFor();
        // The details drawer open on a product, as a seller deciding on it sees it.
        if (!(await page.getByRole('region', { name: /^Details of/ }).count()))
          await products.getByText('Stainless Steel Water Bottle 24oz').click();
      },
      jobs: () => page.getByRole('region', { name: 'Jobs', exact: true }).waitFor(),
      analysis: () => page.getByTestId('winners-summary').waitFor(),
      settings: () => page.getByText(/^Credentials: /).waitFor(),
    };
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        for (const [view, wait] of Object.entries(ready)) {
          await page.getByTestId(`nav-${view}`).click();
          await wait();
          await shot(`${view}-${scheme}-${size.width}`);
        }
      }
      await page.setViewportSize(SIZES[0]!);
      // The column chooser open over the products table.
      await page.getByTestId('nav-products').click();
      await page.getByRole('button', { name: /^Columns/ }).click();
      await page.getByRole('dialog', { name: 'Columns' }).waitFor();
      await shot(`products-columns-${scheme}-1280`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Shift+?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await shot(`help-${scheme}-1280`);
      await page.keyboard.press('Escape');
    }
    await page.emulateMedia({ colorScheme: 'light' });
    online = false;
    listeners.forEach((l) => l(false));
    await page.getByTestId('nav-lists').click();
    await page.getByTestId('offline-banner').waitFor();
    await shot('offline-light-1280');
  } finally {
    await h.close();
    await closeBrowser();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
