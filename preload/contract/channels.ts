// The IPC contract's names and types: pure TypeScript, shared by preload, main and renderer (no zod here, so the
// preload bundle stays small). Schemas for the inputs live in ./schemas.ts, used by main's router.
import type { JobKind, Result as KindResult } from '../../main/queue/kinds.ts';
import type { JobProgress, JobStatus } from '../../main/queue/types.ts';
import type { JobErrorLevel } from '../../main/queue/error-level.ts';
import type { JobLogLine } from '../../main/queue/job-log.ts';
import type { JobWait } from '../../main/queue/waiting.ts';
import type { ProductFilters, ProductQuery, ProductRow, SortColumn } from '../../main/products/query.ts';
import type { AnalysisStats, Targets } from '../../main/products/stats.ts';
import type { Field } from '../../main/imports/fields.ts';
import type { ImportDiff } from '../../main/suppliers/diff.ts';
import type { ProductDetail } from '../../main/products/detail.ts';
import type { ListSummary, StageView } from '../../main/lists/summary.ts';

import type { Settings } from '../../main/settings/schema.ts';
import type { ConnectionTestResult } from '../../main/lookups/sp-api/connection-test.ts';

export type { Settings, ConnectionTestResult, JobLogLine, JobWait, ListSummary, StageView };
export type { ProductFilters, ProductQuery, ProductRow, SortColumn, AnalysisStats, Targets, ProductDetail };

/** Why a call failed, as the renderer can act on it. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNKNOWN_CHANNEL',
  'BAD_FILE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every call answers with an envelope, never a thrown error across the bridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** A job as the window shows it, whatever its kind. */
interface JobViewFields {
  id: number;
  /** The kind's name for people, from the job kinds registry. */
  label: string;
  status: JobStatus;
  progress: JobProgress | null;
  error: { code: string; message: string } | null;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  createdAt: number;
  /** When its latest run started (null: never ran). */
  startedAt: number | null;
  finishedAt: number | null;
  /** The job that queued it as a follow-up (an import's lookups, images, decisions, analysis); null for a root. */
  parentId: number | null;
}

/** A job as the window shows it: a union over kinds, so checking `kind` types `result` (null until it completes). */
export type JobView<K extends JobKind = JobKind> = {
  [P in K]: JobViewFields & { kind: P; result: KindResult<P> | null };
}[K];

/** A job's detail (the Jobs view's drawer): the job, what it waits for, its log tail and how many errors it has. */
export interface JobDetailView {
  job: JobView;
  /** Null: it waits for nothing (running, finished, or about to start). */
  waitingFor: JobWait | null;
  /** The newest log lines, oldest first. */
  log: JobLogLine[];
  errorCount: number;
}

export interface JobErrorView {
  rowNumber: number | null;
  code: string;
  /** `warning`: a row imported with something to check; `error`: a row left out, or a failure. */
  level: JobErrorLevel;
  message: string;
  createdAt: number;
}

export interface ImportPreview {
  file: string;
  encoding: string;
  delimiter: string;
  decimal: '.' | ',';
  headers: string[];
  /** The file's line (1-based) holding the column names; lines above it are skipped. */
  headerRow: number;
  /** Why that line, in plain words. */
  headerReason: string;
  /** field → header */
  mapping: Record<string, string>;
  savedMappingUsed: boolean;
  warnings: string[];
  rows: string[][];
  /** The supplier the import will belong to (null: none found; the seller can name one). */
  supplier: string | null;
  supplierSource: 'given' | 'remembered' | 'file name' | null;
  /** An .xlsx workbook's sheets (empty for a CSV), and the one imported (null for a CSV). */
  sheets: string[];
  sheet: string | null;
}

export interface ImportView {
  id: number;
  jobId: number | null;
  fileName: string;
  status: string;
  counts: Record<string, number> | null;
  createdAt: number;
}

export interface ImportRequest {
  path: string;
  /** header → field, or 'ignore' to keep the column out of the product */
  mapping?: Record<string, Field | 'ignore'>;
  decimal?: '.' | ',';
  rememberMapping?: boolean;
  /** Whose price list this is (default: the supplier remembered with the mapping, else the file name's). */
  supplier?: string;
  /** The file's line holding the column names, when the one Pallet found is wrong (1 = the first line). */
  headerRow?: number;
  /** An .xlsx workbook's sheet to import, by name (default: the first that holds a table). */
  sheet?: string;
}

