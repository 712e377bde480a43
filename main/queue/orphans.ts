import type { Db } from '../db/open.ts';
import type { QueueWriter } from './interface.ts';
import type { AnyKinds } from './kinds.ts';
import { ownerLooksAlive } from './owner.ts';
import { jobFromRow, type JobRow } from './rows.ts';
import type { Job } from './types.ts';

/**
 * True for a job still marked running whose owner is gone: its process no longer exists on this machine, or its
 * lease ran out. The next engine to start (any kind) puts it back in the queue, resuming from its checkpoint.
 */
export function ownerDied(job: Job, now = Date.now(), isAlive: (owner: string) => boolean = ownerLooksAlive): boolean {
  if (job.status !== 'running') return false;
  if (job.leaseOwner === null) return true;
  return (job.leaseExpiresAt !== null && job.leaseExpiresAt < now) || !isAlive(job.leaseOwner);
}

/** The pid in a lease owner id (`host:pid:random`), for messages. */
export function ownerPid(owner: string | null): number | null {
  const pid = Number(owner?.split(':')[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Jobs that are runnable now (queued, due for a retry, or running for a dead owner) but of a kind no engine in
 * `claimedKinds` runs, counted per kind. `claimedKinds` undefined means every kind is claimed: nothing waits.
 */
export function waitingByKind(
  db: Db,
  claimedKinds: readonly string[] | undefined,
  now = Date.now(),
): Map<string, number> {
  const out = new Map<string, number>();
  if (claimedKinds === undefined) return out;
  const add = (kind: string, n: number) => {
    if (!claimedKinds.includes(kind)) out.set(kind, (out.get(kind) ?? 0) + n);
  };
  const ready = db
    .prepare(`SELECT kind, COUNT(*) AS n FROM jobs WHERE status = 'queued' OR status = 'retry_pending' GROUP BY kind`)
    .all() as { kind: string; n: number }[];
  for (const r of ready) add(r.kind, r.n);
  for (const row of db.prepare(`SELECT * FROM jobs WHERE status = 'running'`).all() as JobRow[]) {
    if (ownerDied(jobFromRow(row), now)) add(row.kind, 1);
  }
  return out;
}

/** "1 import waits: run pallet work" for each kind left without an engine, or nothing. */
export function describeWaiting(waiting: Map<string, number>): string[] {
  return [...waiting].map(([kind, n]) => `${n} ${kind}${n === 1 ? ' waits' : ' jobs wait'}: run pallet work`);
}

/** Makes an unfinished job someone asked for again run now: a paused one is resumed, a delayed one made due. */
export function wakeJob(queue: QueueWriter<AnyKinds>, job: Job): Job {
  if (job.status === 'paused') return queue.resume(job.id);
  if (job.status === 'retry_pending' || job.status === 'scheduled') return queue.runNow(job.id);
  return job;
}
