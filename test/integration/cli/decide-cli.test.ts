// `pallet work --until-idle`, `pallet product ID` and `pallet decide` through the CLI, against the SP-API double on
// 127.0.0.1 (PALLET_SPAPI_ENDPOINT / PALLET_LWA_URL point the CLI's workers at it; credentials come from
// PALLET_SPAPI_*, as for a user without a keyring).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticUpc } from '../../../main/bench/supplier-file.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { createDecisionStore } from '../../../main/decisions/store.ts';
import { scaledRates } from '../../../main/lookups/providers.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { cli } from '../../support/cli.ts';
import { CREDENTIALS, DOUBLE_SELLER_ID, startSpApiDouble, type SpApiDouble } from '../../support/spapi-double.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const ENV = {
  PALLET_SPAPI_CLIENT_ID: CREDENTIALS.clientId,
  PALLET_SPAPI_CLIENT_SECRET: CREDENTIALS.clientSecret,
  PALLET_SPAPI_REFRESH_TOKEN: CREDENTIALS.refreshToken,
};
const UPC = [0, 1, 2, 3].map(syntheticUpc);
const pkg = { length: 8, width: 6, height: 2, weight: 0.8 };
const fees = { total: 5.1, referral: 2.25, fba: 2.85 };

/**
 * Every usage plan 10× Amazon's, in the double and (PALLET_SPAPI_RATE_SCALE, honoured with a test endpoint only) in the
 * workers' scheduler alike: the chain is the same, its 0.1/s offers calls take 1 s instead of 10.
 */
const SCALE = 10;

let api: SpApiDouble;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  api = await startSpApiDouble({
    ratePerSec: 2 * SCALE,
    burst: 2 * SCALE,
    rates: scaledRates(SCALE) as Parameters<typeof startSpApiDouble>[0]['rates'],
    items: [
      // A plain good buy.
      {
        asin: 'B0GOOD0001',
        title: 'Good Widget',
        identifiers: [{ type: 'UPC', value: UPC[0]! }],
        rank: 1_500,
        package: pkg,
        buyBox: 24.99,
        offers: 3,
        fees,
        itemOffers: { fba: 2, fbm: 1, lowestFba: 24.99, lowestFbm: 26, buyBox: 24.99, buyBoxWinner: 'fba' },
      },
      // Gated: approval required, with Amazon's link.
      {
        asin: 'B0GATED001',
        title: 'Gated Gadget',
        identifiers: [{ type: 'UPC', value: UPC[1]! }],
        rank: 2_000,
        package: pkg,
        buyBox: 29.99,
        offers: 4,
        fees,
        restriction: {
          status: 'approval_required',
          message: 'You need approval to list in this brand.',
          approvalUrl: 'https://sellercentral.amazon.com/hz/approvalrequest?asin=B0GATED001',
        },
        itemOffers: { fba: 2, fbm: 0, lowestFba: 29.99, buyBox: 29.99, buyBoxWinner: 'fba' },
      },
      // Amazon sells on the listing.
      {
        asin: 'B0AMAZON01',
        title: 'Amazon Thing',
        identifiers: [{ type: 'UPC', value: UPC[2]! }],
        rank: 900,
        package: pkg,
        buyBox: 22.5,
        offers: 6,
        fees,
        itemOffers: { fba: 4, fbm: 1, amazon: true, lowestFba: 22.5, buyBox: 22.5, buyBoxWinner: 'amazon' },
      },
    ],
  });
  for (const [k, v] of Object.entries({
    ...ENV,
    PALLET_SPAPI_ENDPOINT: api.endpoint,
    PALLET_LWA_URL: api.tokenUrl,
    PALLET_SPAPI_RATE_SCALE: String(SCALE),
  })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await api.close();
});

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

/** A supplier list of the four barcodes (the fourth unknown to Amazon), at `cost` each. */
const list = (name: string, cost: number) =>
  tmp.file(
    name,
    `UPC,Name,Cost\n${UPC.map((u, i) => `${u},${['Good Widget', 'Gated Gadget', 'Amazon Thing', 'Nobody'][i]},${cost}`).join('\n')}\n`,
  );

/** The app's settings file beside the database, with the seller id restrictions checks need. */
const sellerSettings = () =>
  writeFileSync(join(dirname(tmp.path), 'settings.json'), JSON.stringify({ spapiSellerId: DOUBLE_SELLER_ID }));

