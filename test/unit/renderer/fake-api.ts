// A typed fake of the bridge for component tests: in-memory products, every call recorded. It fakes the IPC edge
// only; the components under test are the real ones.
import { settingsPatchSchema, settingsSchema } from '../../../main/settings/schema.ts';
import { describeInvalidInput, inputErrorMap } from '../../../main/ipc/input-errors.ts';
import type {
  AnalysisStats,
  AppApi,
  AppEvent,
  ConnectionTestResult,
  JobDetailView,
  JobView,
  ListSummary,
  ProductFilters,
  ProductQuery,
  ProductRow,
  Result,
  Settings,
  SettingsView,
} from '../../../preload/contract/channels.ts';

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

/** A product row with an analysis when `roi` is given. */
export function product(id: number, over: Partial<ProductRow> & { roi?: number; profit?: number } = {}): ProductRow {
  const { roi, profit, ...rest } = over;
  return {
    id,
    gtin14: String(10_000_000_000_000 + id).padStart(14, '0'),
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    brand: 'Acme',
    cost: 5,
    asin: roi !== undefined ? `B0${String(id).padStart(8, '0')}` : null,
    lookupStatus: roi !== undefined ? 'found' : 'pending',
    candidates: null,
    salesRank: roi !== undefined ? 1000 * id : null,
    quality: 80,
    importId: 1,
    imageUrl: null,
    thumbnail: null,
    verdict: null,
    verdictReasons: [],
    packMultiplier: null,
    offers: null,
    restriction: null,
    analysis:
      roi === undefined
        ? null
        : {
            sellPrice: 20,
            priceSource: 'amazon',
            referralFee: 3,
            fulfillmentFee: 4.5,
            storageFee: 0.1,
            otherCosts: 0,
            totalFees: 7.6,
            apiTotalFees: null,
            profit: profit ?? roi * 5,
            margin: 0.2,
            roi,
            estSales: 120,
            sizeTier: 'large standard',
            flags: roi >= 0.3 ? ['winner'] : [],
            reasons: [],
          },
    ...rest,
  };
}

function matches(p: ProductRow, f: ProductFilters): boolean {
  if (f.lookup && !f.lookup.includes(p.lookupStatus as never)) return false;
  if (f.search && !`${p.name} ${p.sku} ${p.gtin14} ${p.asin}`.toLowerCase().includes(f.search.toLowerCase()))
    return false;
  if (f.brand && p.brand?.toLowerCase() !== f.brand.toLowerCase()) return false;
  if (f.importId !== undefined && p.importId !== f.importId) return false;
  if (f.minRoi !== undefined && !((p.analysis?.roi ?? -Infinity) >= f.minRoi)) return false;
  if (f.minProfit !== undefined && !((p.analysis?.profit ?? -Infinity) >= f.minProfit)) return false;
  if (f.maxRank !== undefined && !((p.salesRank ?? Infinity) <= f.maxRank)) return false;
  if (f.verdict && !(p.verdict && f.verdict.includes(p.verdict))) return false;
  if (f.ungated && p.restriction?.status !== 'ok') return false;
  if (f.noAmazon && p.offers?.amazonOnListing !== false) return false;
  return true;
}