/** Pushed from main: job changes, progress coalesced to at most 10 per second per job. */
export type AppEvent =
  | { type: 'job'; job: JobView }
  | { type: 'queue'; paused: boolean }
  | { type: 'navigate'; to: { jobId: number } }
  | { type: 'network'; online: boolean };

/** Preferences and whether SP-API credentials are stored (never the credentials themselves). */
export interface SettingsView {
  settings: Settings;
  credentials: { stored: boolean; canStore: boolean; reason: string | null };
}

/** Channel → input and output of each call. */
export interface Channels {
  'app:info': { input: void; output: { version: string; name: string } };
  'jobs:list': { input: { status?: JobStatus; limit?: number } | void; output: JobView[] };
  'jobs:get': { input: { id: number }; output: JobView };
  'jobs:errors': { input: { id: number; limit?: number }; output: JobErrorView[] };
  /** One job with what it waits for and its log tail (`logLimit` lines, default 50). */
  'jobs:detail': { input: { id: number; logLimit?: number }; output: JobDetailView };
  'jobs:cancel': { input: { id: number }; output: JobView };
  'jobs:pause': { input: { id: number }; output: JobView };
  'jobs:resume': { input: { id: number }; output: JobView };
  'jobs:retry': { input: { id: number }; output: JobView };
  'queue:pause': { input: void; output: { paused: boolean } };
  'queue:resume': { input: void; output: { paused: boolean } };
  'imports:preview': { input: ImportRequest; output: ImportPreview };
  'imports:start': { input: ImportRequest; output: { jobId: number } };
  'imports:list': { input: void; output: ImportView[] };
  'imports:undo': { input: { importId: number }; output: { jobId: number } };
  /**
   * The Lists view's rows, newest first: supplier, a progress per stage (import → ASIN lookup → pricing/offers →
   * analysis) over the jobs the import led to, found and verdict counts of the list's products. `limit`: 1–500
   * (default 100).
   */
  'imports:lists': { input: { limit?: number } | void; output: ListSummary[] };
  /** What changed from one supplier list (import) to another: lists of at most `limit` (default 100) with totals. */
  'imports:diff': { input: { importA: number; importB: number; limit?: number }; output: ImportDiff };
  /**
   * An import's rows back in the file's own order and columns, then Pallet's (ASIN, fees, profit, ROI…), as CSV or
   * XLSX. `path`: one the user chose through `app:pickSavePath` (its extension gives the format unless `format`
   * says); without it, a dated file in the exports folder.
   */
  'imports:exportBack': {
    input: { importId: number; path?: string; format?: 'csv' | 'xlsx' };
    output: { path: string; format: 'csv' | 'xlsx'; rows: number; matched: number; rejected: number; missing: number };
  };
  'analysis:start': {
    input: { all: true; targets?: { minRoi?: number; minProfit?: number; maxRank?: number } } | { ids: number[] };
    output: { jobIds: number[] };
  };
  /**
   * Buying decisions (restrictions, offers, verdict) for some products, an import's or all. Products named by id are
   * the ones the seller is looking at: a running decide job takes them within a quarter second (decide_requests),
   * their calls go first in the SP-API scheduler and their own job first in the queue. Unknown ids: NOT_FOUND.
   */
  'products:decide': {
    input: { ids: number[] } | { importId: number } | { all: true };
    output: { jobId: number };
  };
  'lookups:status': { input: void; output: LookupStatusView };
  'lookups:start': {
    input: { provider?: 'auto' | 'spapi' | 'catalog'; scope?: 'pending' | 'all' } | void;
    output: { jobId: number };
  };
  'lookups:choose': { input: { productId: number; asin: string }; output: { ok: true } };
  'lookups:retry': { input: { productIds: number[] } | { failed: true }; output: { count: number } };
  'products:page': { input: ProductQuery; output: ProductRow[] };
  'products:count': { input: ProductFilters; output: number };
  /** Everything known about one product (the detail drawer); NOT_FOUND when there is no such product. */
  'products:detail': { input: { id: number }; output: ProductDetail };
  'products:stats': { input: { filters: ProductFilters; targets: Targets }; output: AnalysisStats };
  /** `path`: one the user chose through `app:pickSavePath`; without it, a dated file in the exports folder. */
  'products:export': { input: { filters: ProductFilters; path?: string }; output: { path: string; rows: number } };
  'settings:get': { input: void; output: SettingsView };
  'settings:set': { input: Partial<Settings>; output: SettingsView };
  'credentials:set': { input: { clientId: string; clientSecret: string; refreshToken: string }; output: SettingsView };
  'credentials:clear': { input: void; output: SettingsView };
  /** Tries the stored SP-API credentials (token exchange + getMarketplaceParticipations); failures are plain words. */
  'settings:testConnection': { input: void; output: ConnectionTestResult };
  'app:status': { input: void; output: { online: boolean; waitingNetwork: number } };
  'app:trySample': { input: void; output: { jobIds: number[] } };
  'catalog:import': { input: { path: string }; output: { jobId: number } };
  'files:open': { input: { path: string }; output: { ok: true } };
  'files:reveal': { input: { path: string }; output: { ok: true } };
  /** Opens the folder of Pallet's log files in the file manager; answers with its path. */
  'app:openLogs': { input: void; output: { path: string } };
  'jobs:retryFailed': { input: void; output: { count: number } };
  /** The OS's open dialog (main shows it and checks the file); null when the user cancelled. */
  'app:pickFile': { input: { purpose: PickPurpose }; output: { path: string | null } };
  /**
   * The OS's save dialog; the path is granted to one export (`products:export`, `imports:exportBack`) for this
   * session. Null when cancelled.
   */
  'app:pickSavePath': { input: { purpose: 'export'; defaultName: string }; output: { path: string | null } };
}

