import { describe, expect, it } from 'vitest';
import type { SupervisorEvent } from '../../../main/workers/supervisor.ts';
import { testSupervisor, waitFor } from '../../support/workers.ts';

describe('supervisor shutdown', () => {
  // The crash bench's exit 13: drained while a killed worker was restarting, the late 'ready' flipped the state back,
  // the clean exit counted as a crash, a new worker was started and shutdown() never settled.
  it('a worker still booting when shutdown begins is stopped, not taken for crashed and restarted', async () => {
    const sup = testSupervisor({ restartBaseMs: 10 });
    await sup.start();
    const firstPid = sup.pid!;
    process.kill(firstPid, 'SIGKILL');
    await waitFor(
      () => sup.state === 'starting' && sup.pid !== undefined && sup.pid !== firstPid,
      'the restart to begin',
    );
    const after: SupervisorEvent[] = [];
    sup.events.on('event', (e) => after.push(e));
    const booting = sup.pid!;
    await sup.shutdown();
    expect(sup.state).toBe('stopped');
    expect(sup.pid).toBeUndefined();
    expect(after.filter((e) => e.type === 'crashed' || e.type === 'ready')).toEqual([]);
    // The booting worker is gone, and nothing was started in its place.
    expect(() => process.kill(booting, 0)).toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.state).toBe('stopped');
    expect(sup.pid).toBeUndefined();
  });
});
