import { parseArgs } from 'node:util';
import { defaultDbPath } from '../app/paths.ts';
import { MAX_HEADER_ROW } from '../imports/plan.ts';
import { openDatabase } from '../db/open.ts';
import { JOB_STATUSES, type Job, type JobStatus } from '../queue/types.ts';
import { createQueue } from '../queue/queue.ts';
import { JobNotFoundError, JobStateError } from '../queue/errors.ts';
import { DatabaseTooNewError } from '../db/migrate.ts';
import { DatabaseDamagedError } from '../db/health.ts';
import { damagedAdvice, dbCommand, guardForCli } from './db-commands.ts';
import { runQueueBench } from '../bench/queue-bench.ts';
import { ownerDied, ownerPid } from '../queue/orphans.ts';
import { workCommand } from './work-command.ts';
import { decideCommand } from './decide-command.ts';
import { productCommand } from './product-command.ts';
import { analyzeCommand, exportCommand } from './analysis-commands.ts';
import { imageDupesCommand, imagesCommand, imagesStatusCommand } from './image-commands.ts';
import { catalogImportCommand, lookupCommand, lookupStatusCommand } from './lookup-commands.ts';
import {
  importCommand,
  importsCommand,
  parseMapOptions,
  previewCommand,
  templateCommand,
  undoImportCommand,
  UsageError,
} from './import-commands.ts';
import { diffCommand, pinCommand, suppliersCommand } from './supplier-commands.ts';
import { exportImportCommand } from './export-import-command.ts';
import { cleanSupplierName, SupplierNameError } from '../suppliers/store.ts';

export const USAGE = `Usage: pallet [--db PATH] <command> [options]

Commands:
  jobs [--status S] [--json]   list jobs, newest first (S: ${JOB_STATUSES.join(', ')}); marks jobs whose process died
  work [--until-idle]          run every runnable job of every kind (queued, recovered after a crash, retries due
                               soon, and the follow-ups they queue: lookup → pricing/decide) until none is left, with
                               progress; Ctrl-C stops, running jobs keep their checkpoint (--until-idle: the same, named)
  job ID [--json]              show one job
  cancel ID                    cancel a job (a running job stops and keeps its checkpoint)
  retry ID                     put a failed or cancelled job back in the queue
  pause [ID]                   pause one job, or the whole queue
  resume [ID]                  resume one job, or the whole queue
  import FILE [options]        import a supplier CSV into the catalog (through a worker, like the app)
      --map HEADER=FIELD       map a column (repeatable; FIELD may be "ignore")
      --decimal , | .          the file's decimal separator (default: detected)
      --remember               save this mapping for files with the same headers
      --preview                show encoding, delimiter, mapping and first rows; import nothing
      --supplier NAME          whose price list this is (default: remembered with the mapping, else from the file name)
      --header-row N           the line that holds the column names (default: found; lines above it are skipped)
      --sheet NAME             an .xlsx workbook's sheet to import (default: the first that holds a table)
  imports [--json]             recent imports and their counts
  undo-import ID               remove what an import created, restore what it changed
  export-import ID --out FILE  the import's rows in the file's own order and columns, then Pallet's (ASIN, Buy Box,
      --format csv|xlsx        fees, profit, ROI, rank, sales, verdict, reasons); format from FILE's extension by
                               default; the imported file is read again and must be unchanged
  suppliers [--json]           suppliers with their imports and how many products each offers
  diff IMPORT_A IMPORT_B [--json]   what changed between two price lists: added, dropped, cost up and down
  supplier pin PRODUCT NAME    the product's cost follows that supplier's offer (default: the lowest current offer)
  supplier unpin PRODUCT       the product's cost follows the lowest current offer again
  template OUT.csv             write an empty supplier file with every known column
  analyze --all | --ids 1,2,3  fees, profit, ROI and sales estimates (through a worker)
      --min-roi R --min-profit P --max-rank N   targets for the verdict (R as 0.3 or 30%)
  lookup [--provider P] [--pending|--all|--ids 1,2]   barcodes → ASINs (P: auto, spapi, catalog; default auto)
  lookup --status              counts per lookup status and percent complete
  decide --all | --ids 1,2,3 | --import ID   the whole chain per product (ASIN, prices, restrictions, pack, offers for
                               the funnel's candidates, FBA eligibility) → buy, check or skip with its reasons
  product ID [--json]          everything known about one product and why: analysis, candidates, offers, restrictions,
                               verdict reasons, cost history by supplier
  catalog import FILE          barcode → ASIN pairs (Keepa export, inventory report…) into the local reference catalog
  images [--import ID] [--retry-failed]   download product images, make thumbnails and perceptual hashes
  images --status              image sources per status, what is stored, the commonest failures
  image-dupes [--dismiss A,B]  products without a barcode whose images and names match (never merged silently)
  export products OUT.csv      products with their analysis, as a spreadsheet-safe CSV
      --filter EXPR            e.g. roi>=0.3, profit>2, rank<=50000 (repeatable, all must hold)
  bench queue [--json]         measure the queue on a temporary database
  db check                     the full integrity check of the database (every command runs a quick one first)
  db backup                    back the database up now, into backups/ beside it
  db restore [--backup FILE]   put the latest backup (or FILE) in place, the current file kept aside (close Pallet
                               first)
  db reset                     keep the (damaged) database aside as <name>.damaged-<time> and start with an empty one

Options:
  --db PATH                    database file (default: the app's data folder)
  --json                       machine-readable output
  -h, --help                   this help`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** `--supplier NAME`, checked as the import checks it. */
