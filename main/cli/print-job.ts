// How a command that ran a job says how it ended: one shape for every such command, so `--json` and the lines for
// people read alike across them.
import type { Job, JobStatus } from '../queue/types.ts';

/** Where a command writes, and whether the user asked for JSON. */
export interface JobOut {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** How a run ended, and how to say it. */
export interface JobReport<R> {
  /** The leading `--json` fields that name the run: `{ jobId }`, or `{ jobIds }` for a run of several jobs. */
  ids: Record<string, unknown>;
  status: JobStatus;
  /** The result (the sum of several jobs'); null when the run left none. */
  result: R | null;
  error: { code: string; message: string } | null;
  /** The start of the line saying the run did not complete: "import failed", "images wait for the network". */
  failure: string;
  /** The lines for a completed run. */
  lines(result: R): string[];
  /** `--json` fields after the result's (e.g. `elapsedMs`). */
  extra?: Record<string, unknown>;
  /** `--json` fields after the error (e.g. totals beyond this run). */
  trailer?: Record<string, unknown>;
}

/** Prints how a run ended (JSON, its lines, or why it failed) and returns the exit code: 0 if it completed. */
export function printJobReport<R>(o: JobOut, rep: JobReport<R>): number {
  if (o.json)
    o.out(
      JSON.stringify(
        {
          ...rep.ids,
          status: rep.status,
          ...(rep.result ?? {}),
          ...rep.extra,
          ...(rep.error ? { error: rep.error } : {}),
          ...rep.trailer,
        },
        null,
        2,
      ),
    );
  else if (rep.status === 'completed' && rep.result) for (const line of rep.lines(rep.result)) o.out(line);
  else o.err(`pallet: ${rep.failure}: ${rep.error?.message ?? `the job ended ${rep.status}`}`);
  return rep.status === 'completed' ? 0 : 1;
}

/** `printJobReport` for a run of one job. */
export function printJob<R>(
  o: JobOut,
  job: Job,
  rep: Omit<JobReport<R>, 'ids' | 'status' | 'result' | 'error'>,
): number {
  return printJobReport(o, {
    ...rep,
    ids: { jobId: job.id },
    status: job.status,
    result: job.result as R | null,
    error: job.error,
  });
}
