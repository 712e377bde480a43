// SP-API answers: whatever Amazon's (or a proxy's) server sends — truncated JSON, wrong types, huge bodies, garbled
// rate headers, a body dripped slower than the timeout, no body at all — each call ends in an answer or a
// ProviderError (or NetworkUnavailableError) with a clear message, retryable unless the credentials were refused,
// within the client's timeouts: never another error, an unhandled rejection or a hang. A real HTTP server on
// 127.0.0.1.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { ProviderError } from '../../../main/lookups/provider.ts';
import { createRateLimiter } from '../../../main/lookups/rate-limiter.ts';
import { createLwaAuth } from '../../../main/lookups/sp-api/auth.ts';
import { createSpApiProvider } from '../../../main/lookups/sp-api/catalog.ts';
import { createSpApiClient } from '../../../main/lookups/sp-api/client.ts';
import { createSpApiPricing } from '../../../main/lookups/sp-api/pricing.ts';
import { NetworkUnavailableError } from '../../../main/workers/runtime/task.ts';
import { badValue } from './bad-values.ts';
import { crash, defineTarget, describe, OK, unclear } from './target.ts';
import { unclearReason } from './clear-message.ts';

/** Credentials the token endpoint may echo back: no message may repeat them. */
export const FUZZ_CREDENTIALS = {
  clientId: 'amzn1.application-oa2-client.FUZZID',
  clientSecret: 'amzn1.oa2-cs.v1.FUZZSECRET0123456789',
  refreshToken: 'Atzr|FUZZ-REFRESH-0123456789',
};

const ECHO = FUZZ_CREDENTIALS;
const OPS = ['token', 'catalog', 'pricing', 'fees'] as const;
type Op = (typeof OPS)[number];

/** A well-formed answer of each operation, the base a mutation spoils. */
const VALID: Record<Op, unknown> = {
  token: { access_token: 'Atza|fuzz', token_type: 'bearer', expires_in: 3600 },
  catalog: {
    numberOfResults: 1,
    items: [
      {
        asin: 'B000FUZZ01',
        identifiers: [
          { marketplaceId: 'ATVPDKIKX0DER', identifiers: [{ identifierType: 'UPC', identifier: '036000291452' }] },
        ],
        summaries: [{ marketplaceId: 'ATVPDKIKX0DER', itemName: 'Widget', brand: 'Acme' }],
        salesRanks: [{ marketplaceId: 'ATVPDKIKX0DER', displayGroupRanks: [{ rank: 5, title: 'Toys' }] }],
        dimensions: [
          {
            marketplaceId: 'ATVPDKIKX0DER',
            package: {
              length: { unit: 'inches', value: 1 },
              width: { unit: 'inches', value: 1 },
              height: { unit: 'inches', value: 1 },
              weight: { unit: 'pounds', value: 1 },
            },
          },
        ],
        images: [{ marketplaceId: 'ATVPDKIKX0DER', images: [{ link: 'https://m.media-amazon.com/x.jpg' }] }],
      },
    ],
  },
  pricing: {
    payload: [
      {
        ASIN: 'B000FUZZ01',
        status: 'Success',
        Product: {
          CompetitivePricing: {
            CompetitivePrices: [
              { CompetitivePriceId: '1', Price: { LandedPrice: { CurrencyCode: 'USD', Amount: 9.99 } } },
            ],
            NumberOfOfferListings: [{ Count: 3, condition: 'New' }],
          },
        },
      },
    ],
  },
  fees: [
    {
      Status: 'Success',
      FeesEstimateIdentifier: { IdValue: 'B000FUZZ01' },
      FeesEstimate: {
        TotalFeesEstimate: { CurrencyCode: 'USD', Amount: 4 },
        FeeDetailList: [{ FeeType: 'ReferralFee', FinalFee: { CurrencyCode: 'USD', Amount: 1.5 } }],
      },
    },
  ],
};

/** Every path to a value inside `v`, for spoiling one. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

function spoil(base: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null';

export interface SpApiCase {
  op: Op;
  status: number;
  body: string;
  /** whole: at once; cut: the connection drops mid-body; drip: a few bytes at a time; stall: headers, then nothing. */
  delivery: 'whole' | 'cut' | 'drip' | 'stall';
  rateHeader: string | null;
}

const bodyOf = (op: Op): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...paths(VALID[op])).chain((p) => badValue.map((v) => json(spoil(VALID[op], p, v)))),
    },
    { weight: 2, arbitrary: fc.nat().map((n) => json(VALID[op]).slice(0, n % json(VALID[op]).length)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '<html><body>502 Bad Gateway</body></html>',
        // An error body echoing the request, secrets included.
        json({
          error: 'invalid_grant',
          error_description: `bad refresh_token=${ECHO.refreshToken}&client_secret=${ECHO.clientSecret}`,
        }),
        `{"errors":[{"code":"Unauthorized","message":"${FUZZ_CREDENTIALS.clientSecret}"}]}`,
        '{"errors":[{"code":"QuotaExceeded"}]}',
        '',
      ),
    },
    // A huge answer: valid JSON, megabytes of it.
    { weight: 1, arbitrary: fc.constant(json({ ...(VALID[op] as object), padding: 'x'.repeat(3_000_000) })) },
  );

export const spApiCase: fc.Arbitrary<SpApiCase> = fc.constantFrom(...OPS).chain((op) =>
  fc.record({
    op: fc.constant(op),
    status: fc.oneof(
      { weight: 6, arbitrary: fc.constant(200) },
      fc.constantFrom(204, 301, 400, 401, 403, 404, 429, 500, 503),
    ),
    body: bodyOf(op),
    delivery: fc.oneof(
      { weight: 6, arbitrary: fc.constant('whole' as const) },
      fc.constantFrom('cut' as const, 'drip' as const, 'stall' as const),
    ),
    rateHeader: fc.option(fc.constantFrom('0.5', '2', 'NaN', '', 'abc', '-1', '0', '1e-9', '1e999', '1e9', ' 3 ')),
  }),
);

