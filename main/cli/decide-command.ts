// `pallet decide [--ids 1,2,3 | --import ID | --all] [--json]`: one decide job (main/decisions) run to its end on a
// private engine with progress, then the counts and the first buy/check products with their top reasons.
import { openDatabase, type Db } from '../db/open.ts';
import type { JobProgress } from '../queue/types.ts';
import type { DecideJobResult, DecidePayload } from '../decisions/kind.ts';
import type { Reason } from '../decisions/reasons.ts';
import { parseIds } from './analysis-commands.ts';
import { cliSettings } from './cli-settings.ts';
import { UsageError } from './import-commands.ts';
import { cliSecrets } from './lookup-commands.ts';
import { printJob } from './print-job.ts';
import { runJobToEnd } from './run-job.ts';
import { SPAPI_SECRETS } from '../lookups/providers.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** Which products to decide: exactly one of the payload's scopes. */
export type DecideScope = { ids: number[] } | { importId: number } | { all: true };

/** How many buy/check products the summary names. */
const SHOWN = 5;

/** The scope the options name; exactly one of --all, --ids and --import. */
export function decideScope(v: { all: boolean; ids?: string; importId?: string }): DecideScope {
  const given = [v.all, v.ids !== undefined, v.importId !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('decide needs one of --all, --ids 1,2,3 or --import ID.');
  if (v.ids !== undefined) return { ids: parseIds(v.ids) };
  if (v.importId !== undefined) {
    if (!/^\d{1,15}$/.test(v.importId.trim()) || Number(v.importId) < 1)
      throw new UsageError(`--import takes an import ID, a positive whole number (got "${v.importId}").`);
    return { importId: Number(v.importId) };
  }
  return { all: true };
}

/** One product the run decided buy or check, with its reasons worth reading (info notes left out). */
export interface DecidedProduct {
  id: number;
  name: string | null;
  asin: string | null;
  verdict: 'buy' | 'check';
  profit: number | null;
  roi: number | null;
  reasons: Reason[];
}

/** The first buy products (then check) decided since `since`, best expected profit first. */
export function topDecided(db: Db, marketplace: string, since: number, limit = SHOWN): DecidedProduct[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.name, a.decided_asin AS asin, a.verdict, a.profit, a.roi, a.verdict_reasons AS reasons
       FROM analyses a JOIN products p ON p.id = a.product_id
       WHERE a.marketplace = ? AND a.decided_at >= ? AND (a.verdict = 'buy' OR a.verdict = 'check')
       ORDER BY a.verdict = 'check', coalesce(a.profit * a.est_sales_mid, a.profit, -1e18) DESC, p.id
       LIMIT ?`,
    )
    .all(marketplace, since, limit) as Record<string, unknown>[];
  return rows.map((r) => {
    let reasons: Reason[] = [];
    try {
      reasons = (JSON.parse(String(r.reasons)) as Reason[]).filter((x) => x.severity !== 'info');
    } catch {
      // A damaged cell: `pallet product ID` names it; the summary just shows no reasons.
    }
    return {
      id: r.id as number,
      name: r.name as string | null,
      asin: r.asin as string | null,
      verdict: r.verdict as 'buy' | 'check',
      profit: r.profit as number | null,
      roi: r.roi as number | null,
      reasons,
    };
  });
}

const money = (x: number | null) => (x === null ? '—' : `$${x.toFixed(2)}`);
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** `pallet decide`: enqueues the decide job, runs it to its end with progress, prints what it decided. */
export async function decideCommand(
  dbPath: string,
  v: { all: boolean; ids?: string; importId?: string },
  o: Out,
): Promise<number> {
  const scope = decideScope(v);
  const marketplace = cliSettings(dbPath).marketplace;
  const secrets = cliSecrets();
  const online = Boolean(secrets[SPAPI_SECRETS.refreshToken]);
  if (!online && !o.json)
    o.err(
      'No SP-API credentials (PALLET_SPAPI_CLIENT_ID, _CLIENT_SECRET, _REFRESH_TOKEN): decisions use local data only, ' +
        'so unknown restrictions and offers make a product "check".',
    );
  const payload: DecidePayload = { ...scope, marketplace, priority: 1 };
  const started = Date.now();
  let lastProgress = 0;
  const onProgress = (p: JobProgress) => {
    if (o.json || Date.now() - lastProgress < 1000) return;
    lastProgress = Date.now();
    const pctDone = p.total ? ` ${Math.min(100, Math.floor((p.done / p.total) * 100))}%` : '';
    o.err(`… decide${pctDone} ${p.done}${p.total !== null ? `/${p.total}` : ''} ${p.note ?? ''}`.trimEnd());
  };
  const job = await runJobToEnd(
    dbPath,
    { kind: 'decide', payload, maxAttempts: 5 },
    {
      notify: o.err,
      onProgress,
      engine: { secrets: () => secrets },
    },
  );
  let top: DecidedProduct[] = [];
  if (job.status === 'completed') {
    const db = openDatabase(dbPath);
    try {
      top = topDecided(db, marketplace, started);
    } finally {
      db.close();
    }
  }
  return printJob<DecideJobResult>(o, job, {
    failure: 'decide failed',
    lines: (r) => [
      `Decided ${r.decided} products: ${r.buy} buy, ${r.check} check, ${r.skip} skip.` +
        (r.source === 'spapi'
          ? ` Amazon calls: ${r.catalogCalls} catalog, ${r.pricingCalls} pricing, ${r.restrictionsCalls} restrictions, ${r.offersCalls} offers (${r.offersCallsSaved} saved by the funnel), ${r.eligibilityCalls} FBA eligibility.`
          : ''),
      ...(r.source === 'local'
        ? ['Local data only: restrictions and offers are unknown, so those products are "check".']
        : []),
      ...top.flatMap((p) => [
        `  ${p.verdict.toUpperCase()} #${p.id} ${p.name ?? '(no name)'}${p.asin ? ` (${p.asin})` : ''}: profit ${money(p.profit)}, ROI ${pct(p.roi)}`,
        ...p.reasons.slice(0, 3).map((x) => `      ${x.text}${x.url ? ` → ${x.url}` : ''}`),
      ]),
      ...(top.length ? [`pallet product ID shows everything about one of them.`] : []),
    ],
    extra: { elapsedMs: Date.now() - started, top },
  });
}
