import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSmoke } from '../../../main/app/smoke.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const SAMPLE = fileURLToPath(new URL('../../../resources/sample/supplier-sample.csv', import.meta.url));

describe('runSmoke (what `electron . --smoke` runs)', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => void (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());

  it('imports the shipped sample through a real worker process, reports the counts and leaves no data folder', async () => {
    const report = await runSmoke({ launcher: createNodeLauncher(), samplePath: SAMPLE, tmpRoot: tmp.dir });
    expect(report).toMatchObject({ ok: true, status: 'completed', rows: 30 });
    expect(report.products).toBeGreaterThan(20);
    expect(report.created).toBe(report.products);
    expect(report.worker_pids).toHaveLength(1);
    expect(report.worker_pids[0]).not.toBe(process.pid);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('pallet-smoke-'))).toEqual([]);
  });

  it('says why when the sample cannot be imported, and is not ok', async () => {
    const report = await runSmoke({
      launcher: createNodeLauncher(),
      samplePath: `${tmp.dir}/missing.csv`,
      tmpRoot: tmp.dir,
      engine: { queue: { backoff: { baseMs: 10, maxMs: 20 } } },
    });
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/missing\.csv|not found|no such file/i);
  });
});
