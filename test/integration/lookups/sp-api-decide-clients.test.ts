import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../main/lookups/provider.ts';
import { NetworkUnavailableError } from '../../../main/workers/runtime/task.ts';
import { waitFor } from '../../support/workers.ts';
import type { LimiterClock } from '../../../main/lookups/rate-limiter.ts';
import { createScheduler, type SchedulerOptions } from '../../../main/lookups/scheduler.ts';
import { createLwaAuth } from '../../../main/lookups/sp-api/auth.ts';
import { createSpApiClient } from '../../../main/lookups/sp-api/client.ts';
import { createFbaEligibility } from '../../../main/lookups/sp-api/eligibility.ts';
import { createItemOffers } from '../../../main/lookups/sp-api/offers.ts';
import { createSpApiPricing } from '../../../main/lookups/sp-api/pricing.ts';
import { createListingsRestrictions } from '../../../main/lookups/sp-api/restrictions.ts';
import {
  CREDENTIALS,
  DOUBLE_SELLER_ID,
  startSpApiDouble,
  type DoubleItem,
  type SpApiDouble,
} from '../../support/spapi-double.ts';

// The decide job's clients against the double: each operation behind its own bucket at Amazon's rates.
const ITEMS: DoubleItem[] = [
  {
    asin: 'B000WIDGET',
    identifiers: [{ type: 'UPC', value: '036000291452' }],
    buyBox: 24.99,
    offers: 7,
    itemOffers: {
      fba: 3,
      fbm: 2,
      amazon: true,
      lowestFba: 24.99,
      lowestFbm: 22.5,
      buyBox: 24.99,
      buyBoxWinner: 'amazon',
    },
    eligibility: { eligible: true },
  },
  {
    asin: 'B000GADGET',
    identifiers: [{ type: 'UPC', value: '012345678905' }],
    restriction: {
      status: 'approval_required',
      approvalUrl: 'https://sellercentral.amazon.com/approve?asin=B000GADGET',
    },
    itemOffers: { fba: 2, fbm: 0, lowestFba: 19.5, buyBoxWinner: 'fba' },
    eligibility: { eligible: false, codes: ['FBA_INB_0008', 'FBA_INB_0014'] },
  },
  {
    asin: 'B000GIZMO1',
    identifiers: [{ type: 'UPC', value: '042100005264' }],
    restriction: { status: 'not_eligible', message: 'This brand is gated.' },
    itemOffers: { fba: 0, fbm: 4, lowestFbm: 9.99, buyBoxWinner: 'fbm' },
    eligibility: { eligible: false, codes: ['FBA_INB_0095', 'FBA_INB_0008'] },
  },
  { asin: 'B000NOOFFR', identifiers: [{ type: 'UPC', value: '096619756803' }] },
];

let api: SpApiDouble;
afterEach(async () => api?.close());

/** Backoff sleeps shortened 20×: the scheduler paces in real time, the client's retries need not wait seconds. */
const quickBackoff: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms / 20);
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
    }),
};

async function setup(
  o: {
    double?: Parameters<typeof startSpApiDouble>[0]['rates'];
    scheduler?: SchedulerOptions['rates'];
    announceRates?: boolean;
  } = {},
) {
  await api?.close();
  api = await startSpApiDouble({ items: ITEMS, rates: o.double, announceRates: o.announceRates });
  const scheduler = createScheduler({ rates: o.scheduler });
  const client = createSpApiClient({
    auth: createLwaAuth({ credentials: CREDENTIALS, tokenUrl: api.tokenUrl }),
    endpoint: api.endpoint,
    clock: quickBackoff,
  });
  const marketplaceId = 'ATVPDKIKX0DER';
  return {
    scheduler,
    restrictions: (sellerId: string | null = DOUBLE_SELLER_ID) =>
      createListingsRestrictions({ client, scheduler, marketplaceId, sellerId }),
    offers: createItemOffers({ client, scheduler, marketplaceId }),
    eligibility: createFbaEligibility({ client, scheduler, marketplaceId }),
    pricing: createSpApiPricing({
      client,
      marketplaceId,
      currency: 'USD',
      pricingLimiter: scheduler.limiter('getCompetitivePricing', 0),
      feesLimiter: scheduler.limiter('getMyFeesEstimates', 0),
    }),
  };
}
const signal = new AbortController().signal;
const fast = { ratePerSec: 50, burst: 50 };

