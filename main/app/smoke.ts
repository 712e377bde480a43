import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINISHED_STATUSES } from '../queue/types.ts';
import type { ProcessLauncher } from '../workers/launcher.ts';
import { createEngine, type EngineOptions } from './engine.ts';

/** What a smoke start prints: one JSON line a workflow can read. */
export interface SmokeReport {
  ok: boolean;
  /** How the import job ended. */
  status: string;
  rows: number;
  created: number;
  rejected: number;
  products: number;
  /** The worker processes that ran it (their pids), to show real workers did the work. */
  worker_pids: number[];
  elapsed_ms: number;
  error?: string;
}

export interface SmokeOptions {
  launcher: ProcessLauncher;
  /** The shipped sample supplier file. */
  samplePath: string;
  /** Where the temporary data folder goes (default: the OS temp folder); it is removed afterwards. */
  tmpRoot?: string;
  timeoutMs?: number;
  engine?: Partial<EngineOptions>;
}

/**
 * Starts the engine on a fresh data folder, imports the sample file through real workers and reports the counts:
 * `electron . --smoke` in a release workflow proves the packaged pieces (native module, worker bundle, utility
 * processes) work together on that OS without a person at the window.
 */
export async function runSmoke(o: SmokeOptions): Promise<SmokeReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(o.tmpRoot ?? tmpdir(), 'pallet-smoke-'));
  const report: SmokeReport = {
    ok: false,
    status: 'not started',
    rows: 0,
    created: 0,
    rejected: 0,
    products: 0,
    worker_pids: [],
    elapsed_ms: 0,
  };
  let engine: Awaited<ReturnType<typeof createEngine>> | null = null;
  try {
    engine = await createEngine({
      workers: 1,
      ...o.engine,
      dbPath: join(dir, 'pallet.db'),
      launcher: o.launcher,
      kinds: ['import'],
    });
    const job = engine.queue.enqueue({ kind: 'import', payload: { path: o.samplePath } });
    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    let now = engine.queue.get(job.id);
    while (!FINISHED_STATUSES.includes(now.status)) {
      if (Date.now() > deadline)
        throw new Error(`the sample import did not finish within ${o.timeoutMs ?? 60_000} ms (status ${now.status})`);
      await new Promise((r) => setTimeout(r, 50));
      now = engine.queue.get(job.id);
    }
    const result = (now.result ?? {}) as { rows?: number; created?: number; rejected?: number };
    report.status = now.status;
    report.rows = result.rows ?? 0;
    report.created = result.created ?? 0;
    report.rejected = result.rejected ?? 0;
    report.products = (engine.db.prepare('SELECT COUNT(*) AS n FROM products').get() as { n: number }).n;
    report.worker_pids = engine.workers.map((w) => w.pid).filter((p): p is number => typeof p === 'number');
    report.ok = now.status === 'completed' && report.products > 0;
    if (now.status !== 'completed') report.error = now.error?.message ?? `the import ended ${now.status}`;
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
  } finally {
    await engine?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    report.elapsed_ms = Date.now() - started;
  }
  return report;
}
