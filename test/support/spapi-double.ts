// An SP-API test double: a real HTTP server on 127.0.0.1 with the LWA token endpoint, searchCatalogItems (2022-04-01
// shapes), getCompetitivePricing, getMyFeesEstimates, getItemOffersBatch, getListingsRestrictions,
// getItemEligibilityPreview and getMarketplaceParticipations (Settings' "Test connection"), each behind its own token
// bucket at Amazon's documented rate and burst (429 QuotaExceeded above it), with request and 429 counters per
// operation, seeded latency, 5xx, slow answers, expiring tokens, malformed JSON and an "offline" mode (the port refuses
// connections).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DoubleItem {
  asin: string;
  title?: string;
  brand?: string;
  /** The identifiers Amazon lists the item under (a UPC may come back only as an EAN). */
  identifiers: { type: 'UPC' | 'EAN' | 'GTIN'; value: string }[];
  rank?: number;
  rankTitle?: string;
  package?: { length: number; width: number; height: number; weight: number; lengthUnit?: string; weightUnit?: string };
  /** New Buy Box landed price and offer count (getCompetitivePricing). */
  buyBox?: number;
  offers?: number;
  /** Amazon's fee estimate at any price (getMyFeesEstimates); absent → a ClientError for that item. */
  fees?: { total: number; referral: number; fba: number };
  /** attributes.item_package_quantity and number_of_items. */
  packageQuantity?: number;
  numberOfItems?: number;
  /** A variation child names its parent; a parent lists its children. */
  parentAsin?: string;
  childAsins?: string[];
  variationTheme?: string;
  /** Sub-category ranks (classificationRanks), besides `rank` (the display-group rank). */
  salesRanks?: { classificationId: string; title: string; rank: number }[];
  /** Dangerous-goods attributes: supplier_declared_dg_hz_regulation, hazmat UN number, GHS classes, lithium cells. */
  hazmat?: { regulation?: string; unNumber?: string; ghs?: string[]; lithium?: boolean };
  /** Attributes sent as they are (to send malformed ones); merged over the ones built from the fields above. */
  rawAttributes?: Record<string, unknown>;
  /** getListingsRestrictions for new_new; absent → no restriction. */
  restriction?: {
    status: 'approval_required' | 'not_eligible' | 'asin_not_found';
    message?: string;
    approvalUrl?: string;
  };
  /** getItemOffersBatch (new); absent → an item with no offers ("NoBuyableOffers"). `amazon`: Amazon sells it too. */
  itemOffers?: {
    fba: number;
    fbm: number;
    amazon?: boolean;
    lowestFba?: number;
    lowestFbm?: number;
    buyBox?: number;
    buyBoxWinner?: 'amazon' | 'fba' | 'fbm' | null;
  };
  /** getItemEligibilityPreview (INBOUND); absent → eligible. */
  eligibility?: { eligible: boolean; codes?: string[] };
}

/** The operations the double serves, with Amazon's default usage plans (requests per second, burst). */
export const DOUBLE_RATES = {
  searchCatalogItems: { ratePerSec: 2, burst: 2 },
  getCompetitivePricing: { ratePerSec: 0.5, burst: 1 },
  getMyFeesEstimates: { ratePerSec: 0.5, burst: 1 },
  getItemOffersBatch: { ratePerSec: 0.1, burst: 1 },
  getListingsRestrictions: { ratePerSec: 5, burst: 10 },
  getItemEligibilityPreview: { ratePerSec: 1, burst: 1 },
  getMarketplaceParticipations: { ratePerSec: 0.016, burst: 15 },
} as const;
export type DoubleOp = keyof typeof DOUBLE_RATES;

/** Seller ids the restrictions endpoint accepts (others get 400, as Amazon answers for a seller the token does not cover). */
export const DOUBLE_SELLER_ID = 'A2DOUBLESELLER1';
const AMAZON_US = 'ATVPDKIKX0DER';

