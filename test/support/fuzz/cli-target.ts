// The `pallet` command line, in process: any argv ends with exit code 0, 1 or 2, never a throw; a refusal (2) or a
// failure (1) says what was wrong on its first line, in plain words, without a stack trace. The database given is a
// file that is not a database, so no command can change anything or start a worker; the working folder is a temp one,
// so a command that writes a file (template) writes it there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../../main/cli/run.ts';
import { JOB_STATUSES } from '../../../main/queue/types.ts';
import { crash, defineTarget, describe, OK, unclear } from './target.ts';
import { unclearReason } from './clear-message.ts';

// Every command but `bench queue` (a long benchmark): `bench` appears, `queue` never follows it.
const COMMANDS = [
  ...['jobs', 'work', 'job', 'cancel', 'retry', 'pause', 'resume', 'import', 'imports', 'undo-import', 'template'],
  ...['analyze', 'lookup', 'catalog', 'images', 'image-dupes', 'export', 'bench', 'products'],
  ...['decide', 'product', 'export-import', 'diff', 'suppliers'],
];
const FLAGS = [
  ...['--status', '--json', '--map', '--decimal', '--remember', '--preview', '--all', '--ids', '--min-roi'],
  ...['--min-profit', '--max-rank', '--filter', '--provider', '--pending', '--import', '--retry-failed', '--dismiss'],
  ...['--until-idle', '--out', '--format'],
  ...['-h', '--help', '--', '-', '-x', '--unknown', '--json=yes', '--status=', '--ids=1,2', '---', '-hh'],
];
const VALUES = [
  ...['1', '0', '-1', '1.5', '99999999999999999', '1e3', 'abc', '1,2', ',,', '1,,2', 'NaN', 'Infinity', ''],
  ...[...JOB_STATUSES, 'bogus', 'spapi', 'catalog', 'auto', ',', '.', ';', 'UPC=gtin', '=x', 'a=', 'a=bogus'],
  ...['roi>=0.3', 'profit>2', 'rank<=50000', 'roi>>1', 'x=1', 'out.csv', 'list.csv', '1,2,3', '30%', '-5%', 'A,B'],
  ...['__proto__', 'constructor', '__proto__=gtin', 'toString', ' ', '\n', 'é', '💥', 'x'.repeat(5000)],
];
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...COMMANDS) },
  { weight: 3, arbitrary: fc.constantFrom(...FLAGS) },
  { weight: 3, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
);
/** Any argv (without `--db`, which the target sets, and without NUL, which no OS passes in an argument). */
const argv = fc
  .array(token, { maxLength: 7 })
  .filter((a) => !a.some((t) => t.startsWith('--db') || t.includes('\0')) && !a.includes('queue'));

export const cliTarget = defineTarget<string[]>({
  name: 'cli',
  arbitrary: argv,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-cli-fuzz-'));
    const db = join(dir, 'not-a-database.db');
    writeFileSync(db, 'this is not a SQLite database, so nothing can be changed or run\n'.repeat(100));
    const cwd = process.cwd();
    process.chdir(dir);
    return {
      async check(args) {
        const out: string[] = [];
        const err: string[] = [];
        let code: number;
        try {
          code = await runCli(['--db', db, ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
        } catch (e) {
          return crash(`runCli threw on ${JSON.stringify(args)}: ${describe(e)}`);
        }
        const shown = JSON.stringify(args).slice(0, 200);
        if (![0, 1, 2].includes(code)) return crash(`exit code ${code} for ${shown}`);
        if (code === 0) return OK;
        const text = err.join('\n');
        const first = text.split('\n')[0] ?? '';
        if (/^\s+at .+:\d+:\d+\)?$/m.test(text)) return unclear(`a stack trace for ${shown}`);
        // No command at all: the usage alone is the answer.
        if (code === 2 && first.startsWith('Usage: pallet')) return OK;
        if (!first.startsWith('pallet: ')) return unclear(`first line "${first.slice(0, 100)}" for ${shown}`);
        // It names what was wrong: one of the arguments given (an unknown short option by its first letter), or the
        // database file when that is what failed.
        // One-character arguments count only when there is nothing longer (a lone "e" is in every sentence).
        // A short option group ("-hx") is named by the option it stumbled on ("-x").
        const shorts = (a: string) => (/^-[^-]/.test(a) ? [...a.slice(1)].map((c) => `-${c}`) : []);
        const given = args.flatMap((a) => [a.trim(), a.split('=')[0]!, ...shorts(a)]);
        const long = given.filter((n) => n.length >= 2);
        const why = unclearReason(first.slice('pallet: '.length), [
          db,
          ...(long.length ? long : given.filter((n) => n !== '')),
        ]);
        if (why) return unclear(`${why}: "${first.slice(0, 200)}" for ${shown}`);
        return OK;
      },
      async close() {
        process.chdir(cwd);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