describe('listing restrictions', () => {
  it('reads ok, approval (with its link), not eligible and not found; dedupes; keeps a bad ASIN to itself', async () => {
    const c = await setup();
    const answers = await c
      .restrictions()
      .restrictions(['B000WIDGET', 'B000GADGET', 'b000gadget ', 'B000GIZMO1', 'B000UNKNWN', 'not-an-asin'], { signal });
    expect(answers).toEqual([
      { asin: 'B000WIDGET', status: 'ok', reasons: [] },
      {
        asin: 'B000GADGET',
        status: 'approval_required',
        reasons: [
          {
            code: 'APPROVAL_REQUIRED',
            message: expect.any(String),
            approvalUrl: 'https://sellercentral.amazon.com/approve?asin=B000GADGET',
          },
        ],
      },
      {
        asin: 'B000GIZMO1',
        status: 'not_eligible',
        reasons: [{ code: 'NOT_ELIGIBLE', message: 'This brand is gated.' }],
      },
      { asin: 'B000UNKNWN', status: 'asin_not_found', reasons: [expect.objectContaining({ code: 'ASIN_NOT_FOUND' })] },
      { asin: 'NOT-AN-ASIN', error: { code: 'invalid_asin', message: expect.stringMatching(/not an ASIN/) } },
    ]);
    expect(api.stats.byOp.getListingsRestrictions!.requests).toBe(4);
  });

  it('says what to do without a seller id, and keeps a malformed answer to its own ASIN', async () => {
    const c = await setup();
    await expect(c.restrictions(null).restrictions(['B000WIDGET'], { signal })).rejects.toMatchObject({
      code: 'no_seller_id',
      retryable: false,
      message: expect.stringMatching(/seller id.*Settings/),
    });
    expect(api.stats.byOp.getListingsRestrictions).toBeUndefined();
    api.faults.malformedOps.getListingsRestrictions = 1;
    const single = await c
      .restrictions()
      .restriction('B000WIDGET', { signal })
      .catch((e: unknown) => e);
    expect(single).toBeInstanceOf(ProviderError);
    expect(single).toMatchObject({ code: 'malformed_response', message: expect.stringMatching(/request id req-\d+/) });
    api.faults.malformedOps.getListingsRestrictions = 1;
    const answers = await c.restrictions().restrictions(['B000GIZMO1'], { signal });
    expect(answers).toEqual([
      { asin: 'B000GIZMO1', error: { code: 'malformed_response', message: expect.any(String) } },
    ]);
  });

  it('rides out 429s when sent faster than Amazon allows: slowed down, every ASIN served', async () => {
    // The scheduler believes 50/s and hears no announced rate; the double holds to Amazon's 5/s burst 10.
    const c = await setup({ scheduler: { getListingsRestrictions: fast }, announceRates: false });
    const asins = Array.from({ length: 30 }, (_, i) => `B0RESTR${String(i).padStart(3, '0')}`);
    const answers = await c.restrictions().restrictions(asins, { signal });
    expect(answers.map((a) => ('status' in a ? a.status : a.error.code))).toEqual(asins.map(() => 'asin_not_found'));
    const served = api.stats.byOp.getListingsRestrictions!;
    expect(served.throttled).toBeGreaterThan(0);
    expect(served.requests).toBe(30 + served.throttled);
    const seen = c.scheduler.stats().getListingsRestrictions!;
    expect(seen.throttled).toBe(served.throttled);
    expect(seen.rate).toBeLessThan(50);
  }, 60_000);

  it('follows the announced rate: told 5/s, a scheduler that believed 50/s is never throttled', async () => {
    const c = await setup({ scheduler: { getListingsRestrictions: fast } });
    const asins = Array.from({ length: 20 }, (_, i) => `B0RESTR${String(i).padStart(3, '0')}`);
    await c.restrictions().restrictions(asins, { signal });
    expect(api.stats.byOp.getListingsRestrictions).toEqual({ requests: 20, throttled: 0 });
    expect(c.scheduler.stats().getListingsRestrictions).toMatchObject({ limit: 5 });
    // Paced 3% under the limit (the scheduler's headroom).
    expect(c.scheduler.stats().getListingsRestrictions!.rate).toBeCloseTo(4.85, 5);
  }, 60_000);
});

