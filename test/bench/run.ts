// `npm run bench -- <name> [...]`: runs benchmarks and prints one JSON object per benchmark on stdout.
import { runQueueBench } from '../../main/bench/queue-bench.ts';
import { parseArgs } from 'node:util';
import { runCrashBench } from './crash-bench.ts';
import { runImportBench } from './import-bench.ts';
import { runAnalysisBench } from './analysis-bench.ts';
import { runLookupBench } from './lookup-bench.ts';
import { runImagesBench } from './images-bench.ts';
import { runTableBench } from './table-bench.ts';

const { values, positionals: names } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' } } });
const rows = values.rows === undefined ? undefined : Number(values.rows);
if (rows !== undefined && !(Number.isInteger(rows) && rows > 0)) {
  process.stderr.write(`--rows takes a positive whole number (got "${values.rows}").\n`);
  process.exit(2);
}

const benches: Record<string, () => Promise<Record<string, number | string | null>>> = {
  queue: () => runQueueBench({ log: (l) => process.stderr.write(`[queue] ${l}\n`) }),
  crash: () => runCrashBench({ log: (l) => process.stderr.write(`[crash] ${l}\n`) }),
  import: () => runImportBench({ rows, log: (l) => process.stderr.write(`[import] ${l}\n`) }),
  analysis: () => runAnalysisBench({ rows, log: (l) => process.stderr.write(`[analysis] ${l}\n`) }),
  lookup: () => runLookupBench({ ids: rows, log: (l) => process.stderr.write(`[lookup] ${l}\n`) }),
  images: () => runImagesBench({ images: rows, log: (l) => process.stderr.write(`[images] ${l}\n`) }),
  table: () => runTableBench({ rows, log: (l) => process.stderr.write(`[table] ${l}\n`) }),
};

const unknown = names.filter((n) => !benches[n]);
if (names.length === 0 || unknown.length) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> ... [--rows N (import, analysis; identifiers for lookup; images for images; products for table)]${unknown.length ? `\nUnknown: ${unknown.join(', ')}` : ''}\n`);
  process.exit(2);
}
for (const name of names) {
  const result = await benches[name]!();
  process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
}
