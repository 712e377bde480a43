import { describe, expect, it } from 'vitest';
import { runCrashBench } from '../../bench/crash-bench.ts';

describe('crash safety', () => {
  it(
    'SIGKILLing workers at random moments loses and doubles nothing (the bench runs 100 kills; CI runs 20)',
    { timeout: 240_000 },
    async () => {
      const r = await runCrashBench({ kills: 20, jobs: 40, steps: 10 });
      expect(r.kills).toBe(20);
      expect(r).toMatchObject({ lost_jobs: 0, lost_steps: 0, doubled_steps: 0 });
      expect(r.jobs_completed).toBe(r.jobs_total);
    },
  );
});
