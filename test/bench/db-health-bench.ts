// The start-up check and the backups on a big database: how long quick_check, integrity_check and a backup take on N
// products, and how long main's event loop stalls while the app's check runs on its thread (it should not).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardDatabase } from '../../main/db/guard.ts';
import { checkIntegrity } from '../../main/db/health.ts';
import { runMaintenance } from '../../main/db/maintenance.ts';
import { openSqlite } from '../../main/db/native-binding.ts';
import { dbWithProducts } from '../support/damaged-db.ts';

/** Times `f` in milliseconds, with the longest gap between 1 ms ticks of this loop meanwhile. */
async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; stallMs: number; value: T }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  try {
    const value = await f();
    const ms = performance.now() - t0;
    stall = Math.max(stall, performance.now() - last);
    return { ms, stallMs: stall, value };
  } finally {
    clearInterval(tick);
  }
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** Builds a database of `rows` products and measures the checks and a backup. */
export async function runDbHealthBench(o: { rows?: number; log: (line: string) => void }) {
  const rows = o.rows ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'pallet-db-health-bench-'));
  const path = join(dir, 'pallet.db');
  try {
    o.log(`building ${rows} products…`);
    dbWithProducts(path, rows);
    const db = openSqlite(path, { readonly: true });
    const quick = await timed(() => checkIntegrity(db, 'quick'));
    const full = await timed(() => checkIntegrity(db, 'full'));
    db.close();
    // As the app runs it: the check on a thread while this loop keeps ticking.
    const guard = await timed(() => guardDatabase(path, { run: { on: 'thread', budgetMs: 60_000 }, backupsKept: 2 }));
    const backup = await timed(() => runMaintenance({ op: 'backup', dbPath: path, now: Date.now(), keep: 2 }));
    if (!quick.value.ok || !full.value.ok || guard.value.check !== 'ok')
      throw new Error('the checks failed on a healthy file');
    return {
      products: rows,
      db_mib: r1(statSync(path).size / 2 ** 20),
      quick_check_ms: r1(quick.ms),
      integrity_check_ms: r1(full.ms),
      app_start_check_ms: r1(guard.ms),
      app_start_check_loop_stall_ms: r1(guard.stallMs),
      backup_on_thread_ms: r1(backup.ms),
      backup_loop_stall_ms: r1(backup.stallMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