export const CREDENTIALS = {
  clientId: 'amzn1.application-oa2-client.test',
  clientSecret: 'test-secret',
  refreshToken: 'Atzr|test-refresh',
};

/** The attributes Amazon would file for an item (the 2022-04-01 free-form shape, one entry per marketplace). */
function attributesOf(it: DoubleItem): Record<string, unknown> {
  const mp = { marketplace_id: AMAZON_US };
  const a: Record<string, unknown> = {
    supplier_declared_dg_hz_regulation: [{ value: it.hazmat?.regulation ?? 'not_applicable', ...mp }],
  };
  if (it.packageQuantity !== undefined) a.item_package_quantity = [{ value: it.packageQuantity, ...mp }];
  if (it.numberOfItems !== undefined) a.number_of_items = [{ value: it.numberOfItems, ...mp }];
  if (it.hazmat?.unNumber) a.hazmat = [{ aspect: 'united_nations_regulatory_id', value: it.hazmat.unNumber, ...mp }];
  if (it.hazmat?.ghs) a.ghs = [{ classification: it.hazmat.ghs.map((c) => ({ class: c })), ...mp }];
  if (it.hazmat?.lithium) {
    a.battery = [{ cell_composition: [{ value: 'lithium_ion' }], ...mp }];
    a.number_of_lithium_ion_cells = [{ value: 2, ...mp }];
  } else a.batteries_required = [{ value: false, ...mp }];
  return { ...a, ...it.rawAttributes };
}

