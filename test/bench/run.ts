// `npm run bench -- <name> [...] [--rows N] [--smoke]`: runs benchmarks and prints one JSON object per benchmark on
// stdout, then exits by itself. Exit codes: 0 all printed; 1 a bench failed; 2 usage; 3 a bench can never finish (its
// promise is pending and nothing is left to settle it); 4 the results are printed but a bench left something open.
import { parseArgs } from 'node:util';
import { benches } from './registry.ts';

/** How long the process may stay up after its last result before the handles keeping it are reported as a leak. */
const LEAK_GRACE_MS = Number(process.env.PALLET_BENCH_LEAK_GRACE_MS) || 10_000;

const { values, positionals: names } = parseArgs({
  allowPositionals: true,
  options: { rows: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const rows = values.rows === undefined ? undefined : Number(values.rows);
if (rows !== undefined && !(Number.isInteger(rows) && rows > 0)) {
  process.stderr.write(`--rows takes a positive whole number (got "${values.rows}").\n`);
  process.exit(2);
}

const unknown = names.filter((n) => !Object.hasOwn(benches, n));
if (names.length === 0 || unknown.length) {
  const counts = Object.entries(benches).flatMap(([n, b]) => (b.rows ? [`${b.rows} for ${n}`] : []));
  process.stderr.write(
    `Usage: npm run bench -- <${Object.keys(benches).join('|')}> ... [--rows N (${counts.join('; ')})] [--smoke (tiny sizes: proves each bench runs, measures nothing)]` +
      `${unknown.length ? `\nUnknown: ${unknown.join(', ')}` : ''}\n`,
  );
  process.exit(2);
}

let current: string | null = null;

// The loop emptied while a bench still awaits: nothing is left that could settle it (every handle that might have was
// closed or unreferenced). Node would end with a bare exit 13 and no result; say which bench and what is left.
process.on('beforeExit', () => {
  if (current === null) return;
  process.stderr.write(
    `bench "${current}" can never finish: it still awaits, but nothing keeps the event loop alive to settle it ` +
      `(active: ${JSON.stringify(process.getActiveResourcesInfo())}). Some handle it waits on was unreferenced or closed too early.\n`,
  );
  process.exit(3);
});

async function main(): Promise<void> {
  for (const name of names) {
    current = name;
    const result = await benches[name]!.run({
      rows,
      smoke: values.smoke,
      log: (l) => process.stderr.write(`[${name}] ${l}\n`),
    });
    process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
    current = null;
  }
  // Every result is out and the process should end by itself now. If something a bench started is still open (a
  // thread, a child, a server), report it instead of hanging until an outside timeout kills the run. Unreferenced,
  // so this timer alone never delays a clean exit.
  setTimeout(() => {
    process.stderr.write(
      `still running ${LEAK_GRACE_MS / 1000} s after the last result; left open: ${JSON.stringify(process.getActiveResourcesInfo())}. A bench did not close what it started.\n`,
    );
    process.exit(4);
  }, LEAK_GRACE_MS).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench "${current}" failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  current = null;
  // Open handles of a failed bench must not keep a failed run alive.
  process.exit(1);
});
