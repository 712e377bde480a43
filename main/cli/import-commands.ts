import { writeFile } from 'node:fs/promises';
import { writeErrorMessage } from '../files/write-errors.ts';
import type { EnqueueInput } from '../queue/kinds.ts';
import { toCsv } from '../files/csv-out.ts';
import { openDatabase } from '../db/open.ts';
import { FIELDS, FIELD_LABELS, type Field } from '../imports/fields.ts';
import type { MappingOverrides } from '../imports/mapping.ts';
import { planImport } from '../imports/plan.ts';
import { readReportSample, type ReportLine } from '../imports/report-sample.ts';
import { describeResume, findUnfinishedImport } from '../imports/resume.ts';
import { wakeJob } from '../queue/orphans.ts';
import { createImportStore } from '../imports/store.ts';
import type { ImportResult } from '../imports/task.ts';
import type { UndoResult } from '../imports/undo.ts';
import { printJob } from './print-job.ts';
import { runJobsToEnd, runJobToEnd } from './run-job.ts';

/** A bad command line, shown with the usage. */
export class UsageError extends Error {}

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** Parses `--map "UPC Code=gtin"` options into overrides. */
export function parseMapOptions(items: readonly string[]): MappingOverrides {
  const overrides: MappingOverrides = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`--map takes HEADER=FIELD (got "${item}").`);
    const field = item.slice(eq + 1).trim();
    if (field !== 'ignore' && !(FIELDS as readonly string[]).includes(field)) {
      throw new UsageError(`"${field}" is not a field. Fields: ${FIELDS.join(', ')}, or ignore.`);
    }
    overrides[item.slice(0, eq).trim()] = field as Field | 'ignore';
  }
  return overrides;
}

const fmtDelimiter = (d: string) => (d === '\t' ? 'tab' : d);
const SUPPLIER_SOURCE = {
  given: 'as given',
  remembered: 'remembered with the mapping',
  'file name': 'from the file name',
};

/** `pallet import FILE --preview`: what Pallet sees in the file, without importing. */
export async function previewCommand(
  dbPath: string,
  file: string,
  opts: { mapping: MappingOverrides; decimal?: '.' | ','; supplier?: string; headerRow?: number; sheet?: string },
  o: Out,
): Promise<number> {
  const db = openDatabase(dbPath);
  try {
    const plan = await planImport(
      file,
      {
        mapping: opts.mapping,
        decimal: opts.decimal,
        supplier: opts.supplier,
        headerRow: opts.headerRow,
        sheet: opts.sheet,
      },
      db,
      10,
    );
    const mapping = plan.previewMapping;
    const data = {
      file: plan.fileName,
      encoding: plan.sniffed.encoding,
      delimiter: plan.sniffed.delimiter,
      decimal: plan.decimal,
      headers: plan.headers,
      headerRow: plan.headerRow,
      headerReason: plan.headerReason,
      mapping,
      savedMappingUsed: plan.savedMappingUsed,
      warnings: plan.warnings,
      rows: plan.sampleRows,
      supplier: plan.supplier,
      supplierSource: plan.supplierSource,
    };
    if (o.json) o.out(JSON.stringify(data, null, 2));
    else {
      o.out(
        `${plan.fileName}: ${plan.sniffed.encoding}, delimiter ${fmtDelimiter(plan.sniffed.delimiter)}, decimal "${plan.decimal}"${plan.savedMappingUsed ? ', saved supplier mapping' : ''}`,
      );
      o.out(
        plan.supplier
          ? `Supplier: ${plan.supplier} (${SUPPLIER_SOURCE[plan.supplierSource!]}; change it with --supplier NAME)`
          : 'Supplier: none found (name one with --supplier NAME to keep its offers and compare its lists)',
      );
      o.out(`Header: row ${plan.headerRow}. ${plan.headerReason} (Another row: --header-row N.)`);
      o.out('Mapping:');
      for (const f of FIELDS) if (mapping[f]) o.out(`  ${f.padEnd(12)} ← ${mapping[f]}`);
      const unmapped = plan.headers.filter((h) => !Object.values(mapping).includes(h));
      if (unmapped.length) o.out(`  kept as attributes: ${unmapped.join(', ')}`);
      for (const w of plan.warnings) o.out(`Warning: ${w}`);
    }
    return 0;
  } finally {
    db.close();
  }
}

