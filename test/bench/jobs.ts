import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../main/app/engine.ts';
import { FINISHED_STATUSES, type EnqueueInput } from '../../main/queue/types.ts';
import { WORKER_V8_FLAGS, type WorkerEntry } from '../../main/workers/entry-path.ts';

/** The worker as it ships (the bundle) when built; benchmarks measure that rather than the source under tsx. */
export function builtWorkerEntry(): WorkerEntry | undefined {
  const built = fileURLToPath(new URL('../../dist/node/worker.js', import.meta.url));
  return existsSync(built) ? { entry: built, execArgv: [], v8Flags: [...WORKER_V8_FLAGS] } : undefined;
}

/** Resolves when the job has finished, whatever its end. */
export async function waitDone(engine: Engine, id: number): Promise<void> {
  while (!FINISHED_STATUSES.includes(engine.queue.get(id).status)) await new Promise((r) => setTimeout(r, 10));
}

/** Runs one job to completion and times it; a job that does not complete is an error. */
export async function timedJob(engine: Engine, input: EnqueueInput): Promise<{ seconds: number; result: unknown }> {
  const t = process.hrtime.bigint();
  const job = engine.queue.enqueue(input);
  await waitDone(engine, job.id);
  const done = engine.queue.get(job.id);
  if (done.status !== 'completed') throw new Error(`${input.kind} ended ${done.status}: ${done.error?.message}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, result: done.result };
}

/** Runs several jobs at once to completion and times them together. */
export async function timedJobs(
  engine: Engine,
  inputs: readonly EnqueueInput[],
): Promise<{ seconds: number; results: unknown[] }> {
  const t = process.hrtime.bigint();
  const jobs = inputs.map((i) => engine.queue.enqueue(i));
  for (const j of jobs) await waitDone(engine, j.id);
  const done = jobs.map((j) => engine.queue.get(j.id));
  const bad = done.find((j) => j.status !== 'completed');
  if (bad) throw new Error(`${bad.kind} ended ${bad.status}: ${bad.error?.message}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, results: done.map((j) => j.result) };
}

/** Peak resident memory of a process so far (Linux: VmHWM), in MiB; null where /proc is missing. */
export function peakRssMib(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** The p-th percentile (nearest rank) of a sample. */
export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