function supplierOption(name: string): string {
  try {
    return cleanSupplierName(name);
  } catch (err) {
    if (err instanceof SupplierNameError) throw new UsageError(`--supplier: ${err.message}`);
    throw err;
  }
}

/** `--header-row N`: a line number from 1 to MAX_HEADER_ROW. */
function headerRowOption(text: string): number {
  if (!/^\d{1,4}$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_HEADER_ROW)
    throw new UsageError(
      `--header-row is the number of the line that holds the column names, from 1 to ${MAX_HEADER_ROW} (got "${text}").`,
    );
  return Number(text);
}

function parseId(text: string | undefined): number {
  if (text === undefined) throw new UsageError('This command needs an ID.');
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1)
    throw new UsageError(`"${text}" is not an ID (a positive whole number).`);
  return Number(text);
}

/** Why a job is not moving, when the queue can tell: its process died, or it waits to be resumed by an engine. */
function jobHint(j: Job): string | null {
  if (ownerDied(j)) {
    const pid = ownerPid(j.leaseOwner);
    return `owner died${pid ? ` (pid ${pid})` : ''}: run pallet work to resume it`;
  }
  // Queued again after it had started (recovered, yielded at a quit, retried): it resumes from its checkpoint.
  if (j.status === 'queued' && j.startedAt !== null) return 'interrupted, resumes from its checkpoint: run pallet work';
  return null;
}

function formatJob(j: Job): string {
  const p = j.progress;
  const progress = p ? ` ${p.done}${p.total !== null ? `/${p.total}` : ''}${p.note ? ` ${p.note}` : ''}` : '';
  const err = j.error ? ` — ${j.error.code}: ${j.error.message}` : '';
  const hint = jobHint(j);
  return `#${j.id}\t${j.kind}\t${j.status}\tattempts ${j.attempts}/${j.maxAttempts}${progress}${err}${hint ? ` [${hint}]` : ''}`;
}

