// "Try with sample data" offline, through the real app core and real worker processes: the sample reference catalog
// carries ranks, offers and restrictions, and they reach every chart the Analysis view draws by the paths Amazon's
// answers take (lookup → catalog items, the decide job → offer summaries, restrictions, verdicts). No credentials.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import type { AnalysisStats, ProductRow } from '../../../preload/contract/channels.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { fakeShell } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

let tmp: ReturnType<typeof tempDbPath>;
let app: PalletApp | null = null;
beforeEach(() => void (tmp = tempDbPath()));
afterEach(async () => {
  await app?.close();
  app = null;
  tmp.cleanup();
});

async function call<T>(channel: string, payload?: unknown): Promise<T> {
  const r = (await app!.router.handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true })) as
    { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

describe('Try with sample data, offline', () => {
  it('gives every Analysis chart data: ROI bands, ranks with winners, offers, restrictions and all three verdicts', async () => {
    app = await createApp({
      dbPath: tmp.path,
      launcher: createNodeLauncher(),
      ports: fakeShell().ports,
      appOrigin: 'app://pallet',
      version: 't',
      workers: 1,
      settings: () => ({ closeToTray: true, notifications: true }),
      settingsStore: createMemorySettings(),
      engine: { queue: { backoff: { baseMs: 100, maxMs: 500 } } },
      log: () => {},
    });
    const { queue } = app.engine;
    await call('app:trySample');
    // catalog_import → import → lookup (local catalog) → decide; done when the lookup's decide job finished and
    // nothing else waits (a recurring job may stay scheduled for its next run).
    await waitFor(
      () =>
        queue.list({ kind: 'decide' }).some((j) => j.parentId !== null && j.status === 'completed') &&
        queue.list({}).every((j) => ['completed', 'failed', 'cancelled', 'scheduled'].includes(j.status)),
      'the sample flow to finish',
      90_000,
    );
    const failed = queue.list({}).filter((j) => j.status === 'failed');
    expect(failed.map((j) => [j.kind, j.error])).toEqual([]);
    const catalog = queue.list({ kind: 'catalog_import' })[0]!;
    expect(catalog.result).toMatchObject({ pairs: 29, withFacts: 29, badFacts: 0 });

    const stats = await call<AnalysisStats>('products:stats', { filters: {}, targets: { minRoi: 0.3, minProfit: 3 } });
    // ROI histogram: products spread over several bands, winners among them.
    // The 27 barcodes the catalog knows (three are not in it: not on Amazon, nothing to analyse against).
    expect(stats.analysed).toBe(27);
    expect(stats.roiBuckets.filter((b) => b.count > 0).length).toBeGreaterThan(3);
    expect(stats.roiBuckets.some((b) => b.winners > 0)).toBe(true);
    // Profit against rank: a dot for every product found with a rank, winners and others both drawn.
    expect(stats.points.length).toBeGreaterThanOrEqual(20);
    expect(stats.points.some((p) => p.winner)).toBe(true);
    expect(stats.points.some((p) => !p.winner)).toBe(true);
    // Verdicts per list: the one sample list, with buy, check and skip each present.
    expect(stats.verdictsByList).toHaveLength(1);
    const [list] = stats.verdictsByList;
    expect(list!.file).toBe('supplier-sample.csv');
    expect(list!.buy).toBeGreaterThan(0);
    expect(list!.check).toBeGreaterThan(0);
    expect(list!.skip).toBeGreaterThan(0);
    expect(list!.buy + list!.check + list!.skip).toBe(27);

    // The products table reads the offers and restrictions as it reads Amazon's.
    const rows = await call<ProductRow[]>('products:page', { offset: 0, limit: 100 });
    expect(rows).toHaveLength(30);
    const offered = rows.filter((r) => r.offers !== null);
    expect(offered.length).toBeGreaterThanOrEqual(25);
    expect(offered.every((r) => r.offers!.fbaOffers !== null && r.offers!.fbmOffers !== null)).toBe(true);
    expect(offered.some((r) => r.offers!.amazonOnListing === true && r.verdict === 'skip')).toBe(true);
    expect(offered.some((r) => r.offers!.buyBoxPrice !== null && r.offers!.buyBoxWinner === 'fba')).toBe(true);
    expect(rows.filter((r) => r.salesRank !== null).length).toBeGreaterThanOrEqual(20);
    const gated = rows.filter((r) => r.restriction?.status === 'approval_required');
    expect(gated.length).toBeGreaterThan(0);
    for (const g of gated) {
      expect(g.restriction!.approvalUrl).toMatch(/^https:\/\/sellercentral\.amazon\.com\//);
      expect(g.verdictReasons.find((x) => x.code === 'approval_required')?.url).toBe(g.restriction!.approvalUrl);
    }
    expect(rows.some((r) => r.restriction?.status === 'not_eligible' && r.verdict === 'skip')).toBe(true);
    expect(rows.filter((r) => r.lookupStatus === 'not_found')).toHaveLength(3);
  }, 120_000);
});
