import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { tsxLoader } from '../../../main/workers/entry-path.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const run = promisify(execFile);
const claimer = fileURLToPath(new URL('../../support/claimer.ts', import.meta.url));

describe('two processes on one database', () => {
  const tmp = tempDbPath();
  afterEach(() => tmp.cleanup());

  it('never claim the same job twice, and together complete every job once', async () => {
    const db = openDatabase(tmp.path);
    const queue = createQueue<AnyKinds>({ db });
    const ids = queue.enqueueMany(Array.from({ length: 3000 }, (_, i) => ({ kind: 'work', payload: i })));
    const procs = ['1', '3', '1'].map((batch) =>
      run(process.execPath, ['--import', tsxLoader(), claimer, tmp.path, batch], { maxBuffer: 1 << 24 }),
    );
    const claimed = (await Promise.all(procs)).map((r) => JSON.parse(r.stdout) as number[]);
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort((a, b) => a - b)).toEqual(ids);
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThanOrEqual(2); // they really competed
    expect(queue.counts().completed).toBe(3000);
    db.close();
  });
});
