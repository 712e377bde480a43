// `npm run screenshots`: regenerates test/e2e/screenshots/*.png — each main view of the built renderer in Chromium,
// wired to the real core, after "Try with sample data" ran the whole flow offline (reference catalog lookups).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSecrets } from '../../main/app/secrets.ts';
import type { NetworkPort } from '../../main/ports.ts';
import { fakeKeyring, memorySecretStore } from '../support/fake-shell.ts';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { closeBrowser, e2eUnavailable, startHarness } from './harness.ts';

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
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Try with sample data' }).click();
    const q = h.app.engine.queue;
    // Catalog import → supplier import → lookups (reference catalog) → analysis.
    const deadline = Date.now() + 120_000;
    // (The recurring lookup sweep stays scheduled for its next run.)
    while (!(
      q.list({ kind: 'analysis' }).length > 0 &&
      q.list({}).every((j) => FINISHED_STATUSES.includes(j.status) || j.status === 'scheduled')
    )) {
      if (Date.now() > deadline)
        throw new Error(
          `the sample flow did not finish within 2 minutes: ${JSON.stringify(q.list({}).map((j) => [j.id, j.kind, j.status, j.error?.message, j.result]))}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.waitForTimeout(500);
    const shot = async (name: string) => {
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
      process.stderr.write(`wrote ${name}.png\n`);
    };
    await shot('imports-and-jobs');
    await page.getByRole('tab', { name: 'Products' }).click();
    const products = page.getByRole('region', { name: 'Products' });
    await products.getByText('30 products').waitFor();
    await products.getByText('Stainless Steel Water Bottle 24oz').click();
    await shot('products');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('products-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('tab', { name: 'Analysis' }).click();
    await page.getByTestId('winners-summary').waitFor();
    await shot('analysis');
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByText(/^Credentials: /).waitFor();
    await shot('settings');
    online = false;
    listeners.forEach((l) => l(false));
    await page.getByRole('tab', { name: 'Imports & jobs' }).click();
    await page.getByTestId('offline-banner').waitFor();
    await shot('offline');
  } finally {
    await h.close();
    await closeBrowser();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