export async function startSpApiDouble(opts: {
  items: DoubleItem[];
  /** The credentials the token endpoint accepts (default CREDENTIALS). */
  credentials?: typeof CREDENTIALS;
  /** A refusal echoes the form it got, as some servers do in their error descriptions (secrets included). */
  echoRefusals?: boolean;
  /** searchCatalogItems' rate and burst (default 2 and 2). */
  ratePerSec?: number;
  burst?: number;
  /** Other operations' usage plans when not Amazon's defaults. */
  rates?: Partial<Record<DoubleOp, { ratePerSec: number; burst: number }>>;
  /** Every answer of the new operations waits minMs..maxMs, drawn from a PRNG seeded with `seed` (repeatable). */
  latency?: { minMs: number; maxMs: number; seed: number };
  /** False: the new operations send no x-amzn-RateLimit-Limit (Amazon sends it best-effort only). */
  announceRates?: boolean;
  tokenTtlSec?: number;
}) {
  const rate = opts.ratePerSec ?? 2;
  const burst = opts.burst ?? 2;
  const planOf = (op: DoubleOp) =>
    op === 'searchCatalogItems' ? { ratePerSec: rate, burst } : (opts.rates?.[op] ?? DOUBLE_RATES[op]);
  // One bucket per operation, full at start as Amazon's are.
  const opBuckets = new Map<string, { tokens: number; last: number }>();
  const allow = (op: DoubleOp) => {
    const plan = planOf(op);
    const b = opBuckets.get(op) ?? { tokens: plan.burst, last: performance.now() };
    const now = performance.now();
    b.tokens = Math.min(plan.burst, b.tokens + ((now - b.last) / 1000) * plan.ratePerSec);
    b.last = now;
    opBuckets.set(op, b);
    const counter = (stats.byOp[op] ??= { requests: 0, throttled: 0 });
    counter.requests++;
    if (b.tokens < 1) {
      counter.throttled++;
      return false;
    }
    b.tokens -= 1;
    return true;
  };
  // mulberry32: a small seeded PRNG, so a run's latencies repeat.
  let seed = opts.latency?.seed ?? 1;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const latency = () =>
    opts.latency ? opts.latency.minMs + random() * Math.max(0, opts.latency.maxMs - opts.latency.minMs) : 0;
  const stats = {
    /** Requests and 429s per operation (searchCatalogItems counts here too, besides `requests`/`throttled`). */
    byOp: {} as Partial<Record<DoubleOp, { requests: number; throttled: number }>>,
    pricingRequests: 0,
    feeRequests: 0,
    requests: 0,
    throttled: 0,
    tokenExchanges: 0,
    searchTimes: [] as number[],
    throttledTimes: [] as number[],
  };
  const faults = {
    malformed: 0,
    serverErrors: 0,
    slowMs: 0,
    expireNext: false,
    /** The next N answers of an operation are truncated JSON (searchCatalogItems uses `malformed`). */
    malformedOps: {} as Partial<Record<DoubleOp, number>>,
    /** getMarketplaceParticipations answers 403 (the app not authorised by this seller), 503, or never. */
    participations: 'ok' as 'ok' | 'forbidden' | 'server_error' | 'hang',
  };
  const takeMalformed = (op: DoubleOp) => {
    const n = faults.malformedOps[op] ?? 0;
    if (n > 0) faults.malformedOps[op] = n - 1;
    return n > 0;
  };
  // Indexes over opts.items, rebuilt when the list's length changes: answering a 10,000-item catalog by scanning it
  // costs more CPU than the engine a bench measures (the double runs in the bench's process).
  let indexedLength = -1;
  const byAsin = new Map<string, DoubleItem>();
  const byDigits = new Map<string, number[]>();
  const strip = (s: string) => s.replace(/^0+/, '');
  const index = () => {
    if (indexedLength === opts.items.length) return;
    byAsin.clear();
    byDigits.clear();
    opts.items.forEach((it, i) => {
      if (!byAsin.has(it.asin)) byAsin.set(it.asin, it);
      for (const id of it.identifiers) {
        const list = byDigits.get(strip(id.value)) ?? [];
        if (!list.includes(i)) list.push(i);
        byDigits.set(strip(id.value), list);
      }
    });
    indexedLength = opts.items.length;
  };
  const itemByAsin = (asin: string) => (index(), byAsin.get(asin));
  /** Amazon matches on the digits, whatever type they are filed under; padding differences are Amazon's problem too. */
  const itemsByIdentifiers = (ids: string[]) => {
    index();
    const at = new Set(ids.flatMap((id) => byDigits.get(strip(id)) ?? []));
    return [...at].sort((a, b) => a - b).map((i) => opts.items[i]!);
  };
  const quota = { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] };
  const tokens = new Map<string, number>();
  let n = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${++n}`, ...headers })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/auth/o2/token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const f = new URLSearchParams(body);
        const accepted = opts.credentials ?? CREDENTIALS;
        if (
          f.get('grant_type') !== 'refresh_token' ||
          f.get('client_id') !== accepted.clientId ||
          f.get('client_secret') !== accepted.clientSecret ||
          f.get('refresh_token') !== accepted.refreshToken
        ) {
          // As Amazon: a known client with a wrong refresh token is invalid_grant (400), else invalid_client (401).
          const grant = f.get('client_id') === accepted.clientId && f.get('client_secret') === accepted.clientSecret;
          const description = `${grant ? 'The request has an invalid grant parameter' : 'Client authentication failed'}${opts.echoRefusals ? ` for ${body}` : ''}`;
          return send(grant ? 400 : 401, {
            error: grant ? 'invalid_grant' : 'invalid_client',
            error_description: description,
          });
        }
        stats.tokenExchanges++;
        const token = `Atza|token-${stats.tokenExchanges}`;
        tokens.set(token, Date.now() + (opts.tokenTtlSec ?? 3600) * 1000);
        send(200, {
          access_token: token,
          token_type: 'bearer',
          expires_in: opts.tokenTtlSec ?? 3600,
          refresh_token: accepted.refreshToken,
        });
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/products/pricing/v0/competitivePrice') {
      stats.pricingRequests++;
      if (!allow('getCompetitivePricing'))
        return send(429, {
          errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
        });
      const asins = (url.searchParams.get('Asins') ?? '').split(',').filter(Boolean);
      if (asins.length === 0 || asins.length > 20 || url.searchParams.get('ItemType') !== 'Asin')
        return send(400, { errors: [{ code: 'InvalidInput', message: 'Invalid input' }] });
      return send(
        200,
        {
          payload: asins.map((asin) => {
            const it = itemByAsin(asin);
            return {
              status: 'Success',
              ASIN: asin,
              Product: {
                Identifiers: { MarketplaceASIN: { MarketplaceId: 'ATVPDKIKX0DER', ASIN: asin } },
                CompetitivePricing: {
                  CompetitivePrices: it?.buyBox
                    ? [
                        {
                          CompetitivePriceId: '1',
                          Price: {
                            LandedPrice: { CurrencyCode: 'USD', Amount: it.buyBox },
                            ListingPrice: { CurrencyCode: 'USD', Amount: it.buyBox },
                          },
                          condition: 'New',
                          belongsToRequester: false,
                        },
                      ]
                    : [],
                  NumberOfOfferListings: [{ Count: it?.offers ?? 0, condition: 'New' }],
                },
              },
            };
          }),
        },
        { 'x-amzn-ratelimit-limit': String(planOf('getCompetitivePricing').ratePerSec) },
      );
    }
    if (req.method === 'POST' && url.pathname === '/products/fees/v0/feesEstimate') {
      stats.feeRequests++;
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!allow('getMyFeesEstimates'))
          return send(429, {
            errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
          });
        const list = JSON.parse(body) as { IdValue: string; FeesEstimateRequest: { Identifier: string } }[];
        if (!Array.isArray(list) || list.length === 0 || list.length > 20)
          return send(400, { errors: [{ code: 'InvalidInput', message: 'Invalid input' }] });
        send(
          200,
          list.map((r) => {
            const it = itemByAsin(r.IdValue);
            const id = {
              IdType: 'ASIN',
              IdValue: r.IdValue,
              SellerInputIdentifier: r.FeesEstimateRequest.Identifier,
              MarketplaceId: 'ATVPDKIKX0DER',
              IsAmazonFulfilled: true,
            };
            if (!it?.fees)
              return {
                Status: 'ClientError',
                FeesEstimateIdentifier: id,
                Error: {
                  Type: 'Sender',
                  Code: 'InvalidParameterValue',
                  Message: 'There is an client-side error. Please verify your inputs.',
                  Detail: [],
                },
              };
            const fee = (type: string, amount: number) => ({
              FeeType: type,
              FeeAmount: { CurrencyCode: 'USD', Amount: amount },
              FinalFee: { CurrencyCode: 'USD', Amount: amount },
            });
            return {
              Status: 'Success',
              FeesEstimateIdentifier: id,
              FeesEstimate: {
                TotalFeesEstimate: { CurrencyCode: 'USD', Amount: it.fees.total },
                FeeDetailList: [fee('ReferralFee', it.fees.referral), fee('FBAFees', it.fees.fba)],
              },
            };
          }),
          { 'x-amzn-ratelimit-limit': String(planOf('getMyFeesEstimates').ratePerSec) },
        );
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/catalog/2022-04-01/items') {
      stats.requests++;
      if (!allow('searchCatalogItems')) {
        stats.throttled++;
        stats.throttledTimes.push(Date.now());
        return send(429, {
          errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
        });
      }
      stats.searchTimes.push(Date.now());
      const token = req.headers['x-amz-access-token'] as string | undefined;
      const expiry = token ? tokens.get(token) : undefined;
      if (faults.expireNext && token) {
        faults.expireNext = false;
        tokens.set(token, 0);
      }
      if (!expiry || expiry < Date.now() || tokens.get(token!) === 0) {
        return send(403, {
          errors: [
            {
              code: 'Unauthorized',
              message: 'Access to requested resource is denied.',
              details: 'The access token you provided has expired.',
            },
          ],
        });
      }
      const ids = (url.searchParams.get('identifiers') ?? '').split(',').filter(Boolean);
      const type = url.searchParams.get('identifiersType');
      if (ids.length === 0 || ids.length > 20 || !type || !url.searchParams.get('marketplaceIds')) {
        return send(400, { errors: [{ code: 'InvalidInput', message: 'Invalid input' }] });
      }
      if (ids.some((id) => id.startsWith('999')))
        return send(
          400,
          { errors: [{ code: 'InvalidInput', message: `Invalid '${type}' provided.` }] },
          { 'x-amzn-ratelimit-limit': String(rate) },
        );
      const respond = () => {
        if (faults.serverErrors > 0) {
          faults.serverErrors--;
          return send(503, {
            errors: [{ code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' }],
          });
        }
        if (faults.malformed > 0) {
          faults.malformed--;
          return send(200, '{"numberOfResults": 1, "items": [ {"asin": ', { 'x-amzn-ratelimit-limit': String(rate) });
        }
        const items = itemsByIdentifiers(ids);
        send(
          200,
          {
            numberOfResults: items.length,
            items: items.map((it) => ({
              asin: it.asin,
              identifiers: [
                {
                  marketplaceId: 'ATVPDKIKX0DER',
                  identifiers: it.identifiers.map((i) => ({ identifierType: i.type, identifier: i.value })),
                },
              ],
              summaries: [
                { marketplaceId: 'ATVPDKIKX0DER', itemName: it.title, brand: it.brand, websiteDisplayGroupName: 'Toy' },
              ],
              salesRanks:
                it.rank || it.salesRanks
                  ? [
                      {
                        marketplaceId: 'ATVPDKIKX0DER',
                        displayGroupRanks: it.rank
                          ? [
                              {
                                websiteDisplayGroup: 'toy_display_on_website',
                                title: it.rankTitle ?? 'Toys & Games',
                                link: 'http://www.amazon.com/gp/bestsellers/toys-and-games',
                                rank: it.rank,
                              },
                            ]
                          : [],
                        classificationRanks: (it.salesRanks ?? []).map((r) => ({
                          ...r,
                          link: `http://www.amazon.com/gp/bestsellers/toys-and-games/${r.classificationId}`,
                        })),
                      },
                    ]
                  : [],
              attributes: attributesOf(it),
              relationships:
                it.parentAsin || it.childAsins
                  ? [
                      {
                        marketplaceId: 'ATVPDKIKX0DER',
                        relationships: [
                          {
                            type: 'VARIATION',
                            ...(it.parentAsin ? { parentAsins: [it.parentAsin] } : {}),
                            ...(it.childAsins ? { childAsins: it.childAsins } : {}),
                            ...(it.variationTheme
                              ? { variationTheme: { attributes: ['color', 'size'], theme: it.variationTheme } }
                              : {}),
                          },
                        ],
                      },
                    ]
                  : [{ marketplaceId: 'ATVPDKIKX0DER', relationships: [] }],
              dimensions: it.package
                ? [
                    {
                      marketplaceId: 'ATVPDKIKX0DER',
                      package: {
                        length: { unit: it.package.lengthUnit ?? 'inches', value: it.package.length },
                        width: { unit: it.package.lengthUnit ?? 'inches', value: it.package.width },
                        height: { unit: it.package.lengthUnit ?? 'inches', value: it.package.height },
                        weight: { unit: it.package.weightUnit ?? 'pounds', value: it.package.weight },
                      },
                    },
                  ]
                : [],
              images: [
                {
                  marketplaceId: 'ATVPDKIKX0DER',
                  images: [
                    {
                      variant: 'MAIN',
                      link: `https://m.media-amazon.com/images/I/${it.asin}.jpg`,
                      height: 500,
                      width: 500,
                    },
                  ],
                },
              ],
            })),
          },
          { 'x-amzn-ratelimit-limit': String(rate) },
        );
      };
      if (faults.slowMs) setTimeout(respond, faults.slowMs);
      else respond();
      return;
    }
    if (url.pathname === '/batches/products/pricing/v0/itemOffers' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => later(() => itemOffers(body)));
      return;
    }
    if (url.pathname === '/listings/2021-08-01/restrictions' && req.method === 'GET')
      return later(() => restrictions(url));
    if (url.pathname === '/fba/inbound/v1/eligibility/itemPreview' && req.method === 'GET')
      return later(() => eligibility(url));
    if (url.pathname === '/sellers/v1/marketplaceParticipations' && req.method === 'GET')
      return later(() => participations());
    send(404, { errors: [{ code: 'NotFound', message: 'Resource not found' }] });

    /** Answers after the seeded latency. */
    function later(answer: () => void) {
      const ms = latency();
      if (ms > 0) setTimeout(answer, ms);
      else answer();
    }
    /** The access token is one the token endpoint issued and it has not expired. */
    function authorized(): boolean {
      const token = req.headers['x-amz-access-token'] as string | undefined;
      const expiry = token ? tokens.get(token) : undefined;
      if (expiry && expiry > Date.now()) return true;
      send(403, {
        errors: [
          {
            code: 'Unauthorized',
            message: 'Access to requested resource is denied.',
            details: 'The access token you provided has expired.',
          },
        ],
      });
      return false;
    }
    function gate(op: DoubleOp): boolean {
      if (!allow(op)) {
        send(429, quota);
        return false;
      }
      return authorized();
    }
    function limitHeader(op: DoubleOp): Record<string, string> {
      if (opts.announceRates === false) return {};
      return { 'x-amzn-ratelimit-limit': String(planOf(op).ratePerSec) };
    }
    function money(amount: number) {
      return { CurrencyCode: 'USD', Amount: amount };
    }

    function itemOffers(body: string) {
      if (!gate('getItemOffersBatch')) return;
      const head = limitHeader('getItemOffersBatch');
      if (takeMalformed('getItemOffersBatch')) return send(200, '{"responses": [ {"status": ', head);
      let requests: { uri?: string; method?: string; MarketplaceId?: string; ItemCondition?: string }[];
      try {
        requests = (JSON.parse(body) as { requests: typeof requests }).requests;
      } catch {
        return send(400, { errors: [{ code: 'InvalidInput', message: 'Invalid JSON' }] }, head);
      }
      if (!Array.isArray(requests) || requests.length === 0 || requests.length > 20)
        return send(
          400,
          { errors: [{ code: 'InvalidInput', message: 'Between 1 and 20 requests are allowed.' }] },
          head,
        );
      const asins = requests.map(
        (r) => /^\/products\/pricing\/v0\/items\/([^/]+)\/offers$/.exec(r.uri ?? '')?.[1] ?? '',
      );
      if (new Set(asins).size !== asins.length)
        return send(400, { errors: [{ code: 'InvalidInput', message: 'Duplicate requests submitted.' }] }, head);
      send(
        200,
        {
          responses: requests.map((r, i) => {
            const asin = asins[i]!;
            const request = {
              MarketplaceId: r.MarketplaceId,
              Asin: asin,
              CustomerType: 'Consumer',
              ItemCondition: r.ItemCondition,
            };
            const headers = { 'x-amzn-RequestId': `item-${i}`, Date: new Date().toUTCString() };
            if (
              r.method !== 'GET' ||
              r.MarketplaceId !== AMAZON_US ||
              r.ItemCondition !== 'New' ||
              !/^[A-Z0-9]{10}$/.test(asin)
            )
              return {
                status: { statusCode: 400, reasonPhrase: 'Bad Request' },
                body: { errors: [{ code: 'InvalidInput', message: `Invalid request for ${asin || 'an item'}.` }] },
                headers,
                request,
              };
            const it = itemByAsin(asin);
            if (!it)
              return {
                status: { statusCode: 400, reasonPhrase: 'Bad Request' },
                body: {
                  errors: [{ code: 'InvalidInput', message: `Invalid ASIN ${asin} for marketplace ${AMAZON_US}` }],
                },
                headers,
                request,
              };
            const o = it.itemOffers;
            const offers: unknown[] = [];
            const winner = o?.buyBoxWinner ?? null;
            const offer = (seller: string, fba: boolean, price: number, isWinner: boolean) => ({
              Shipping: money(0),
              ListingPrice: money(price),
              ShippingTime: { maximumHours: 24, minimumHours: 24, availabilityType: 'NOW' },
              SubCondition: 'new',
              SellerId: seller,
              IsFeaturedMerchant: true,
              IsBuyBoxWinner: isWinner,
              IsFulfilledByAmazon: fba,
              PrimeInformation: { IsPrime: fba, IsNationalPrime: fba },
            });
            const boxPrice = o?.buyBox ?? o?.lowestFba ?? o?.lowestFbm;
            if (o?.amazon) offers.push(offer(AMAZON_US, true, boxPrice ?? 10, winner === 'amazon'));
            for (let k = 0; k < (o?.fba ?? 0) - (o?.amazon ? 1 : 0); k++)
              offers.push(
                offer(
                  `A1FBA${String(k).padStart(8, '0')}`,
                  true,
                  (o?.lowestFba ?? 10) + k,
                  winner === 'fba' && k === 0,
                ),
              );
            for (let k = 0; k < (o?.fbm ?? 0); k++)
              offers.push(
                offer(
                  `A1FBM${String(k).padStart(8, '0')}`,
                  false,
                  (o?.lowestFbm ?? 10) + k,
                  winner === 'fbm' && k === 0,
                ),
              );
            const lowest = (channel: string, amount: number | undefined) =>
              amount === undefined
                ? []
                : [
                    {
                      condition: 'new',
                      fulfillmentChannel: channel,
                      LandedPrice: money(amount),
                      ListingPrice: money(amount),
                      Shipping: money(0),
                    },
                  ];
            return {
              status: { statusCode: 200, reasonPhrase: 'OK' },
              body: {
                payload: {
                  ASIN: asin,
                  status: offers.length > 0 ? 'Success' : 'NoBuyableOffers',
                  ItemCondition: 'New',
                  Identifier: { MarketplaceId: AMAZON_US, ItemCondition: 'New', ASIN: asin },
                  Summary: {
                    TotalOfferCount: offers.length,
                    NumberOfOffers: [
                      ...(o?.fba ? [{ condition: 'new', fulfillmentChannel: 'Amazon', OfferCount: o.fba }] : []),
                      ...(o?.fbm ? [{ condition: 'new', fulfillmentChannel: 'Merchant', OfferCount: o.fbm }] : []),
                      { condition: 'used', fulfillmentChannel: 'Merchant', OfferCount: 2 },
                    ],
                    LowestPrices: [
                      ...lowest('Amazon', o?.lowestFba),
                      ...lowest('Merchant', o?.lowestFbm),
                      ...lowest('Merchant', 1).map((p) => ({ ...p, condition: 'used' })),
                    ],
                    BuyBoxPrices:
                      winner && boxPrice !== undefined
                        ? [
                            {
                              condition: 'new',
                              LandedPrice: money(boxPrice),
                              ListingPrice: money(boxPrice),
                              Shipping: money(0),
                            },
                          ]
                        : [],
                  },
                  Offers: offers.slice(0, 20),
                  marketplaceId: AMAZON_US,
                },
              },
              headers,
              request,
            };
          }),
        },
        head,
      );
    }

    function restrictions(u: URL) {
      if (!gate('getListingsRestrictions')) return;
      const head = limitHeader('getListingsRestrictions');
      const asin = u.searchParams.get('asin') ?? '';
      const seller = u.searchParams.get('sellerId');
      if (!asin || !seller || u.searchParams.get('marketplaceIds') !== AMAZON_US)
        return send(
          400,
          { errors: [{ code: 'InvalidInput', message: 'asin, sellerId and marketplaceIds are required.' }] },
          head,
        );
      if (seller !== DOUBLE_SELLER_ID)
        return send(400, { errors: [{ code: 'InvalidInput', message: `Seller ${seller} is not authorized.` }] }, head);
      if (!/^[A-Z0-9]{10}$/.test(asin))
        return send(400, { errors: [{ code: 'InvalidInput', message: `Invalid ASIN ${asin}.` }] }, head);
      if (takeMalformed('getListingsRestrictions')) return send(200, '{"restrictions": [ {"marketplaceId"', head);
      const it = itemByAsin(asin);
      const r = it ? it.restriction : { status: 'asin_not_found' as const };
      const code = {
        approval_required: 'APPROVAL_REQUIRED',
        not_eligible: 'NOT_ELIGIBLE',
        asin_not_found: 'ASIN_NOT_FOUND',
      };
      send(
        200,
        {
          restrictions: r
            ? [
                {
                  marketplaceId: AMAZON_US,
                  conditionType: u.searchParams.get('conditionType') ?? 'new_new',
                  reasons: [
                    {
                      reasonCode: code[r.status],
                      message: (r as { message?: string }).message ?? `You cannot list ${asin} (${r.status}).`,
                      ...(r.status === 'approval_required'
                        ? {
                            links: [
                              {
                                resource:
                                  (r as { approvalUrl?: string }).approvalUrl ??
                                  `https://sellercentral.amazon.com/hz/approvalrequest/restrictions/approve?asin=${asin}`,
                                verb: 'GET',
                                title: 'Request Approval via Seller Central.',
                                type: 'text/html',
                              },
                            ],
                          }
                        : {}),
                    },
                  ],
                },
              ]
            : [],
        },
        head,
      );
    }

    /** The seller sells in the US marketplace (store "Double Store") and is registered, not selling, in Canada. */
    function participations() {
      if (faults.participations === 'hang') return;
      if (!gate('getMarketplaceParticipations')) return;
      const head = limitHeader('getMarketplaceParticipations');
      if (faults.participations === 'forbidden')
        return send(
          403,
          { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }] },
          head,
        );
      if (faults.participations === 'server_error')
        return send(503, { errors: [{ code: 'ServiceUnavailable', message: 'Service unavailable.' }] }, head);
      const entry = (id: string, name: string, countryCode: string, isParticipating: boolean) => ({
        marketplace: {
          id,
          name,
          countryCode,
          defaultCurrencyCode: 'USD',
          defaultLanguageCode: 'en_US',
          domainName: name,
        },
        participation: { isParticipating, hasSuspendedListings: false },
        storeName: 'Double Store',
      });
      send(
        200,
        { payload: [entry(AMAZON_US, 'Amazon.com', 'US', true), entry('A2EUQ1WTGCTBG2', 'Amazon.ca', 'CA', false)] },
        head,
      );
    }

    function eligibility(u: URL) {
      if (!gate('getItemEligibilityPreview')) return;
      const head = limitHeader('getItemEligibilityPreview');
      const asin = u.searchParams.get('asin') ?? '';
      if (u.searchParams.get('program') !== 'INBOUND' || u.searchParams.get('marketplaceIds') !== AMAZON_US)
        return send(
          400,
          { errors: [{ code: 'InvalidInput', message: 'program=INBOUND needs marketplaceIds.' }] },
          head,
        );
      const it = itemByAsin(asin);
      if (!it)
        return send(400, { errors: [{ code: 'InvalidInput', message: `ASIN ${asin} is not in the catalog.` }] }, head);
      if (takeMalformed('getItemEligibilityPreview')) return send(200, '{"payload": {"asin": 7', head);
      const e = it.eligibility ?? { eligible: true };
      send(
        200,
        {
          payload: {
            asin,
            marketplaceId: AMAZON_US,
            program: 'INBOUND',
            isEligibleForProgram: e.eligible,
            ...(e.eligible ? {} : { ineligibilityReasonList: e.codes ?? ['FBA_INB_0059'] }),
          },
        },
        head,
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tokenUrl: `http://127.0.0.1:${port}/auth/o2/token`,
    stats,
    faults,
    /** Stops listening: connections are refused, as when the machine is offline. */
    goOffline: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
    /** Listens again on the same port. */
    goOnline: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
export type SpApiDouble = Awaited<ReturnType<typeof startSpApiDouble>>;
