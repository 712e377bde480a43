import type { JobExecutor, RunOutcome } from '../queue/executor.ts';
import type { Supervisor } from './supervisor.ts';

/** Routes jobs by kind to supervised worker processes with a free slot. */
export function createWorkerPool(supervisors: readonly Supervisor[]): JobExecutor & { start(): Promise<void> } {
  const owner = new Map<number, Supervisor>();
  return {
    start: async () => void (await Promise.all(supervisors.map((s) => s.start()))),
    kinds: () => [...new Set(supervisors.flatMap((s) => s.kinds()))],
    freeSlots: (kind) => supervisors.reduce((n, s) => n + Math.max(0, s.freeSlots(kind)), 0),
    async run(job, lease, handlers): Promise<RunOutcome> {
      const s = supervisors.find((x) => x.freeSlots(job.kind) > 0);
      if (!s) return { type: 'crashed', message: `No worker can take a "${job.kind}" job right now.` };
      owner.set(job.id, s);
      try {
        return await s.run(job, lease, handlers);
      } finally {
        owner.delete(job.id);
      }
    },
    stop: (jobId, reason) => owner.get(jobId)?.stop(jobId, reason),
    isAlive: (jobId) => owner.get(jobId)?.isAlive(jobId) ?? false,
    shutdown: async () => void (await Promise.all(supervisors.map((s) => s.shutdown()))),
  };
}