describe('item offers (batch)', () => {
  it('reads the Buy Box, Amazon on the listing and counts by channel; dedupes the batch; a bad item errs alone', async () => {
    const c = await setup();
    const answers = await c.offers.itemOffers(
      ['B000WIDGET', 'B000GADGET', 'B000WIDGET', 'b000gizmo1', 'B000NOOFFR', 'B000UNKNWN'],
      { signal },
    );
    expect(answers).toEqual([
      {
        asin: 'B000WIDGET',
        buyBoxPrice: 24.99,
        buyBoxWinner: 'amazon',
        amazonOnListing: true,
        fbaOffers: 3,
        fbmOffers: 2,
        lowestFba: 24.99,
        lowestFbm: 22.5,
        totalOffers: 5,
      },
      {
        asin: 'B000GADGET',
        buyBoxPrice: 19.5,
        buyBoxWinner: 'fba',
        amazonOnListing: false,
        fbaOffers: 2,
        fbmOffers: 0,
        lowestFba: 19.5,
        lowestFbm: null,
        totalOffers: 2,
      },
      {
        asin: 'B000GIZMO1',
        buyBoxPrice: 9.99,
        buyBoxWinner: 'fbm',
        amazonOnListing: false,
        fbaOffers: 0,
        fbmOffers: 4,
        lowestFba: null,
        lowestFbm: 9.99,
        totalOffers: 4,
      },
      {
        asin: 'B000NOOFFR',
        buyBoxPrice: null,
        buyBoxWinner: null,
        amazonOnListing: false,
        fbaOffers: 0,
        fbmOffers: 0,
        lowestFba: null,
        lowestFbm: null,
        totalOffers: 0,
      },
      { asin: 'B000UNKNWN', error: { code: 'InvalidInput', message: expect.stringMatching(/B000UNKNWN/) } },
    ]);
    // One call for five distinct ASINs: the double answers 400 to a batch with a repeated ASIN.
    expect(api.stats.byOp.getItemOffersBatch).toEqual({ requests: 1, throttled: 0 });
  });

  it('a malformed batch is a ProviderError, and each of its ASINs carries it', async () => {
    const c = await setup();
    api.faults.malformedOps.getItemOffersBatch = 1;
    await expect(c.offers.batch(['B000WIDGET'], { signal })).rejects.toMatchObject({
      name: 'ProviderError',
      code: 'malformed_response',
    });
    const c2 = await setup({ double: { getItemOffersBatch: fast }, scheduler: { getItemOffersBatch: fast } });
    api.faults.malformedOps.getItemOffersBatch = 1;
    expect(await c2.offers.itemOffers(['B000WIDGET', 'B000GADGET'], { signal })).toEqual([
      { asin: 'B000WIDGET', error: { code: 'malformed_response', message: expect.any(String) } },
      { asin: 'B000GADGET', error: { code: 'malformed_response', message: expect.any(String) } },
    ]);
  });

  it('at 0.1 req/s, a second batch sent too early is throttled, slowed down and then served', async () => {
    // The double refills at 1/s instead of Amazon's 0.1/s (burst 1 as Amazon's), so the test waits a second, not ten.
    const c = await setup({
      double: { getItemOffersBatch: { ratePerSec: 1, burst: 1 } },
      scheduler: { getItemOffersBatch: { ratePerSec: 20, burst: 2 } },
    });
    const first = c.offers.itemOffers(['B000WIDGET'], { signal });
    const second = c.offers.itemOffers(['B000GADGET'], { signal });
    const [a, b] = await Promise.all([first, second]);
    expect(a[0]).toMatchObject({ asin: 'B000WIDGET', buyBoxWinner: 'amazon' });
    expect(b[0]).toMatchObject({ asin: 'B000GADGET', buyBoxWinner: 'fba' });
    expect(api.stats.byOp.getItemOffersBatch!.throttled).toBeGreaterThan(0);
    expect(c.scheduler.stats().getItemOffersBatch!.limit).toBe(1);
  }, 30_000);
});