/** The client's timeout here: short, so a stalled or dripping answer ends each case quickly. */
const TIMEOUT_MS = 150;

export const spApiTarget = defineTarget<SpApiCase>({
  name: 'spapi',
  arbitrary: spApiCase,
  async open() {
    let current: SpApiCase = { op: 'token', status: 200, body: '', delivery: 'whole', rateHeader: null };
    const open = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      req.resume();
      const url = new URL(req.url ?? '/', 'http://x');
      const op: Op = url.pathname.startsWith('/auth')
        ? 'token'
        : url.pathname.startsWith('/catalog')
          ? 'catalog'
          : url.pathname.includes('competitivePrice')
            ? 'pricing'
            : 'fees';
      // Operations other than the one under test get a good answer (the token, mostly).
      const c =
        op === current.op ? current : { ...current, status: 200, body: json(VALID[op]), delivery: 'whole' as const };
      const body = Buffer.from(c.body);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': 'fuzz-1' };
      if (c.rateHeader !== null) headers['x-amzn-ratelimit-limit'] = c.rateHeader;
      open.add(res);
      res.on('close', () => open.delete(res));
      if (c.delivery === 'whole') return void res.writeHead(c.status, headers).end(body);
      res.writeHead(c.status, { ...headers, 'content-length': String(body.length + 10) });
      if (c.delivery === 'cut') {
        res.write(body.subarray(0, body.length >> 1));
        setTimeout(() => res.socket?.destroy(), 5);
      } else if (c.delivery === 'drip') {
        // Ten bytes every 20 ms: past the timeout for all but the shortest bodies.
        let at = 0;
        const t = setInterval(() => {
          if (res.destroyed || at >= body.length) return void (clearInterval(t), res.socket?.destroy());
          res.write(body.subarray(at, (at += 10)));
        }, 20);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let unhandled = 0;
    const onUnhandled = () => void unhandled++;
    process.on('unhandledRejection', onUnhandled);

    /** Runs the operation under test through the real provider, pricing client and LWA auth. */
    const call = (op: Op, signal: AbortSignal): Promise<unknown> => {
      const auth = createLwaAuth({
        credentials: FUZZ_CREDENTIALS,
        tokenUrl: `${base}/auth/o2/token`,
        timeoutMs: TIMEOUT_MS,
      });
      const fast = () => createRateLimiter({ ratePerSec: 1000, burst: 1000 });
      const common = { timeoutMs: TIMEOUT_MS, maxRetries: 1, random: () => 0 };
      // The backoff between the two attempts is skipped: the client's own timing is not under test.
      const clock = { now: () => performance.now(), sleep: async () => {} };
      if (op === 'token' || op === 'catalog')
        return createSpApiProvider({
          auth,
          limiter: fast(),
          marketplace: 'US',
          endpoint: base,
          clock,
          ...common,
        }).lookup(['00036000291452'], signal);
      const pricing = createSpApiPricing({
        client: createSpApiClient({ auth, endpoint: base, clock, ...common }),
        marketplaceId: 'ATVPDKIKX0DER',
        currency: 'USD',
        pricingLimiter: fast(),
        feesLimiter: fast(),
      });
      return op === 'pricing'
        ? pricing.competitivePrices(['B000FUZZ01'], signal)
        : pricing.feeEstimates([{ asin: 'B000FUZZ01', price: 9.99 }], signal);
    };
    const secrets = [FUZZ_CREDENTIALS.clientSecret, FUZZ_CREDENTIALS.refreshToken];
    const judge = (message: unknown, what: string) => {
      if (typeof message === 'string' && secrets.some((s) => message.includes(s)))
        return crash(`${what} leaks a secret`);
      const why = unclearReason(message, ['Amazon', 'SP-API', 'Login with Amazon', 'network', 'No answer']);
      return why ? unclear(`${what}: ${why}: ${String(message).slice(0, 200)}`) : null;
    };

    return {
      async check(c) {
        current = c;
        const before = unhandled;
        const abort = new AbortController();
        // Two attempts of at most the timeout each, plus the token exchange's: a case still running long after is hung.
        const deadline = TIMEOUT_MS * 4 + 5_000;
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          call(c.op, abort.signal).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          ),
          new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), deadline))),
        ]);
        clearTimeout(timer);
        abort.abort();
        for (const res of open) res.destroy();
        const what = `${c.op} ${c.status} ${c.delivery} ${JSON.stringify(c.body.slice(0, 60))}`;
        await new Promise((r) => setImmediate(r));
        if (unhandled > before) return crash(`${what}: an unhandled rejection`);
        if (outcome === 'hung') return crash(`${what}: no outcome within ${deadline} ms`);
        if ('value' in outcome) {
          for (const a of outcome.value as { error?: { message: string } | string }[]) {
            const m = typeof a.error === 'string' ? a.error : a.error?.message;
            const bad = m === undefined ? null : judge(m, `${what}: an item's error`);
            if (bad) return bad;
          }
          return OK;
        }
        const err = outcome.error;
        if (err instanceof NetworkUnavailableError) return judge(err.message, what) ?? OK;
        if (!(err instanceof ProviderError)) return crash(`${what}: ${describe(err)}`);
        const refused = err.code === 'auth_rejected';
        if (err.retryable === refused) return crash(`${what}: ${err.code} marked retryable=${err.retryable}`);
        return judge(err.message, what) ?? OK;
      },
      async close() {
        process.off('unhandledRejection', onUnhandled);
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
});