/** Runs the `pallet` command line; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  // `lookup --status` is a flag while `jobs --status S` takes a value: give the lookup one its own name.
  const args =
    argv.includes('lookup') || argv.includes('images')
      ? argv.map((a) => (a === '--status' ? '--lookup-status' : a))
      : argv;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: 'string' },
        status: { type: 'string' },
        map: { type: 'string', multiple: true },
        decimal: { type: 'string' },
        remember: { type: 'boolean', default: false },
        supplier: { type: 'string' },
        'header-row': { type: 'string' },
        sheet: { type: 'string' },
        preview: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        ids: { type: 'string' },
        'min-roi': { type: 'string' },
        'min-profit': { type: 'string' },
        'max-rank': { type: 'string' },
        filter: { type: 'string', multiple: true },
        provider: { type: 'string' },
        pending: { type: 'boolean', default: false },
        'lookup-status': { type: 'boolean', default: false },
        import: { type: 'string' },
        'retry-failed': { type: 'boolean', default: false },
        'until-idle': { type: 'boolean', default: false },
        dismiss: { type: 'string' },
        backup: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.err(`pallet: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const print = (data: unknown, text: string) => io.out(values.json ? JSON.stringify(data, null, 2) : text);

  try {
    if (command === 'bench') {
      if (rest[0] !== 'queue' || rest.length !== 1) throw new UsageError('Usage: pallet bench queue [--json]');
      const result = await runQueueBench({ log: values.json ? () => {} : io.err });
      print(
        result,
        Object.entries(result)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      );
      return 0;
    }
    // Which commands each option belongs to.
    const scope: Partial<Record<keyof typeof values, readonly string[]>> = {
      map: ['import'],
      decimal: ['import'],
      remember: ['import'],
      supplier: ['import'],
      'header-row': ['import'],
      sheet: ['import'],
      preview: ['import'],
      all: ['analyze', 'lookup', 'decide'],
      ids: ['analyze', 'lookup', 'decide'],
      'min-roi': ['analyze'],
      'min-profit': ['analyze'],
      'max-rank': ['analyze'],
      provider: ['lookup'],
      pending: ['lookup'],
      'lookup-status': ['lookup', 'images'],
      filter: ['export'],
      import: ['images', 'decide'],
      'until-idle': ['work'],
      'retry-failed': ['images'],
      dismiss: ['image-dupes'],
      backup: ['db'],
      out: ['export-import'],
      format: ['export-import'],
    };
    for (const [key, commands] of Object.entries(scope) as [keyof typeof values, readonly string[]][]) {
      const v = values[key];
      if (v !== undefined && v !== false && !commands.includes(command)) {
        throw new UsageError(
          `--${key === 'lookup-status' ? 'status' : String(key)} only applies to ${commands.map((c) => `"${c}"`).join(' and ')}.`,
        );
      }
    }
    const o = { json: values.json, out: io.out, err: io.err };
    const dbPath = values.db ?? defaultDbPath();
    if (command === 'db') {
      if (rest.length > 1) throw new UsageError(`Too many arguments for "db": ${rest.join(' ')}`);
      return await dbCommand(dbPath, rest[0], { backup: values.backup, dbFlag: values.db }, o);
    }
    // Before any command opens the file: a damaged one is reported with the way out, never recreated.
    if (command !== 'template') await guardForCli(dbPath);
    const one = (what: string) => {
      if (rest.length !== 1)
        throw new UsageError(
          rest.length ? `Too many arguments for "${command}": ${rest.join(' ')}` : `"${command}" needs ${what}.`,
        );
      // An empty argument ("" from a script's unset variable) would reach the file system as a nameless path.
      if (rest[0]!.trim() === '') throw new UsageError(`"${command}" needs ${what}, not an empty argument.`);
      return rest[0]!;
    };
    switch (command) {
      case 'import': {
        const file = one('a CSV file');
        if (values.decimal !== undefined && values.decimal !== ',' && values.decimal !== '.')
          throw new UsageError('--decimal is "," or ".".');
        const mapping = parseMapOptions(values.map ?? []);
        const decimal = values.decimal as '.' | ',' | undefined;
        const supplier = values.supplier === undefined ? undefined : supplierOption(values.supplier);
        const headerRow = values['header-row'] === undefined ? undefined : headerRowOption(values['header-row']);
        if (values.sheet !== undefined && values.sheet.trim() === '')
          throw new UsageError('--sheet takes a sheet name.');
        const sheet = values.sheet;
        return values.preview
          ? await previewCommand(dbPath, file, { mapping, decimal, supplier, headerRow, sheet }, o)
          : await importCommand(
              dbPath,
              file,
              { mapping, decimal, remember: values.remember, supplier, headerRow, sheet },
              o,
            );
      }
      case 'imports':
        if (rest.length) throw new UsageError(`Too many arguments for "imports": ${rest.join(' ')}`);
        return importsCommand(dbPath, o);
      case 'suppliers':
        if (rest.length) throw new UsageError(`Too many arguments for "suppliers": ${rest.join(' ')}`);
        return suppliersCommand(dbPath, o);
      case 'diff':
        if (rest.length !== 2) throw new UsageError('Usage: pallet diff IMPORT_A IMPORT_B [--json]');
        return diffCommand(dbPath, parseId(rest[0]), parseId(rest[1]), o);
      case 'supplier':
        if (rest[0] === 'pin' && rest.length === 3) return pinCommand(dbPath, parseId(rest[1]), rest[2]!, o);
        if (rest[0] === 'unpin' && rest.length === 2) return pinCommand(dbPath, parseId(rest[1]), null, o);
        throw new UsageError('Usage: pallet supplier pin PRODUCT NAME | pallet supplier unpin PRODUCT');
      case 'undo-import':
        return await undoImportCommand(dbPath, parseId(one('an import ID')), o);
      case 'export-import':
        return await exportImportCommand(
          dbPath,
          parseId(one('an import ID')),
          { out: values.out, format: values.format },
          o,
        );
      case 'template':
        return await templateCommand(one('an output file name'), o);
      case 'lookup':
        if (rest.length) throw new UsageError(`Too many arguments for "lookup": ${rest.join(' ')}`);
        if (values['lookup-status']) return lookupStatusCommand(dbPath, o);
        return await lookupCommand(
          dbPath,
          { provider: values.provider, pending: values.pending, all: values.all, ids: values.ids },
          o,
        );
      case 'catalog':
        if (rest[0] !== 'import' || rest.length !== 2) throw new UsageError('Usage: pallet catalog import FILE');
        return await catalogImportCommand(dbPath, rest[1]!, o);
      case 'images':
        if (rest.length) throw new UsageError(`Too many arguments for "images": ${rest.join(' ')}`);
        if (values['lookup-status']) return imagesStatusCommand(dbPath, o);
        return await imagesCommand(dbPath, { importId: values.import, retryFailed: values['retry-failed'] }, o);
      case 'image-dupes':
        if (rest.length) throw new UsageError(`Too many arguments for "image-dupes": ${rest.join(' ')}`);
        return imageDupesCommand(dbPath, values.dismiss, o);
      case 'analyze':
        if (rest.length) throw new UsageError(`Too many arguments for "analyze": ${rest.join(' ')}`);
        return await analyzeCommand(
          dbPath,
          {
            all: values.all,
            ids: values.ids,
            minRoi: values['min-roi'],
            minProfit: values['min-profit'],
            maxRank: values['max-rank'],
          },
          o,
        );
      case 'work':
        if (rest.length) throw new UsageError(`Too many arguments for "work": ${rest.join(' ')}`);
        return await workCommand(dbPath, o);
      case 'decide':
        if (rest.length) throw new UsageError(`Too many arguments for "decide": ${rest.join(' ')}`);
        return await decideCommand(dbPath, { all: values.all, ids: values.ids, importId: values.import }, o);
      case 'product':
        return productCommand(dbPath, parseId(one('a product ID')), o);
      case 'export':
        if (rest.length !== 2) throw new UsageError('Usage: pallet export products OUT.csv [--filter EXPR ...]');
        return await exportCommand(dbPath, rest[0]!, rest[1]!, values.filter ?? [], o);
    }
    const known = ['jobs', 'job', 'cancel', 'retry', 'pause', 'resume'];
    if (!known.includes(command)) throw new UsageError(`Unknown command "${command}".`);
    const maxArgs = command === 'jobs' ? 0 : 1;
    if (rest.length > maxArgs) throw new UsageError(`Too many arguments for "${command}": ${rest.join(' ')}`);
    if (
      values.status !== undefined &&
      (command !== 'jobs' || !(JOB_STATUSES as readonly string[]).includes(values.status))
    ) {
      throw new UsageError(
        command !== 'jobs' ? '--status only applies to "jobs".' : `Unknown status "${values.status}".`,
      );
    }

    const db = openDatabase(dbPath);
    try {
      const queue = createQueue({ db });
      switch (command) {
        case 'jobs': {
          const jobs = queue.list(values.status ? { status: values.status as JobStatus } : {});
          print(
            jobs.map((j) => ({ ...j, ownerDied: ownerDied(j) })),
            jobs.length ? jobs.map(formatJob).join('\n') : 'No jobs.',
          );
          return 0;
        }
        case 'job': {
          const job = queue.get(parseId(rest[0]));
          print(
            job,
            `${formatJob(job)}\n${JSON.stringify({ payload: job.payload, checkpoint: job.checkpoint, result: job.result }, null, 2)}`,
          );
          return 0;
        }
        case 'cancel': {
          const job = queue.cancel(parseId(rest[0]));
          print(
            job,
            job.status === 'cancelled'
              ? `Cancelled job ${job.id}.`
              : `Asked job ${job.id} to stop; it will end cancelled.`,
          );
          return 0;
        }
        case 'retry': {
          const job = queue.retry(parseId(rest[0]));
          print(job, `Job ${job.id} is queued again.`);
          return 0;
        }
        case 'pause':
        case 'resume': {
          if (rest[0] === undefined) {
            if (command === 'pause') queue.pauseAll();
            else queue.resumeAll();
            print({ paused: queue.isPaused() }, command === 'pause' ? 'Queue paused.' : 'Queue resumed.');
            return 0;
          }
          const job = command === 'pause' ? queue.pause(parseId(rest[0])) : queue.resume(parseId(rest[0]));
          print(job, `Job ${job.id} is ${job.pauseRequested ? 'pausing' : job.status}.`);
          return 0;
        }
      }
      return 2;
    } finally {
      db.close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`pallet: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof DatabaseDamagedError) {
      io.err(`pallet: ${damagedAdvice(err, values.db)}`);
      return 1;
    }
    if (err instanceof JobNotFoundError || err instanceof JobStateError || err instanceof DatabaseTooNewError) {
      io.err(`pallet: ${err.message}`);
      return 1;
    }
    io.err(`pallet: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
