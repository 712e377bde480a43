// Property-based: any value from either side of the worker protocol parses to a well-formed message or null, never a
// throw (test/support/fuzz/protocol-target.ts).
import { describe, expect, it } from 'vitest';
import { parseFromWorker } from '../../../main/workers/protocol.ts';
import { assertTarget } from '../../support/fuzz/target.ts';
import { protocolTarget } from '../../support/fuzz/protocol-target.ts';

describe('worker protocol fuzzing', () => {
  it('parses 1,000 arbitrary values to a well-formed message or null, both directions', async () => {
    await assertTarget(protocolTarget, 1_000);
  });

  // Found by fuzzing: any object passed as progress, stored as the job's progress and drawn by the window.
  it('refuses a progress update that is not counts, a total and a note', () => {
    const bad = [[1, 2], { done: 'x' }, { done: -1 }, { total: NaN }, { note: { html: 1 } }, { failed: Infinity }];
    for (const progress of bad) expect(parseFromWorker({ type: 'progress', jobId: 1, progress })).toBeNull();
    const ok = { type: 'progress', jobId: 1, progress: { done: 3, total: null, note: 'rows', succeeded: 2 } };
    expect(parseFromWorker(ok)).toEqual(ok);
  });
});