export function createFakeApi(products: ProductRow[], stats?: AnalysisStats) {
  const calls: { method: string; input: unknown }[] = [];
  const listeners = new Set<(e: AppEvent) => void>();
  const rec = <T>(method: string, input: unknown, value: T) => {
    calls.push({ method, input });
    return ok(value);
  };
  const filtered = (f: ProductFilters) => products.filter((p) => matches(p, f));
  const state = {
    status: { online: true, waitingNetwork: 0 },
    stored: false,
    /** What the native open and save dialogs answer (null: cancelled). */
    picked: null as string | null,
    /** When set, app.openLogs fails with this message. */
    logsError: null as string | null,
    jobs: [] as JobView[],
    /** What imports.lists answers. */
    lists: [] as ListSummary[],
    /** What jobs.detail answers beyond the job itself (its wait, log tail and error count). */
    detail: { waitingFor: null, log: [], errorCount: 0 } as Omit<JobDetailView, 'job'>,
    settings: { ...settingsSchema.parse({}) } as Settings,
    /** What settings.testConnection answers. */
    connection: { ok: true, marketplaces: ['Amazon.com (US)'], message: 'Connected.' } as ConnectionTestResult,
    view: (): SettingsView => ({
      settings: { ...state.settings },
      credentials: { stored: state.stored, canStore: true, reason: null },
    }),
  };
  const api: AppApi = {
    app: {
      info: () => rec('app.info', undefined, { name: 'Pallet', version: 'test' }),
      status: () => rec('app.status', undefined, state.status),
      trySample: () => rec('app.trySample', undefined, { jobIds: [1, 2] }),
      openFile: (i) => rec('app.openFile', i, { ok: true as const }),
      revealFile: (i) => rec('app.revealFile', i, { ok: true as const }),
      pickFile: (i) => rec('app.pickFile', i, { path: state.picked }),
      pickSavePath: (i) => rec('app.pickSavePath', i, { path: state.picked }),
      openLogs: () => {
        calls.push({ method: 'app.openLogs', input: undefined });
        return Promise.resolve(
          state.logsError
            ? { ok: false as const, error: { code: 'NOT_FOUND' as const, message: state.logsError } }
            : { ok: true as const, value: { path: '/home/seller/.config/Pallet/logs' } },
        );
      },
    },
    settings: {
      get: () => rec('settings.get', undefined, state.view()),
      set: (i) => {
        // Checked as the router checks it, so a refusal reads as main's would.
        const parsed = settingsPatchSchema.safeParse(i, { error: inputErrorMap });
        if (!parsed.success) {
          calls.push({ method: 'settings.set', input: i });
          const message = describeInvalidInput(parsed.error);
          return Promise.resolve({ ok: false as const, error: { code: 'INVALID_INPUT' as const, message } });
        }
        Object.assign(state.settings, parsed.data);
        return rec('settings.set', i, state.view());
      },
      setCredentials: (i) => {
        state.stored = true;
        return rec('settings.setCredentials', i, state.view());
      },
      clearCredentials: () => {
        state.stored = false;
        return rec('settings.clearCredentials', undefined, state.view());
      },
      importCatalog: (i) => rec('settings.importCatalog', i, { jobId: 9 }),
      testConnection: () => rec('settings.testConnection', undefined, state.connection),
    },
    jobs: {
      list: (i) => rec('jobs.list', i, state.jobs),
      get: (i) => Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `no job ${i.id}` } }),
      errors: (i) => rec('jobs.errors', i, []),
      detail: (i) => {
        const job = state.jobs.find((j) => j.id === i.id);
        if (!job) {
          calls.push({ method: 'jobs.detail', input: i });
          return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `No job with id ${i.id}.` } });
        }
        return rec('jobs.detail', i, { job, ...state.detail });
      },
      cancel: (i) => rec('jobs.cancel', i, null as never),
      pause: (i) => rec('jobs.pause', i, null as never),
      resume: (i) => rec('jobs.resume', i, null as never),
      retry: (i) => rec('jobs.retry', i, null as never),
      retryFailed: () => rec('jobs.retryFailed', undefined, { count: 2 }),
      pauseAll: () => rec('jobs.pauseAll', undefined, { paused: true }),
      resumeAll: () => rec('jobs.resumeAll', undefined, { paused: false }),
    },
    imports: {
      preview: (i) => rec('imports.preview', i, null as never),
      start: (i) => rec('imports.start', i, { jobId: 1 }),
      list: () =>
        rec('imports.list', undefined, [
          { id: 4, jobId: 3, fileName: 'acme-prices.csv', status: 'completed', counts: null, createdAt: 0 },
        ]),
      undo: (i) => rec('imports.undo', i, { jobId: 2 }),
      lists: (i) => rec('imports.lists', i, state.lists),
      diff: (i) => rec('imports.diff', i, null as never),
      exportBack: (i) => rec('imports.exportBack', i, null as never),
    },
    analysis: { start: (i) => rec('analysis.start', i, { jobIds: [10, 11] }) },
    lookups: {
      status: () => rec('lookups.status', undefined, { counts: {}, total: 0, percentComplete: 0 }),
      start: (i) => rec('lookups.start', i, { jobId: 3 }),
      choose: (i) => {
        const p = products.find((x) => x.id === i.productId)!;
        Object.assign(p, { lookupStatus: 'found', asin: i.asin, candidates: null });
        return rec('lookups.choose', i, { ok: true as const });
      },
      retry: (i) => rec('lookups.retry', i, { count: 'productIds' in i ? i.productIds.length : 7 }),
    },
    products: {
      page: (q: ProductQuery) => {
        const col = q.sort ?? 'id';
        const key = (p: ProductRow): number | string | null =>
          col === 'roi'
            ? (p.analysis?.roi ?? null)
            : col === 'profit'
              ? (p.analysis?.profit ?? null)
              : col === 'rank'
                ? p.salesRank
                : col === 'id'
                  ? p.id
                  : ((p as never)[col] ?? null);
        const sorted = [...filtered(q)].sort((a, b) => {
          const x = key(a);
          const y = key(b);
          if (x === y) return a.id - b.id;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (q.desc ? -1 : 1);
        });
        return rec('products.page', q, sorted.slice(q.offset, q.offset + q.limit));
      },
      count: (f) => rec('products.count', f, filtered(f).length),
      detail: ({ id }) =>
        rec(
          'products.detail',
          { id },
          {
            product: products.find((p) => p.id === id)!,
            decision: null,
            decisionError: null,
            costHistory: [],
          },
        ),
      stats: (i) =>
        rec('products.stats', i, stats ?? { analysed: 0, roiBuckets: [], points: [], winners: 0, verdictsByList: [] }),
      export: (i) =>
        rec('products.export', i, {
          path: '/home/seller/Downloads/pallet-products.csv',
          rows: filtered(i.filters).length,
        }),
      decide: (i) => rec('products.decide', i, { jobId: 12 }),
    },
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    pathForFile: () => null,
  };
  return {
    api,
    calls,
    state,
    emit: (e: AppEvent) => listeners.forEach((l) => l(e)),
    last: (method: string) => calls.filter((c) => c.method === method).at(-1)?.input,
  };
}

/** The filters the products table last asked the API for: its page query without the window and the sort. */
export function askedFilters(fake: ReturnType<typeof createFakeApi>): Record<string, unknown> {
  const {
    sort: _s,
    desc: _d,
    offset: _o,
    limit: _l,
    ...filters
  } = fake.last('products.page') as Record<string, unknown>;
  return filters;
}