/** `pallet import FILE`: imports through a worker process, like the app does, and reports the counts. */
export async function importCommand(
  dbPath: string,
  file: string,
  opts: {
    mapping: MappingOverrides;
    decimal?: '.' | ',';
    remember: boolean;
    supplier?: string;
    headerRow?: number;
    sheet?: string;
  },
  o: Out,
): Promise<number> {
  const started = Date.now();
  let lastNote = 0;
  // The same file with an import still unfinished (a crash, a quit, a pause): resume that one, never start a second.
  const db = openDatabase(dbPath);
  const unfinished = await findUnfinishedImport(db, file).finally(() => db.close());
  const input: EnqueueInput<'import'> = {
    kind: 'import',
    payload: {
      path: file,
      mapping: opts.mapping,
      decimal: opts.decimal,
      rememberMapping: opts.remember,
      supplier: opts.supplier,
      headerRow: opts.headerRow,
      sheet: opts.sheet,
    },
    maxAttempts: 3,
  };
  const [job] = await runJobsToEnd(
    dbPath,
    {
      kinds: ['import'],
      workers: 1,
      start: (queue) => {
        if (!unfinished) return [queue.enqueue(input)];
        o.err(
          `${describeResume(unfinished)}; its own mapping and options apply (to start over: pallet cancel ${unfinished.job.id}, then import again).`,
        );
        return [wakeJob(queue, queue.get(unfinished.job.id))];
      },
    },
    {
      notify: o.err,
      onProgress: (p) => {
        if (o.json || Date.now() - lastNote < 1000) return;
        lastNote = Date.now();
        const pct = p.total ? ` ${Math.floor((p.done / p.total) * 100)}%` : '';
        o.err(`…${pct} ${p.note ?? ''}`);
      },
    },
  );
  if (!job) throw new Error('the import job vanished');
  const elapsedMs = Date.now() - started;
  const result = job.status === 'completed' ? (job.result as ImportResult | null) : null;
  const report = result?.errorReport ?? null;
  const sample = report ? await readReportSample(report, SAMPLE_LINES) : { rejected: [], warnings: [] };
  return printJob<ImportResult>(o, job, {
    failure: 'import failed',
    lines: (r) => [
      `Imported ${r.rows.toLocaleString('en-US')} rows from ${file} in ${(elapsedMs / 1000).toFixed(1)} s (import #${r.importId}): ` +
        `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${r.rejected} rejected, ${r.warnings ?? 0} with warnings.`,
      ...footerLine(r.footers ?? 0),
      ...sampleLines('Rows left out', sample.rejected, r.rejected + r.duplicates),
      ...sampleLines('Rows imported with warnings', sample.warnings, r.warnings ?? 0),
      ...(report ? [`Report of every row needing attention: ${report}`] : []),
      ...(r.supplier
        ? [
            `Supplier ${r.supplier.supplier}: ${r.supplier.offers} products offered` +
              (r.supplier.costsChanged ? `; ${r.supplier.costsChanged} costs now follow the best offer.` : '.'),
          ]
        : []),
    ],
    extra: {
      elapsedMs,
      ...(result ? { report, rejectedSample: sample.rejected, warningSample: sample.warnings } : {}),
    },
  });
}

/** How many rejected rows and warnings `pallet import` shows (the report has them all). */
const SAMPLE_LINES = 5;

/** A titled list of the first report lines of a kind: `row 12: Cost: "abc" not an amount`. */
function sampleLines(title: string, lines: readonly ReportLine[], total: number): string[] {
  if (lines.length === 0) return [];
  const shown = lines.length < total ? `first ${lines.length} of ${total.toLocaleString('en-US')}` : `${total}`;
  return [`${title} (${shown}):`, ...lines.map((l) => `  row ${l.row}: ${l.message}`)];
}

/** What the summary says of the rows below the data that were not products. */
const footerLine = (n: number): string[] =>
  n
    ? [`Skipped ${n} row${n === 1 ? '' : 's'} below the data that are not products (totals, notes, page numbers).`]
    : [];

/** `pallet undo-import ID`: removes what an import created and restores what it changed. */
export async function undoImportCommand(dbPath: string, importId: number, o: Out): Promise<number> {
  const db = openDatabase(dbPath);
  const exists = createImportStore(db).get(importId);
  db.close();
  if (!exists) {
    o.err(`pallet: there is no import #${importId}.`);
    return 1;
  }
  const job = await runJobToEnd(
    dbPath,
    { kind: 'import_undo', payload: { importId }, maxAttempts: 3 },
    { notify: o.err },
  );
  return printJob<UndoResult>(o, job, {
    failure: 'undo failed',
    lines: (r) => [
      `Undid import #${importId}: ${r.deleted} products removed, ${r.restored} restored${r.kept ? `, ${r.kept} left as a later import changed them` : ''}.`,
    ],
  });
}

/** `pallet imports`: recent imports with their counts. */
export function importsCommand(dbPath: string, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    const list = createImportStore(db).list(50);
    if (o.json) o.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) o.out('No imports.');
    else
      for (const i of list)
        o.out(
          `#${i.id}\t${i.status}\t${i.fileName}\t${i.counts ? `${i.counts.rows} rows, ${i.counts.created} created, ${i.counts.updated} updated, ${i.counts.rejected} rejected` : ''}`,
        );
    return 0;
  } finally {
    db.close();
  }
}

/** The template's header names: each one maps back to its field. */
export const TEMPLATE_HEADERS: Record<Exclude<Field, 'gtin_alt'>, string> = {
  gtin: 'UPC',
  sku: 'SKU',
  mpn: 'MPN',
  asin: 'ASIN',
  name: 'Name',
  brand: 'Brand',
  category: 'Category',
  cost: 'Cost',
  case_cost: 'Case Cost',
  pack_size: 'Case Pack',
  price: 'MSRP',
  currency: 'Currency',
  quantity: 'Quantity',
  image_url: 'Image URL',
  description: 'Description',
  weight: 'Weight (lb)',
  length: 'Length (in)',
  width: 'Width (in)',
  height: 'Height (in)',
};

/** `pallet template OUT.csv`: an empty supplier file with every column Pallet knows. */
export async function templateCommand(out: string, o: Out): Promise<number> {
  const headers = Object.values(TEMPLATE_HEADERS);
  await writeFile(out, '\ufeff' + toCsv([headers]), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(writeErrorMessage(out, err));
  });
  o.out(
    o.json
      ? JSON.stringify({ file: out, columns: headers })
      : `Wrote ${out} with ${headers.length} columns:\n${Object.entries(TEMPLATE_HEADERS)
          .map(([f, h]) => `  ${h.padEnd(12)} ${FIELD_LABELS[f as Field]}`)
          .join('\n')}`,
  );
  return 0;
}
