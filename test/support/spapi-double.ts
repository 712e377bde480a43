// An SP-API test double: a real HTTP server on 127.0.0.1 with the LWA token endpoint and searchCatalogItems
// (2022-04-01 shapes), the usage plan's token bucket (2 req/s, burst 2), 429 QuotaExceeded bodies, 5xx, slow answers,
// expiring tokens, malformed JSON and an "offline" mode (the port refuses connections).
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
}

export const CREDENTIALS = {
  clientId: 'amzn1.application-oa2-client.test',
  clientSecret: 'test-secret',
  refreshToken: 'Atzr|test-refresh',
};

export async function startSpApiDouble(opts: {
  items: DoubleItem[];
  /** The credentials the token endpoint accepts (default CREDENTIALS). */
  credentials?: typeof CREDENTIALS;
  /** A refusal echoes the form it got, as some servers do in their error descriptions (secrets included). */
  echoRefusals?: boolean;
  ratePerSec?: number;
  burst?: number;
  tokenTtlSec?: number;
}) {
  const rate = opts.ratePerSec ?? 2;
  const burst = opts.burst ?? 2;
  // getCompetitivePricing and getMyFeesEstimates: 0.5 req/s, burst 1, each its own bucket.
  const opBuckets = new Map<string, { tokens: number; last: number }>();
  const allow = (op: string) => {
    const b = opBuckets.get(op) ?? { tokens: 1, last: performance.now() };
    const now = performance.now();
    b.tokens = Math.min(1, b.tokens + ((now - b.last) / 1000) * 0.5);
    b.last = now;
    opBuckets.set(op, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
  const stats = {
    pricingRequests: 0,
    feeRequests: 0,
    requests: 0,
    throttled: 0,
    tokenExchanges: 0,
    searchTimes: [] as number[],
    throttledTimes: [] as number[],
  };
  const faults = { malformed: 0, serverErrors: 0, slowMs: 0, expireNext: false };
  const tokens = new Map<string, number>();
  let bucket = burst;
  let last = performance.now();
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
          const description = `Client authentication failed${opts.echoRefusals ? ` for ${body}` : ''}`;
          return send(401, { error: 'invalid_client', error_description: description });
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
      if (!allow('pricing'))
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
            const it = opts.items.find((i) => i.asin === asin);
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
        { 'x-amzn-ratelimit-limit': '0.5' },
      );
    }
    if (req.method === 'POST' && url.pathname === '/products/fees/v0/feesEstimate') {
      stats.feeRequests++;
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!allow('fees'))
          return send(429, {
            errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
          });
        const list = JSON.parse(body) as { IdValue: string; FeesEstimateRequest: { Identifier: string } }[];
        if (!Array.isArray(list) || list.length === 0 || list.length > 20)
          return send(400, { errors: [{ code: 'InvalidInput', message: 'Invalid input' }] });
        send(
          200,
          list.map((r) => {
            const it = opts.items.find((i) => i.asin === r.IdValue);
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
          { 'x-amzn-ratelimit-limit': '0.5' },
        );
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/catalog/2022-04-01/items') {
      stats.requests++;
      const now = performance.now();
      bucket = Math.min(burst, bucket + ((now - last) / 1000) * rate);
      last = now;
      if (bucket < 1) {
        stats.throttled++;
        stats.throttledTimes.push(Date.now());
        return send(429, {
          errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
        });
      }
      bucket -= 1;
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
        // Amazon matches on the digits, whatever type they are filed under; padding differences are Amazon's problem too.
        const strip = (s: string) => s.replace(/^0+/, '');
        const items = opts.items.filter((it) =>
          it.identifiers.some((i) => ids.some((id) => strip(id) === strip(i.value))),
        );
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
              salesRanks: it.rank
                ? [
                    {
                      marketplaceId: 'ATVPDKIKX0DER',
                      displayGroupRanks: [
                        {
                          websiteDisplayGroup: 'toy_display_on_website',
                          title: it.rankTitle ?? 'Toys & Games',
                          rank: it.rank,
                        },
                      ],
                    },
                  ]
                : [],
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
    send(404, { errors: [{ code: 'NotFound', message: 'Resource not found' }] });
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
