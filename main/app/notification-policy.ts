import type { Job } from '../queue/types.ts';
import type { Clock, Notice } from '../ports.ts';

const KIND_LABEL: Record<string, string> = {
  import: 'Import',
  import_undo: 'Undo',
  lookup: 'Lookup',
  analysis: 'Analysis',
};

/** The counts a finished job's result reports, in words. */
function describeResult(job: Job): string {
  const r = (job.result ?? {}) as Record<string, unknown>;
  if (job.kind === 'import' && typeof r.rows === 'number') {
    return `${r.rows} rows: ${r.created} new, ${r.updated} updated, ${r.duplicates} duplicates, ${r.rejected} rejected.`;
  }
  if (job.kind === 'import_undo' && typeof r.deleted === 'number')
    return `${r.deleted} removed, ${r.restored} restored.`;
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
      const label = KIND_LABEL[job.kind] ?? job.kind;
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
          ? ` (and ${held.completed + held.failed} more ${label.toLowerCase()} jobs finished${held.failed ? `, ${held.failed} failed` : ''})`
          : '';
      if (job.status === 'failed')
        return { title: `${label} failed`, body: `${job.error?.message ?? 'Unknown error'}${also}`, jobId: job.id };
      return { title: `${label} finished`, body: `${describeResult(job)}${also}`, jobId: job.id };
    },
  };
}
