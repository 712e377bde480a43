import type { JobProgress, ProgressUpdate } from '../queue/types.ts';

/** Bumped on any incompatible change; the supervisor refuses a worker speaking another version. */
export const PROTOCOL_VERSION = 1;

/** The part of a job a worker needs to run it. */
export interface WorkerJob {
  id: number;
  kind: string;
  payload: unknown;
  checkpoint: unknown;
  attempt: number;
  /** Lets the worker commit rows and their checkpoint in one transaction, guarded by the lease. */
  leaseToken: string;
}

export type ToWorker =
  | { type: 'run'; job: WorkerJob }
  | { type: 'cancel'; jobId: number; reason: 'cancel' | 'pause' | 'yield' }
  /** Credentials from main's secrets port, kept in the worker's memory only (never in env, payloads or logs). */
  | { type: 'secrets'; values: Record<string, string> }
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready'; protocolVersion: number; kinds: string[]; pid: number }
  | { type: 'progress'; jobId: number; progress: ProgressUpdate }
  | { type: 'checkpoint'; jobId: number; state: unknown }
  | { type: 'done'; jobId: number; result: unknown }
  | { type: 'error'; jobId: number; code: string; message: string; retryable: boolean }
  | { type: 'stopped'; jobId: number }
  | { type: 'waiting_network'; jobId: number; message: string }
  | { type: 'heartbeat'; running: number[] }
  /** `code`: what the line is about, for lines the window acts on (throttle.ts `RATE_LIMITED`). */
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; jobId?: number; code?: string };

export type { JobProgress };

const isInt = (v: unknown): v is number => Number.isInteger(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** A progress update the queue can store and the window can show: counts, a total or null, a note or null. */
const isProgressUpdate = (p: unknown): p is ProgressUpdate =>
  isObject(p) &&
  !Array.isArray(p) &&
  (['done', 'succeeded', 'failed', 'skipped'] as const).every((k) => p[k] === undefined || isCount(p[k])) &&
  (p.total === undefined || p.total === null || isCount(p.total)) &&
  (p.note === undefined || p.note === null || typeof p.note === 'string');

/** Validates a message from main to a worker: the worker acts only on what parses, never on half a message. */
export function parseToWorker(raw: unknown): ToWorker | null {
  // Hand checks, no schema: this runs for every message on the hot path.
  if (!isObject(raw)) return null;
  switch (raw.type) {
    case 'run': {
      const j = raw.job;
      return isObject(j) &&
        isInt(j.id) &&
        typeof j.kind === 'string' &&
        isInt(j.attempt) &&
        typeof j.leaseToken === 'string'
        ? (raw as ToWorker)
        : null;
    }
    case 'cancel':
      return isInt(raw.jobId) && (raw.reason === 'cancel' || raw.reason === 'pause' || raw.reason === 'yield')
        ? (raw as ToWorker)
        : null;
    case 'secrets': {
      const v = raw.values;
      return isObject(v) && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string')
        ? (raw as ToWorker)
        : null;
    }
    case 'shutdown':
      return raw as ToWorker;
    default:
      return null;
  }
}

/** Validates a message from a worker process; anything else is a protocol error, never trusted. */
export function parseFromWorker(raw: unknown): FromWorker | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return isInt(m.protocolVersion) &&
        Array.isArray(m.kinds) &&
        m.kinds.every((k) => typeof k === 'string') &&
        isInt(m.pid)
        ? (m as FromWorker)
        : null;
    case 'progress':
      // Checked field by field: what passes is stored as the job's progress and drawn by the window.
      return isInt(m.jobId) && isProgressUpdate(m.progress) ? (m as FromWorker) : null;
    case 'checkpoint':
    case 'done':
    case 'stopped':
      return isInt(m.jobId) ? (m as FromWorker) : null;
    case 'error':
      return isInt(m.jobId) &&
        typeof m.code === 'string' &&
        typeof m.message === 'string' &&
        typeof m.retryable === 'boolean'
        ? (m as FromWorker)
        : null;
    case 'waiting_network':
      return isInt(m.jobId) && typeof m.message === 'string' ? (m as FromWorker) : null;
    case 'heartbeat':
      return Array.isArray(m.running) && m.running.every(isInt) ? (m as FromWorker) : null;
    case 'log':
      return typeof m.message === 'string' && ['debug', 'info', 'warn', 'error'].includes(m.level as string)
        ? (m as FromWorker)
        : null;
    default:
      return null;
  }
}
