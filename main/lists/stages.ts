// A list's stages (import → ASIN lookup → pricing/offers → analysis/decision) and how the jobs of one stage add up.
// Pure: main counts with it, and the window recomputes a stage from the jobs' live progress events between counts.
import type { JobProgress, JobStatus } from '../queue/types.ts';

/** The stages a list goes through, in order. */
export const STAGES = ['import', 'lookup', 'pricing', 'analysis'] as const;
export type Stage = (typeof STAGES)[number];

/** Which stage a job of each kind belongs to (a `decide` job prices, checks offers and analyses: its last stage). */
export const STAGE_OF_KIND: Readonly<Record<string, Stage>> = {
  import: 'import',
  lookup: 'lookup',
  pricing: 'pricing',
  analysis: 'analysis',
  decide: 'analysis',
};

/**
 * Where a stage stands. `pending`: not started (an earlier stage is unfinished, or the sweep has yet to take it);
 * `waiting`: for the network or a retry; `skipped`: no job of this stage ran for the list and none is due (no
 * pricing without SP-API, no analysis without a found product).
 */
export type StageState =
  'pending' | 'queued' | 'running' | 'waiting' | 'paused' | 'done' | 'failed' | 'cancelled' | 'skipped';

/** One stage of a list, over the jobs that did it (their live progress can replace `done`/`total`/rate/ETA). */
export interface StageView {
  stage: Stage;
  state: StageState;
  /** The stage's jobs (children of the list's import job, any depth), oldest first. */
  jobIds: number[];
  done: number;
  /** Null when unknown (a job that has not said its total yet). */
  total: number | null;
  /**
   * Items per second of the running jobs, as the queue measured it: rows for the import (whose `done`/`total` are
   * bytes of the file), products for the other stages.
   */
  ratePerSec: number | null;
  etaMs: number | null;
}

// The most telling state of several jobs: one running makes the stage running, and so on down.
const STATE_ORDER: readonly StageState[] = ['running', 'waiting', 'paused', 'queued', 'failed', 'cancelled', 'done'];
const STATE_OF: Record<JobStatus, StageState> = {
  running: 'running',
  retry_pending: 'waiting',
  waiting_network: 'waiting',
  paused: 'paused',
  queued: 'queued',
  scheduled: 'queued',
  failed: 'failed',
  cancelled: 'cancelled',
  completed: 'done',
};

/** A stage from its jobs: the most telling state, their summed progress, the running ones' rate and ETA. */
export function fromJobs(
  stage: Stage,
  jobs: readonly { id: number; status: JobStatus; progress: string | JobProgress | null }[],
): StageView {
  let state: StageState = 'done';
  let done = 0;
  let total: number | null = 0;
  let rate: number | null = null;
  let eta: number | null = null;
  for (const j of jobs) {
    const s = STATE_OF[j.status];
    if (STATE_ORDER.indexOf(s) < STATE_ORDER.indexOf(state)) state = s;
    const p = typeof j.progress === 'string' ? (JSON.parse(j.progress) as JobProgress) : j.progress;
    if (j.status === 'completed') {
      // A finished job did all it had, whatever its last progress said.
      const all = p?.total ?? p?.done ?? 0;
      done += all;
      if (total !== null) total += all;
      continue;
    }
    done += p?.done ?? 0;
    if (total !== null) total = p?.total == null ? null : total + p.total;
    if (j.status === 'running' && p) {
      // An import measures its progress in bytes of the file; its rate is told in rows (`succeeded` counts them).
      const r =
        stage === 'import' && p.ratePerSec !== null && p.done > 0
          ? p.ratePerSec * (p.succeeded / p.done)
          : p.ratePerSec;
      if (r !== null) rate = (rate ?? 0) + r;
      if (p.etaMs !== null) eta = Math.max(eta ?? 0, p.etaMs);
    }
  }
  return { stage, state, jobIds: jobs.map((j) => j.id), done, total, ratePerSec: rate, etaMs: eta };
}
