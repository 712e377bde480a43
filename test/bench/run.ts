// `npm run bench -- <name> [...]`: runs benchmarks and prints one JSON object per benchmark on stdout.
import { runQueueBench } from '../../main/bench/queue-bench.ts';
import { runCrashBench } from './crash-bench.ts';

const benches: Record<string, () => Promise<Record<string, number>>> = {
  queue: () => runQueueBench({ log: (l) => process.stderr.write(`[queue] ${l}\n`) }),
  crash: () => runCrashBench({ log: (l) => process.stderr.write(`[crash] ${l}\n`) }),
};

const names = process.argv.slice(2);
const unknown = names.filter((n) => !benches[n]);
if (names.length === 0 || unknown.length) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> ...${unknown.length ? `\nUnknown: ${unknown.join(', ')}` : ''}\n`);
  process.exit(2);
}
for (const name of names) {
  const result = await benches[name]!();
  process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
}
