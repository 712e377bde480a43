import { mkdtempSync, rmSync } from 'node:fs';
import { LOOKUP_SWEEP } from '../../main/lookups/kind.ts';
import { recurringKey } from '../../main/queue/kinds.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../main/app/engine.ts';
import { syntheticUpc, writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { SPAPI_SECRETS } from '../../main/lookups/providers.ts';
import type { LookupJobResult } from '../../main/lookups/task.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { CREDENTIALS, startSpApiDouble } from '../support/spapi-double.ts';
import { builtWorkerEntry, timedJob } from './jobs.ts';

/**
 * Looks up `ids` barcodes through SP-API against the double at the documented rate (2 req/s, burst 2): achieved
 * requests/s as a ratio to the limit, 429s after the first 10 s, identifiers/s.
 */
export async function runLookupBench(opts: { ids?: number; log?: (l: string) => void } = {}) {
  const ids = opts.ids ?? 10_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-lookup-bench-'));
  // Every tenth barcode is known to the double; the rest are "not on Amazon" (still one identifier each in a request).
  const items = Array.from({ length: Math.ceil(ids / 10) }, (_, i) => ({
    asin: `B0${String(i).padStart(8, '0')}`,
    identifiers: [{ type: 'UPC' as const, value: syntheticUpc(i * 10) }],
  }));
  const api = await startSpApiDouble({ items });
  const saved = { e: process.env.PALLET_SPAPI_ENDPOINT, l: process.env.PALLET_LWA_URL };
  process.env.PALLET_SPAPI_ENDPOINT = api.endpoint;
  process.env.PALLET_LWA_URL = api.tokenUrl;
  try {
    const path = join(dir, 'supplier.csv');
    await writeSupplierFile(path, ids);
    const engine = await createEngine({
      dbPath: join(dir, 'bench.db'),
      launcher: createNodeLauncher(),
      workers: 1,
      workerEntry: builtWorkerEntry(),
      kinds: ['import', 'lookup'],
      secrets: () => ({
        [SPAPI_SECRETS.clientId]: CREDENTIALS.clientId,
        [SPAPI_SECRETS.clientSecret]: CREDENTIALS.clientSecret,
        [SPAPI_SECRETS.refreshToken]: CREDENTIALS.refreshToken,
      }),
    });
    try {
      log(`import ${ids}`);
      await timedJob(engine, { kind: 'import', payload: { path } });
      // The lookup the import enqueued is the one measured.
      const started = Date.now();
      log('lookup');
      const { seconds, result } = await timedJob(engine, {
        kind: 'lookup',
        payload: { provider: 'spapi' },
        dedupeKey: recurringKey(LOOKUP_SWEEP),
      });
      const r = result as LookupJobResult;
      const searches = api.stats.searchTimes.filter((t) => t >= started);
      const windowS = searches.length > 1 ? (searches.at(-1)! - searches[0]!) / 1000 : seconds;
      const achieved = (searches.length - 1) / windowS;
      return {
        identifiers: ids,
        found: r.found,
        requests: api.stats.requests,
        achieved_requests_per_s: Math.round(achieved * 1000) / 1000,
        limit_requests_per_s: 2,
        rate_ratio_to_limit: Math.round((achieved / 2) * 1000) / 1000,
        throttled_429_total: api.stats.throttled,
        throttled_429_after_10s: api.stats.throttledTimes.filter((t) => t - started > 10_000).length,
        identifiers_per_s: Math.round((ids / seconds) * 10) / 10,
      };
    } finally {
      await engine.stop();
    }
  } finally {
    await api.close();
    process.env.PALLET_SPAPI_ENDPOINT = saved.e;
    process.env.PALLET_LWA_URL = saved.l;
    if (saved.e === undefined) delete process.env.PALLET_SPAPI_ENDPOINT;
    if (saved.l === undefined) delete process.env.PALLET_LWA_URL;
    rmSync(dir, { recursive: true, force: true });
  }
}
