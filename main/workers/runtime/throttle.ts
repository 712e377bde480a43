// Rate limiting, as the jobs of this worker process live it: the SP-API scheduler reports each 429 here, and the
// worker host turns it into a line in the log of every job this process runs (one job per process by default), so the
// Jobs view can say a job waits for Amazon's rate limit. At most one report per operation per `REPORT_EVERY_MS`.

/** A log line's code for "Amazon is rate-limiting this job's calls" (job_logs.code). */
export const RATE_LIMITED = 'rate_limited';
const REPORT_EVERY_MS = 10_000;

type Listener = (message: string) => void;
let listener: Listener | null = null;
const lastReport = new Map<string, number>();

/** Where reports go (the worker host); null stops them. */
export function onThrottle(l: Listener | null): void {
  listener = l;
  lastReport.clear();
}

/** Amazon answered 429 for `op`: the scheduler now paces it at `ratePerSec`. */
export function reportThrottle(op: string, ratePerSec: number, now = Date.now()): void {
  if (!listener) return;
  const last = lastReport.get(op);
  if (last !== undefined && now - last < REPORT_EVERY_MS) return;
  lastReport.set(op, now);
  const pace = ratePerSec >= 1 ? `${ratePerSec.toFixed(1)}/s` : `one every ${Math.round(1 / ratePerSec)} s`;
  listener(`Amazon is rate-limiting ${op} (HTTP 429): Pallet slows it to ${pace} and carries on.`);
}
