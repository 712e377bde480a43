import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../main/app/secrets.ts';
import type { NetworkPort } from '../../main/ports.ts';
import { fakeKeyring, memorySecretStore } from '../support/fake-shell.ts';
import { CREDENTIALS, startSpApiDouble, type DoubleItem, type SpApiDouble } from '../support/spapi-double.ts';
import { waitFor } from '../support/workers.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';

const unavailable = e2eUnavailable();
const SAMPLE = fileURLToPath(new URL('../../resources/sample/supplier-sample.csv', import.meta.url));

/**
 * Amazon as the double plays it: every sample product but each tenth listed (3 not on Amazon), one barcode with two
 * listings (the seller picks), ranks spread, the Buy Box a little above MSRP.
 */
function sampleItems(): DoubleItem[] {
  const rows = Papa.parse<string[]>(readFileSync(SAMPLE, 'utf8').trim()).data.slice(1);
  const items = rows.flatMap((r, i): DoubleItem[] => {
    if (i % 10 === 9) return [];
    const msrp = Number(r[5]);
    return [
      {
        asin: `B0TEST${String(i).padStart(4, '0')}`,
        title: r[1],
        brand: r[2],
        identifiers: [{ type: 'UPC' as const, value: r[0]! }],
        rank: 2000 * (i + 1),
        package: {
          length: Number(r[7]),
          width: Number(r[8]),
          height: Number(r[9]),
          weight: Number(r[6]),
          lengthUnit: 'inches',
          weightUnit: 'pounds',
        },
        buyBox: Math.round(msrp * 1.1 * 100) / 100,
        offers: 3 + (i % 5),
      },
    ];
  });
  items.push({ ...items[4]!, asin: 'B0TESTPAIR' });
  return items;
}

/** The OS's online signal, as Electron's `net` would give it. */
function fakeNetwork(): NetworkPort & { set(online: boolean): void } {
  let online = true;
  const listeners: ((o: boolean) => void)[] = [];
  return {
    isOnline: () => online,
    onChange: (l) => void listeners.push(l),
    set: (o) => ((online = o), listeners.forEach((l) => l(o))),
  };
}