/** What a file is picked for: a supplier price list to import, or the reference catalog. */
export type PickPurpose = 'import' | 'catalog';

/** Lookup progress over the catalog. */
export interface LookupStatusView {
  counts: Record<string, number>;
  total: number;
  percentComplete: number;
}
export type Channel = keyof Channels;
export type Input<C extends Channel> = Channels[C]['input'];
export type Output<C extends Channel> = Channels[C]['output'];

/** The single event channel main pushes on. */
export const EVENT_CHANNEL = 'app:event';

/** Named methods the preload exposes as `window.pallet`, each bound to one channel. */
export const METHODS = {
  app: {
    info: 'app:info',
    status: 'app:status',
    trySample: 'app:trySample',
    openFile: 'files:open',
    revealFile: 'files:reveal',
    openLogs: 'app:openLogs',
    pickFile: 'app:pickFile',
    pickSavePath: 'app:pickSavePath',
  },
  settings: {
    get: 'settings:get',
    set: 'settings:set',
    setCredentials: 'credentials:set',
    clearCredentials: 'credentials:clear',
    testConnection: 'settings:testConnection',
    importCatalog: 'catalog:import',
  },
  jobs: {
    list: 'jobs:list',
    get: 'jobs:get',
    errors: 'jobs:errors',
    detail: 'jobs:detail',
    cancel: 'jobs:cancel',
    pause: 'jobs:pause',
    resume: 'jobs:resume',
    retry: 'jobs:retry',
    retryFailed: 'jobs:retryFailed',
    pauseAll: 'queue:pause',
    resumeAll: 'queue:resume',
  },
  imports: {
    preview: 'imports:preview',
    start: 'imports:start',
    list: 'imports:list',
    undo: 'imports:undo',
    lists: 'imports:lists',
    diff: 'imports:diff',
    exportBack: 'imports:exportBack',
  },
  analysis: { start: 'analysis:start' },
  lookups: { status: 'lookups:status', start: 'lookups:start', choose: 'lookups:choose', retry: 'lookups:retry' },
  products: {
    page: 'products:page',
    count: 'products:count',
    detail: 'products:detail',
    stats: 'products:stats',
    export: 'products:export',
    decide: 'products:decide',
  },
} as const satisfies Record<string, Record<string, Channel>>;

type Call<C extends Channel> =
  Input<C> extends void ? () => Promise<Result<Output<C>>> : (input: Input<C>) => Promise<Result<Output<C>>>;
type Api<M> = { [G in keyof M]: { [K in keyof M[G]]: M[G][K] extends Channel ? Call<M[G][K]> : never } };

/** What the renderer sees on `window.pallet`. */
export type AppApi = Api<typeof METHODS> & {
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** The path of a file the user dropped or picked (Electron's webUtils); null for anything else. */
  pathForFile(file: File): string | null;
};
