import { describe, expect, it } from 'vitest';
import { createInProcessExecutor } from '../../../main/workers/in-process.ts';
import type { Job } from '../../../main/queue/types.ts';

const job = (id: number) => ({ id, kind: 'work', payload: null, checkpoint: null, attempts: 1 }) as unknown as Job;
const lease = (id: number) => ({ jobId: id, token: `t${id}` });
const handlers = { onProgress: () => {}, onCheckpoint: () => {} };

describe('in-process executor', () => {
  it('a stop before the task reads its signal still reaches it: the signal it reads is already aborted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let seen: boolean | null = null;
    const exec = createInProcessExecutor({
      work: async (ctx) => {
        await gate;
        seen = ctx.signal.aborted;
        return 'finished anyway';
      },
    });
    const outcome = exec.run(job(1), lease(1), handlers);
    exec.stop(1, 'cancel');
    release();
    expect(await outcome).toEqual({ type: 'stopped' });
    expect(seen).toBe(true);
  });

  it('a stop after the task read its signal aborts it with the reason; untouched runs complete', async () => {
    const exec = createInProcessExecutor({
      work: (ctx) =>
        new Promise((resolve, reject) => {
          if (ctx.job.id === 2) return resolve('done');
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
        }),
    });
    const stopped = exec.run(job(1), lease(1), handlers);
    expect(await exec.run(job(2), lease(2), handlers)).toEqual({ type: 'done', result: 'done' });
    expect(exec.isAlive(1)).toBe(true);
    exec.stop(1, 'pause');
    expect(await stopped).toEqual({ type: 'stopped' });
    expect(exec.isAlive(1)).toBe(false);
  });
});