describe('pallet work --until-idle', () => {
  it(
    'runs the follow-up a lookup queued (and what that queues) until no job is left queued',
    { timeout: 120_000 },
    async () => {
      sellerSettings();
      expect((await cli('--db', tmp.path, 'import', list('l.csv', 6))).code).toBe(0);
      const lookup = await cli('--db', tmp.path, 'lookup', '--provider', 'spapi', '--all', '--json');
      expect(lookup.code, lookup.err).toBe(0);
      expect(JSON.parse(lookup.out)).toMatchObject({ status: 'completed', found: 3, notFound: 1 });
      // The lookup's own engine runs lookups only: its follow-up (Amazon's prices and the decision) waits, and the CLI
      // says how to run it.
      const queuedBefore = JSON.parse((await cli('--db', tmp.path, 'jobs', '--status', 'queued', '--json')).out) as {
        kind: string;
      }[];
      expect(queuedBefore.length).toBeGreaterThan(0);
      expect(lookup.err).toMatch(/waits?: run pallet work/);

      const work = await cli('--db', tmp.path, 'work', '--until-idle', '--json');
      expect(work.code, work.err).toBe(0);
      const r = JSON.parse(work.out) as { ran: { kind: string; status: string }[]; left: Record<string, number> };
      expect(r.ran.map((j) => j.kind)).toEqual(expect.arrayContaining(queuedBefore.map((j) => j.kind)));
      expect(r.ran.every((j) => j.status === 'completed')).toBe(true);
      expect(r.left.queued).toBe(0);
      expect(r.left.running).toBe(0);
      const db = openDatabase(tmp.path);
      try {
        expect(createQueue({ db }).counts().queued).toBe(0);
        // Amazon's Buy Box reached the analysis: the pricing job ran.
        const priced = db
          .prepare("SELECT count(*) FROM analyses WHERE sell_price IS NOT NULL AND marketplace = 'US'")
          .pluck()
          .get();
        expect(priced).toBe(3);
      } finally {
        db.close();
      }
      // Nothing left: a second run has nothing to do.
      expect((await cli('--db', tmp.path, 'work', '--until-idle')).out).toBe('Nothing to run.');
    },
  );

  it('--until-idle belongs to work only', async () => {
    const r = await cli('--db', tmp.path, 'jobs', '--until-idle');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--until-idle only applies to "work"/);
  });
});