describe('offline', () => {
  it('spends no token: the next batch goes at once although the clock never moved', async () => {
    await setup();
    // A scheduler whose clock stands still: a spent 0.1/s token could only come back after 10 s that never pass.
    const frozen: LimiterClock = { now: () => 0, sleep: () => new Promise(() => {}) };
    const scheduler = createScheduler({ clock: frozen });
    const client = createSpApiClient({
      auth: createLwaAuth({ credentials: CREDENTIALS, tokenUrl: api.tokenUrl }),
      endpoint: api.endpoint,
    });
    const offers = createItemOffers({ client, scheduler, marketplaceId: 'ATVPDKIKX0DER' });
    await api.goOffline();
    await expect(offers.itemOffers(['B000WIDGET'], { signal })).rejects.toBeInstanceOf(NetworkUnavailableError);
    expect(scheduler.stats().getItemOffersBatch).toMatchObject({ granted: 1, inFlight: 0, queued: 0 });
    await api.goOnline();
    const answer = offers.itemOffers(['B000WIDGET'], { signal });
    await waitFor(() => api.stats.byOp.getItemOffersBatch?.requests === 1, 'the batch after the network came back');
    expect((await answer)[0]).toMatchObject({ asin: 'B000WIDGET', buyBoxWinner: 'amazon' });
  });
});

describe('FBA inbound eligibility', () => {
  it('eligible, hazmat review, ineligible; an unknown ASIN errs alone; a malformed answer is a ProviderError', async () => {
    const c = await setup({
      double: { getItemEligibilityPreview: fast },
      scheduler: { getItemEligibilityPreview: fast },
    });
    const answers = await c.eligibility.eligibility(
      ['B000WIDGET', 'B000GADGET', 'B000GIZMO1', 'B000UNKNWN', 'B000GADGET'],
      {
        signal,
      },
    );
    expect(answers).toEqual([
      { asin: 'B000WIDGET', status: 'eligible', reasonCodes: [], hazmat: false },
      { asin: 'B000GADGET', status: 'review', reasonCodes: ['FBA_INB_0008', 'FBA_INB_0014'], hazmat: true },
      { asin: 'B000GIZMO1', status: 'ineligible', reasonCodes: ['FBA_INB_0095', 'FBA_INB_0008'], hazmat: true },
      {
        asin: 'B000UNKNWN',
        error: { code: 'http_400', message: expect.stringMatching(/B000UNKNWN.*not in the catalog/) },
      },
    ]);
    expect(api.stats.byOp.getItemEligibilityPreview!.requests).toBe(4);
    api.faults.malformedOps.getItemEligibilityPreview = 1;
    await expect(c.eligibility.preview('B000WIDGET', { signal })).rejects.toMatchObject({
      name: 'ProviderError',
      code: 'malformed_response',
    });
  });
});

describe('competitive pricing', () => {
  it('adds offer counts by condition, keeping the Buy Box and new-offer count', async () => {
    const c = await setup();
    expect(await c.pricing.competitivePrices(['B000WIDGET'], signal)).toEqual([
      { asin: 'B000WIDGET', buyBox: 24.99, offers: 7, offerCounts: { new: 7 } },
    ]);
  });
});
