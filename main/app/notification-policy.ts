import { kindLabel, resultOf } from '../job-kinds.ts';
import type { Job } from '../queue/types.ts';
import type { Clock, Notice } from '../ports.ts';

/** The counts a finished job's result reports, in words. */
function describeResult(job: Job): string {
  const imported = resultOf(job, 'import');
  if (imported)
    return `${imported.rows} rows: ${imported.created} new, ${imported.updated} updated, ${imported.duplicates} duplicates, ${imported.rejected} rejected.`;
  const undone = resultOf(job, 'import_undo');
  if (undone) return `${undone.deleted} removed, ${undone.restored} restored.`;
  return 'Done.';
}

export interface NotificationPolicyOptions {
  clock: Clock;
  /** At most one notification per kind in this window; the rest are folded into the next one. */
  minIntervalMs?: number;
  /** True when the window is focused and showing this job: then the user already sees it. */
  isWatching(jobId: number): boolean;
}

/** Decides which finished jobs become desktop notifications: rate-limited per kind, none for what the user watches. */
export function createNotificationPolicy(opts: NotificationPolicyOptions) {
  const minInterval = opts.minIntervalMs ?? 10_000;
  const last = new Map<string, number>();
  const folded = new Map<string, { completed: number; failed: number }>();
  return {
    decide(job: Job): Notice | null {
      if (job.status !== 'completed' && job.status !== 'failed') return null;
      if (opts.isWatching(job.id)) return null;
      const now = opts.clock.now();
      const label = kindLabel(job.kind);
      const held = folded.get(job.kind) ?? { completed: 0, failed: 0 };
      const prev = last.get(job.kind);
      if (prev !== undefined && now - prev < minInterval) {
        held[job.status === 'completed' ? 'completed' : 'failed']++;
        folded.set(job.kind, held);
        return null;
      }
      last.set(job.kind, now);
      folded.delete(job.kind);
      const also =
        held.completed + held.failed > 0
          ? ` (and ${held.completed + held.failed} more finished${held.failed ? `, ${held.failed} failed` : ''})`
          : '';
      if (job.status === 'failed')
        return { title: `${label} failed`, body: `${job.error?.message ?? 'Unknown error'}${also}`, jobId: job.id };
      return { title: `${label} finished`, body: `${describeResult(job)}${also}`, jobId: job.id };
    },
  };
}
