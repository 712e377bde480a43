import { openDatabase } from '../db/open.ts';
import { SPAPI_SECRETS } from '../lookups/providers.ts';
import { lookupSummary, LOOKUP_STATUSES } from '../lookups/status.ts';
import type { LookupJobResult, LookupPayload } from '../lookups/task.ts';
import { parseIds } from './analysis-commands.ts';
import { UsageError } from './import-commands.ts';
import { printJob } from './print-job.ts';
import { runJobToEnd } from './run-job.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The CLI has no keyring: SP-API credentials come from PALLET_SPAPI_CLIENT_ID / _CLIENT_SECRET / _REFRESH_TOKEN. */
export function cliSecrets(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const pairs: [string, string | undefined][] = [
    [SPAPI_SECRETS.clientId, env.PALLET_SPAPI_CLIENT_ID],
    [SPAPI_SECRETS.clientSecret, env.PALLET_SPAPI_CLIENT_SECRET],
    [SPAPI_SECRETS.refreshToken, env.PALLET_SPAPI_REFRESH_TOKEN],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => !!p[1]));
}

/** `pallet lookup --status`: counts per lookup status and percent complete. */
export function lookupStatusCommand(dbPath: string, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    const s = lookupSummary(db);
    if (o.json) o.out(JSON.stringify(s, null, 2));
    else
      o.out(
        `${s.total} products with a barcode, ${s.percentComplete}% looked up: ${LOOKUP_STATUSES.map((k) => `${s.counts[k]} ${k.replace('_', ' ')}`).join(', ')}.`,
      );
    return 0;
  } finally {
    db.close();
  }
}

/** `pallet lookup [--provider …] [--pending|--all|--ids …]`: barcodes → ASINs through a worker. */
export async function lookupCommand(
  dbPath: string,
  v: { provider?: string; pending: boolean; all: boolean; ids?: string },
  o: Out,
): Promise<number> {
  const scopes = [v.pending, v.all, v.ids !== undefined].filter(Boolean).length;
  if (scopes > 1) throw new UsageError('Choose one of --pending, --all or --ids.');
  const provider = v.provider ?? 'auto';
  if (!['auto', 'spapi', 'catalog'].includes(provider))
    throw new UsageError(`--provider is spapi, catalog or auto (got "${provider}").`);
  const payload: LookupPayload = {
    provider: provider as 'auto' | 'spapi' | 'catalog',
    ...(v.ids !== undefined ? { scope: 'ids', ids: parseIds(v.ids) } : { scope: v.all ? 'all' : 'pending' }),
  };
  const job = await runJobToEnd(
    dbPath,
    { kind: 'lookup', payload, maxAttempts: 5 },
    { notify: o.err, engine: { secrets: () => cliSecrets() } },
  );
  return printJob<LookupJobResult>(o, job, {
    failure: 'lookup failed',
    lines: (r) => [
      `Looked up ${r.looked} products (${r.provider}): ${r.found} found, ${r.notFound} not on Amazon, ${r.ambiguous} ambiguous, ${r.retrying} to retry, ${r.failed} failed; ${r.fromCache} from the cache.`,
    ],
  });
}

/** `pallet catalog import FILE`: barcode → ASIN pairs into the local reference catalog. */
export async function catalogImportCommand(dbPath: string, file: string, o: Out): Promise<number> {
  const job = await runJobToEnd(
    dbPath,
    { kind: 'catalog_import', payload: { path: file }, maxAttempts: 1 },
    { notify: o.err },
  );
  return printJob<{ file: string; rows: number; pairs: number; skipped: number }>(o, job, {
    failure: 'catalog import failed',
    lines: (r) => [
      `Reference catalog: ${r.pairs} barcode → ASIN pairs from ${r.rows} rows of ${r.file}${r.skipped ? ` (${r.skipped} rows without a valid barcode and ASIN skipped)` : ''}.`,
    ],
  });
}
