// `npm run bench -- fuzz`: the property tests' targets (test/support/fuzz) with many more cases — IPC inputs through
// the real router over a real database, the worker protocol both ways, CLI argv, settings files, SP-API answers from a
// server on 127.0.0.1 — counting crashes (a throw, a hang, a malformed message let through, saved data changed) and
// unclear error messages (the rule is test/support/fuzz/clear-message.ts). Both must be 0.
import { cliTarget } from '../support/fuzz/cli-target.ts';
import { ipcTarget } from '../support/fuzz/ipc-target.ts';
import { protocolTarget } from '../support/fuzz/protocol-target.ts';
import { settingsTarget } from '../support/fuzz/settings-target.ts';
import { spApiTarget } from '../support/fuzz/spapi-target.ts';
import { tallyTarget, type FuzzTarget } from '../support/fuzz/target.ts';
import type { BenchResult } from './registry.ts';

export interface FuzzBenchOptions {
  log: (line: string) => void;
  /** Cases per target (SP-API gets a twentieth: each case is a real HTTP exchange, some waiting out a timeout). */
  cases?: number;
  seed?: number;
}

/** Runs every fuzz target and sums the verdicts. */
export async function runFuzzBench(o: FuzzBenchOptions): Promise<BenchResult> {
  const perTarget = o.cases ?? 20_000;
  // PALLET_FUZZ_SEED replays a run (its seed is printed).
  const seed = o.seed ?? (Number(process.env.PALLET_FUZZ_SEED) || Date.now() % 2 ** 31);
  const plan: [FuzzTarget<never>, number][] = [
    [ipcTarget as FuzzTarget<never>, perTarget],
    [protocolTarget as FuzzTarget<never>, perTarget * 5],
    [cliTarget as FuzzTarget<never>, perTarget],
    [settingsTarget as FuzzTarget<never>, perTarget],
    [spApiTarget as FuzzTarget<never>, Math.max(10, Math.round(perTarget / 20))],
  ];
  const total = { cases: 0, skipped: 0, crashes: 0, unclear: 0 };
  const started = performance.now();
  for (const [target, runs] of plan) {
    const t0 = performance.now();
    const t = await tallyTarget(target, runs, seed);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const counts = `${t.crashes} crashes, ${t.unclear} unclear`;
    o.log(`${target.name}: ${t.cases} cases (${t.skipped} valid, skipped), ${counts}, ${seconds} s`);
    for (const e of t.examples) o.log(`  ${e}`);
    total.cases += t.cases;
    total.skipped += t.skipped;
    total.crashes += t.crashes;
    total.unclear += t.unclear;
  }
  return {
    bench: 'fuzz',
    cases: total.cases,
    skipped_valid_inputs: total.skipped,
    crashes: total.crashes,
    unclear_errors: total.unclear,
    seed,
    fuzz_seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
