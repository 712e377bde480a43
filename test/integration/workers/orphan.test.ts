import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { tsxLoader } from '../../../main/workers/entry-path.ts';
import { alive, childrenOf } from '../../support/proc.ts';

// Reads /proc: the orphan this guards against was seen on Linux, and the kernel is what tells who is whose child.
const linux = process.platform === 'linux';
const BIN = fileURLToPath(new URL('../../../main/cli/bin.ts', import.meta.url));
// PALLET_ORPHAN_CLI=path/to/pallet.js runs a built CLI (and so the bundled worker) instead of the source.
const BUILT = process.env.PALLET_ORPHAN_CLI;
const WATCHER = fileURLToPath(new URL('../../support/parent-watch-child.ts', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `pallet import` CLI from source, as a user runs it (`npm run pallet`), with its output collected. */
function startImport(file: string, db: string): { owner: ChildProcess; out: () => string } {
  const cli = BUILT ? [BUILT] : ['--import', tsxLoader(), BIN];
  const owner = spawn(process.execPath, [...cli, 'import', file, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  owner.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  owner.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { owner, out: () => out };
}

describe.runIf(linux)('a worker whose owner dies', () => {
  let dir: string;
  let file: string;
  const strays: number[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-orphan-'));
    file = join(dir, 'big.csv');
    await writeSupplierFile(file, 300_000, 'random');
  });
  afterAll(() => {
    // A survivor is a failure above; it must not outlive the test run either.
    for (const pid of strays) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // Moments after the owner forked its worker: while the worker loads its modules (the orphan window), then once
  // the import runs (the worker is ready and heartbeating).
  const moments: (number | 'running')[] = [0, 25, 50, 100, 150, 225, 300, 450, 600, 900, 'running'];

  it(
    `exits within 2 s when the owner is SIGKILLed at each moment of its start-up (${moments.join(', ')} ms after the fork)`,
    { timeout: 180_000 },
    async () => {
      const survivors: string[] = [];
      let killedWithWorker = 0;
      for (const [i, moment] of moments.entries()) {
        const { owner, out } = startImport(file, join(dir, `pallet-${i}.db`));
        const ownerPid = owner.pid!;
        const seen = new Set<number>();
        const watch = () => childrenOf(ownerPid).forEach((p) => seen.add(p));
        // Wait for the fork, watching the owner's children closely.
        const end = Date.now() + 30_000;
        while (seen.size === 0 && Date.now() < end && owner.exitCode === null) {
          watch();
          await sleep(2);
        }
        expect(seen.size, `the CLI forked a worker (output: ${out()})`).toBeGreaterThan(0);
        if (moment === 'running') {
          // The import is under way once the CLI prints its progress; otherwise allow for a slow start-up.
          const until = Date.now() + 10_000;
          while (!/\d+%|rows/i.test(out()) && Date.now() < until) await sleep(20);
          await sleep(300);
        } else {
          const until = Date.now() + moment;
          while (Date.now() < until) {
            watch();
            await sleep(2);
          }
        }
        watch();
        expect(owner.exitCode, `the import was still running when killed at ${moment}`).toBeNull();
        owner.kill('SIGKILL');
        killedWithWorker++;
        const workers = [...seen];
        strays.push(...workers);
        const deadline = Date.now() + 2_000;
        while (workers.some(alive) && Date.now() < deadline) await sleep(20);
        for (const pid of workers.filter(alive)) survivors.push(`${pid} (killed at ${moment})`);
      }
      console.log(
        `orphan test: ${killedWithWorker} owner kills, ${survivors.length} worker(s) alive 2 s later${survivors.length ? `: ${survivors.join(', ')}` : ''}`,
      );
      expect(survivors).toEqual([]);
    },
  );

  // Electron gives a utility process no IPC channel and no event when its parent dies: the watch polls the parent's
  // pid. Node cannot start a utility process, so a plain child watching that way stands in for one.
  it(
    'exits within 2 s in the way a utility process watches (polling its parent), while an unwatched child stays',
    { timeout: 60_000 },
    async () => {
      const result: Record<string, boolean> = {};
      for (const mode of ['watch', 'none']) {
        // An owner that starts the child and then waits: the child prints its pid once its watch is set.
        const script = `require('node:child_process').spawn(process.execPath, ['--import', ${JSON.stringify(tsxLoader())}, ${JSON.stringify(WATCHER)}, '${mode}'], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000);`;
        const owner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        owner.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        const end = Date.now() + 20_000;
        while (!/watching (\d+)/.test(out) && Date.now() < end) await sleep(10);
        const pid = Number(/watching (\d+)/.exec(out)?.[1]);
        expect(pid, 'the child started').toBeGreaterThan(0);
        strays.push(pid);
        owner.kill('SIGKILL');
        const deadline = Date.now() + 2_000;
        while (alive(pid) && Date.now() < deadline) await sleep(20);
        result[mode] = alive(pid);
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      // The control shows an orphan would stay: only the watch ends it.
      expect(result).toEqual({ watch: false, none: true });
    },
  );
});