describe('pallet product ID', () => {
  it('shows the analysis, candidates, offers, restriction with its approval link, verdict reasons and cost history', async () => {
    expect((await cli('--db', tmp.path, 'import', list('acme-1.csv', 6), '--supplier', 'Acme')).code).toBe(0);
    expect((await cli('--db', tmp.path, 'import', list('acme-2.csv', 6.5), '--supplier', 'Acme')).code).toBe(0);
    expect((await cli('--db', tmp.path, 'analyze', '--ids', '2')).code).toBe(0);
    const db = openDatabase(tmp.path);
    try {
      const s = createDecisionStore(db);
      const now = Date.now();
      s.upsertRestriction({
        asin: 'B0GATED001',
        marketplace: 'US',
        sellerId: DOUBLE_SELLER_ID,
        status: 'approval_required',
        reasons: [{ code: 'APPROVAL_REQUIRED', message: 'You need approval.', approvalUrl: 'https://sc.example/a' }],
        fetchedAt: now,
      });
      s.upsertOfferSummary({
        asin: 'B0GATED001',
        marketplace: 'US',
        buyBoxPrice: 29.99,
        buyBoxWinner: 'fba',
        amazonOnListing: false,
        fbaOffers: 2,
        fbmOffers: 0,
        lowestFba: 29.99,
        lowestFbm: null,
        source: 'item_offers',
        fetchedAt: now,
      });
      s.replaceCandidates(
        2,
        'US',
        [
          {
            asin: 'B0GATED001',
            chosen: true,
            verdict: 'check',
            profit: 9.1,
            roi: 1.4,
            estSalesMid: 120,
            reasons: [],
          },
        ],
        now,
      );
      expect(
        s.saveVerdict(2, 'US', {
          verdict: 'check',
          reasons: [
            {
              code: 'approval_required',
              severity: 'check',
              text: 'Gated: you need Amazon’s approval to sell this.',
              url: 'https://sc.example/a',
            },
          ],
          packMultiplier: 1,
          asin: 'B0GATED001',
          decidedAt: now,
        }),
      ).toBe(true);
    } finally {
      db.close();
    }
    const json = await cli('--db', tmp.path, 'product', '2', '--json');
    expect(json.code, json.err).toBe(0);
    const r = JSON.parse(json.out);
    expect(r).toMatchObject({
      product: { id: 2, name: 'Gated Gadget', cost: 6.5 },
      verdict: { verdict: 'check', asin: 'B0GATED001', reasons: [{ code: 'approval_required' }] },
      candidates: [{ asin: 'B0GATED001', chosen: true }],
      asins: {
        B0GATED001: {
          restriction: { status: 'approval_required', reasons: [{ approvalUrl: 'https://sc.example/a' }] },
          offers: { fbaOffers: 2, amazonOnListing: false },
        },
      },
      analysis: { unitCost: 6.5 },
      suppliers: [{ supplier: 'Acme', cost: 6.5, history: [{ cost: 6 }, { cost: 6.5 }] }],
    });
    const text = await cli('--db', tmp.path, 'product', '2');
    expect(text.out).toMatch(/Verdict \(US\): CHECK on B0GATED001/);
    expect(text.out).toMatch(/request approval: https:\/\/sc\.example\/a/);
    expect(text.out).toMatch(/Acme: \$6\.50; history \S+ \$6\.00 → \S+ \$6\.50/);
    // A product never decided says how to decide it.
    expect((await cli('--db', tmp.path, 'product', '1')).out).toMatch(/not decided yet \(run pallet decide --ids 1\)/);
  });

  it('meets a bad or unknown id with a clear error', async () => {
    expect((await cli('--db', tmp.path, 'import', list('l.csv', 6))).code).toBe(0);
    const unknown = await cli('--db', tmp.path, 'product', '99');
    expect(unknown).toMatchObject({
      code: 1,
      err: 'pallet: there is no product 99 (pallet export products lists them).',
    });
    for (const args of [['product'], ['product', 'x'], ['product', '0'], ['product', '1', '2'], ['product', '']]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});

describe('pallet decide', () => {
  it(
    'runs the whole chain against the double: buy, gated → check with its link, Amazon on the listing → skip',
    { timeout: 120_000 },
    async () => {
      sellerSettings();
      expect((await cli('--db', tmp.path, 'import', list('l.csv', 6))).code).toBe(0);
      const run = await cli('--db', tmp.path, 'decide', '--all', '--json');
      expect(run.code, run.err).toBe(0);
      const r = JSON.parse(run.out);
      expect(r).toMatchObject({ status: 'completed', decided: 4 });
      expect(r.buy + r.check + r.skip).toBe(4);
      expect(api.stats.byOp.getItemOffersBatch?.requests).toBeGreaterThan(0);
      const verdicts: Record<number, string> = {};
      for (const id of [1, 2, 3, 4]) {
        const p = JSON.parse((await cli('--db', tmp.path, 'product', String(id), '--json')).out);
        verdicts[id] = p.verdict?.verdict;
      }
      expect(verdicts).toEqual({ 1: 'buy', 2: 'check', 3: 'skip', 4: 'skip' });
      const gated = JSON.parse((await cli('--db', tmp.path, 'product', '2', '--json')).out);
      expect(gated.verdict.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'approval_required',
            url: 'https://sellercentral.amazon.com/hz/approvalrequest?asin=B0GATED001',
          }),
        ]),
      );
      const text = await cli('--db', tmp.path, 'decide', '--ids', '1,2,3');
      expect(text.code, text.err).toBe(0);
      expect(text.out).toMatch(/^Decided 3 products: 1 buy, 1 check, 1 skip\./);
      expect(text.out).toMatch(/BUY #1 Good Widget \(B0GOOD0001\)/);
      expect(text.out).toMatch(/CHECK #2 Gated Gadget \(B0GATED001\)[\s\S]*approval/);
    },
  );

  it('without credentials says decisions use local data only, and unknowns make a product check', async () => {
    expect((await cli('--db', tmp.path, 'import', list('l.csv', 6))).code).toBe(0);
    // The ASIN from the local reference catalog, as a user without SP-API would find it.
    const keepa = tmp.file('keepa.csv', `ASIN,UPC,Title\nB0GOOD0001,${UPC[0]},Good Widget\n`);
    expect((await cli('--db', tmp.path, 'catalog', 'import', keepa)).code).toBe(0);
    expect((await cli('--db', tmp.path, 'lookup', '--provider', 'catalog', '--ids', '1')).code).toBe(0);
    const keep = { ...ENV };
    for (const k of Object.keys(ENV)) delete process.env[k];
    try {
      const r = await cli('--db', tmp.path, 'decide', '--ids', '1');
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/decisions use local data only/);
      expect(r.out).toMatch(/^Decided 1 products: 0 buy, 1 check, 0 skip\./);
      const p = JSON.parse((await cli('--db', tmp.path, 'product', '1', '--json')).out);
      expect(p.verdict.verdict).toBe('check');
      expect(p.verdict.reasons.map((x: { code: string }) => x.code)).toEqual(
        expect.arrayContaining(['restriction_unknown', 'offers_unknown']),
      );
    } finally {
      Object.assign(process.env, keep);
    }
  });

  it('meets bad arguments with a usage message and exit code 2', async () => {
    for (const args of [
      ['decide'],
      ['decide', '--all', '--ids', '1'],
      ['decide', '--ids', 'a'],
      ['decide', '--import', 'x'],
      ['decide', '--all', 'extra'],
      ['decide', '--all', '--provider', 'spapi'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});
