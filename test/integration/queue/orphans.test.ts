// Which jobs lost their owner, and what waits for an engine of its kind (the CLI's crash scenario is in
// test/integration/cli/crash-rerun.test.ts).
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { describeWaiting, ownerDied, ownerPid, waitingByKind } from '../../../main/queue/orphans.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue<AnyKinds>;
beforeEach(() => {
  t = openTestQueue<AnyKinds>();
});
afterEach(() => t.close());

describe('orphaned and waiting jobs', () => {
  it('marks a running job whose owner process is gone or whose lease ran out, never one alive or not running', () => {
    // A pid that cannot exist on this host stands for a killed owner.
    const dead = createQueue<AnyKinds>({ db: t.db, clock: t.clock, owner: `${hostname()}:99999999:abcd` });
    const job = dead.enqueue({ kind: 'import' });
    dead.claim('import');
    const running = t.queue.get(job.id);
    expect(ownerDied(running, t.clock.now())).toBe(true);
    expect(ownerPid(running.leaseOwner)).toBe(99999999);
    expect(ownerDied(running, t.clock.now(), () => true)).toBe(false);
    expect(ownerDied(running, running.leaseExpiresAt! + 1, () => true)).toBe(true);
    expect(ownerDied(t.queue.enqueue({ kind: 'import' }))).toBe(false);
  });

  it('counts runnable jobs of kinds the engine does not claim, with the line that names pallet work', () => {
    t.queue.enqueue({ kind: 'import' });
    t.queue.enqueue({ kind: 'lookup' });
    t.queue.enqueue({ kind: 'lookup' });
    t.queue.enqueue({ kind: 'images', delayMs: 60_000 });
    const waiting = waitingByKind(t.db, ['analysis', 'images'], t.clock.now());
    expect(Object.fromEntries(waiting)).toEqual({ import: 1, lookup: 2 });
    expect(describeWaiting(waiting)).toEqual([
      '1 import waits: run pallet work',
      '2 lookup jobs wait: run pallet work',
    ]);
    expect(waitingByKind(t.db, undefined).size).toBe(0);
  });
});
