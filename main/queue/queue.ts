// createQueue composes the operations of main/queue/sql/*, each of which owns its SQL, around the state they share.
import { EventEmitter } from 'node:events';
import type { Db } from '../db/open.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { Clock, Queue } from './interface.ts';
import type { JobKinds, KindMap } from './kinds.ts';
import { makeOwnerId } from './owner.ts';
import { claimOps } from './sql/claim.ts';
import { prepareShared, type QueueContext } from './sql/common.ts';
import { controlOps } from './sql/control.ts';
import { enqueueOps } from './sql/enqueue.ts';
import { errorOps } from './sql/errors.ts';
import { finishOps } from './sql/finish.ts';
import { leaseOps } from './sql/lease.ts';
import { purgeOps } from './sql/purge.ts';
import { readOps } from './sql/read.ts';
import { recoverOps } from './sql/recover.ts';
import type { QueueEvent } from './types.ts';

export type {
  Clock,
  ClaimOptions,
  CompleteItem,
  CompleteOptions,
  JobErrorEntry,
  JobErrorRecord,
  KindCount,
  ListOptions,
  Queue,
  QueueEvents,
  QueueReader,
  QueueWriter,
  StopRequest,
  WaitOptions,
} from './interface.ts';
export { CLAIM_PICK_SQL, DUE_PICK_SQL } from './sql/claim.ts';
export { makeOwnerId, ownerLooksAlive } from './owner.ts';

export const systemClock: Clock = { now: () => Date.now() };

export interface QueueOptions {
  db: Db;
  clock?: Clock;
  /** Identifies this process in lease_owner; `host:pid:random` so boot recovery can tell a dead owner. */
  owner?: string;
  leaseMs?: number;
  backoff?: BackoffPolicy;
  defaultMaxAttempts?: number;
}

/**
 * The durable, multi-process job queue over one SQLite file. Every method is one short synchronous transaction.
 * `M` is the kinds it is typed for: Pallet's by default, `AnyKinds` for tests and benches of ad-hoc kinds.
 */
export function createQueue<M extends KindMap = JobKinds>(options: QueueOptions): Queue<M> {
  const { db } = options;
  const events = new EventEmitter<{ event: [QueueEvent] }>();
  events.setMaxListeners(50);
  const ctx: QueueContext = {
    db,
    clock: options.clock ?? systemClock,
    owner: options.owner ?? makeOwnerId(),
    leaseMs: options.leaseMs ?? 30_000,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    defaultMaxAttempts: options.defaultMaxAttempts ?? 3,
    emit: (e) => events.emit('event', e),
    // Rate and ETA are derived per lease: where this run started, so a resumed job's ETA reflects this run's speed.
    runStarts: new Map(),
    shared: prepareShared(db),
  };
  // complete enqueues its follow-ups with enqueue's own statements, inside its transaction.
  const enqueue = enqueueOps(ctx);
  return {
    db,
    owner: ctx.owner,
    events,
    enqueue: enqueue.enqueue,
    enqueueMany: enqueue.enqueueMany,
    ...claimOps(ctx),
    ...leaseOps(ctx),
    ...finishOps(ctx, enqueue),
    ...controlOps(ctx),
    ...recoverOps(ctx),
    ...purgeOps(ctx),
    ...errorOps(ctx),
    ...readOps(ctx),
  };
}