describe.skipIf(unavailable !== null)(
  'the whole flow in Chromium: sample CSV → lookups (SP-API double) → analysis → winners → export',
  () => {
    let h: Harness | null = null;
    let api: SpApiDouble | null = null;
    const env = {
      PALLET_SPAPI_ENDPOINT: process.env.PALLET_SPAPI_ENDPOINT,
      PALLET_LWA_URL: process.env.PALLET_LWA_URL,
    };
    afterEach(async () => {
      await h?.close();
      await api?.close();
      for (const [k, v] of Object.entries(env))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    });
    afterAll(async () => closeBrowser());

    async function start(network?: NetworkPort) {
      api = await startSpApiDouble({ items: sampleItems(), ratePerSec: 50, burst: 50 });
      // Workers learn the endpoints from their allowlisted PALLET_* environment; credentials only over the protocol.
      process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
      process.env.PALLET_LWA_URL = api.tokenUrl;
      h = await startHarness({ secrets: createSecrets(fakeKeyring(), memorySecretStore().store), network });
      return h;
    }
    async function storeCredentials(h: Harness) {
      await h.page.getByTestId('nav-settings').click();
      await h.page.getByLabel('LWA client ID').fill(CREDENTIALS.clientId);
      await h.page.getByLabel('LWA client secret').fill(CREDENTIALS.clientSecret);
      await h.page.getByLabel('Refresh token').fill(CREDENTIALS.refreshToken);
      await h.page.getByRole('button', { name: 'Store credentials' }).click();
      await h.page.getByText('Credentials: stored. Lookups use SP-API.').waitFor();
      expect(await h.page.getByLabel('LWA client secret').inputValue()).toBe('');
    }
    async function importSample(h: Harness) {
      await h.page.getByTestId('nav-lists').click();
      await h.offerFile('supplier-sample.csv', SAMPLE);
      await h.drop(['supplier-sample.csv']);
      const panel = h.page.getByRole('region', { name: 'Import supplier-sample.csv' });
      expect(await panel.getByLabel('Field for Item Description').inputValue()).toBe('name');
      await panel.getByRole('button', { name: 'Start import' }).click();
    }

    it('a seller stores credentials, drops the sample, and ends with an export of the winners', async () => {
      const h = await start();
      await storeCredentials(h);
      await importSample(h);
      const q = h.app.engine.queue;
      // Import → lookup (SP-API, as credentials exist) → pricing (Buy Box + fee estimates) → analysis, unasked.
      await waitFor(
        () => q.list({ kind: 'pricing' }).some((j) => j.status === 'completed'),
        'the pricing that follows the lookups',
        90_000,
      );
      expect(q.list({ kind: 'lookup' })[0]!.result).toMatchObject({
        provider: 'spapi',
        found: 26,
        notFound: 3,
        ambiguous: 1,
      });
      expect(api!.stats.tokenExchanges).toBeGreaterThanOrEqual(1);

      await h.page.getByTestId('nav-products').click();
      const products = h.page.getByRole('region', { name: 'Products' });
      await products.getByText('30 products').waitFor();
      await products.getByRole('button', { name: 'not on Amazon' }).click();
      await products.getByText('3 products').waitFor();
      await products.getByRole('button', { name: 'not on Amazon' }).click();

      await h.page.getByTestId('nav-analysis').click();
      const analysis = h.page.getByRole('region', { name: 'Analysis' });
      await analysis.getByLabel('ROI ≥ %', { exact: true }).fill('40');
      await analysis.getByLabel('Profit ≥ $', { exact: true }).fill('4');
      await analysis.getByLabel('Rank ≤ (empty: any)').fill('40000');
      const summary = analysis.getByTestId('winners-summary');
      await summary.getByText(/of 26 analysed products meet your targets/).waitFor();
      const winners = Number((await summary.locator('strong').textContent())!.replace(/,/g, ''));
      const expected = h.app.engine.db
        .prepare(`SELECT count(*) FROM analyses WHERE roi >= 0.4 AND profit >= 4 AND sales_rank <= 40000`)
        .pluck()
        .get() as number;
      expect(winners).toBe(expected);
      expect(winners).toBeGreaterThan(0);
      expect(winners).toBeLessThan(26);

      await summary.getByRole('button', { name: 'Show winners' }).click();
      await products.getByText(`${winners} products`).waitFor();
      await h.page.getByTestId('nav-analysis').click();
      // The seller chooses where the export goes in the save dialog (the harness answers it).
      const chosen = join(h.dir, 'my-winners.csv');
      h.answerPicker(chosen);
      await summary.getByRole('button', { name: 'Export winners (CSV)…' }).click();
      const status = analysis.getByText(/^Exported \d+ winners to /);
      await status.waitFor();
      const path = (await status.textContent())!.replace(/^Exported \d+ winners to /, '');
      expect(path).toBe(chosen);
      expect(h.picked).toContain('Export products');
      expect(existsSync(path)).toBe(true);
      const csv = Papa.parse<Record<string, string>>(
        readFileSync(path, 'utf8')
          .replace(/^\ufeff/, '')
          .trim(),
        { header: true },
      ).data;
      expect(
        csv.map((r) => [Number(r['ROI %']) >= 40, Number(r.Profit) >= 4, Number(r['Sales Rank']) <= 40000]),
      ).toEqual(Array(winners).fill([true, true, true]));
    });

    it('offline: the banner says what waits, jobs wait spending nothing, and finish when the network is back', async () => {
      const network = fakeNetwork();
      const h = await start(network);
      await storeCredentials(h);
      await api!.goOffline();
      network.set(false);
      await importSample(h);
      const q = h.app.engine.queue;
      await waitFor(
        () => q.list({ kind: 'lookup' }).some((j) => j.status === 'waiting_network'),
        'the lookup to wait for the network',
        60_000,
      );
      const banner = h.page.getByTestId('offline-banner');
      await banner.getByText(/1 job waits for the network/).waitFor();
      expect(q.list({ kind: 'lookup' })[0]!.attempts).toBe(0);

      await api!.goOnline();
      network.set(true);
      await waitFor(
        () => q.list({ kind: 'pricing' }).some((j) => j.status === 'completed'),
        'the lookups and pricing once online',
        90_000,
      );
      await banner.waitFor({ state: 'detached' });
      expect(q.list({ kind: 'lookup' })[0]).toMatchObject({ status: 'completed', attempts: 1 });
    });
  },
);
