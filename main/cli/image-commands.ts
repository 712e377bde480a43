import { openDatabase } from '../db/open.ts';
import { dismissDuplicate, listProbableDuplicates } from '../images/duplicates.ts';
import { imageSummary, IMAGE_STATUSES } from '../images/status.ts';
import type { ImagesJobResult, ImagesPayload } from '../images/task.ts';
import { UsageError } from './import-commands.ts';
import { printJob } from './print-job.ts';
import { runJobToEnd } from './run-job.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** `pallet images [--import ID] [--retry-failed]`: fetch pending product images through a worker. */
export async function imagesCommand(
  dbPath: string,
  v: { importId?: string; retryFailed: boolean },
  o: Out,
): Promise<number> {
  let importId: number | undefined;
  if (v.importId !== undefined) {
    if (!/^\d{1,15}$/.test(v.importId) || Number(v.importId) < 1)
      throw new UsageError(`--import takes an import ID (got "${v.importId}").`);
    importId = Number(v.importId);
  }
  const payload: ImagesPayload = { ...(importId ? { importId } : {}), retryFailed: v.retryFailed };
  const job = await runJobToEnd(dbPath, { kind: 'images', payload, maxAttempts: 5 }, { notify: o.err });
  // An images job an import queued may have run first and done the work: the totals say where everything stands.
  const db = openDatabase(dbPath);
  const all = imageSummary(db);
  db.close();
  return printJob<ImagesJobResult>(o, job, {
    failure: `images ${job.status === 'waiting_network' ? 'wait for the network' : 'failed'}`,
    lines: (r) => [
      `This run: ${r.done} images stored (${r.reused} shared with other products), ${r.failed} failed, ${r.retrying} to retry later.`,
      `All products: ${IMAGE_STATUSES.map((k) => `${all.counts[k]} ${k}`).join(', ')}; ${all.probableDuplicates} probable duplicate pairs (pallet image-dupes).`,
    ],
    trailer: { all },
  });
}

/** `pallet images --status`: sources per status, what is stored, the commonest failures. */
export function imagesStatusCommand(dbPath: string, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    const s = imageSummary(db);
    if (o.json) o.out(JSON.stringify(s, null, 2));
    else {
      const lines = [
        `${s.sources} image sources on ${s.products} products: ${IMAGE_STATUSES.map((k) => `${s.counts[k]} ${k}`).join(', ')}.`,
        `${s.stored} distinct images stored (${(s.storedBytes / 1048576).toFixed(1)} MiB of originals); ${s.probableDuplicates} probable duplicate pairs.`,
        ...s.topErrors.map((e) => `  ${e.count} × ${e.code}: ${e.example}`),
      ];
      o.out(lines.join('\n'));
    }
    return 0;
  } finally {
    db.close();
  }
}

/** `pallet image-dupes [--dismiss A,B]`: products without a barcode that look like one product, for the user to merge. */
export function imageDupesCommand(dbPath: string, dismiss: string | undefined, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    if (dismiss !== undefined) {
      const m = /^(\d{1,15}),(\d{1,15})$/.exec(dismiss.trim());
      if (!m) throw new UsageError(`--dismiss takes two product IDs, as A,B (got "${dismiss}").`);
      const ok = dismissDuplicate(db, Number(m[1]), Number(m[2]), Date.now());
      if (!ok) {
        o.err(`pallet: products ${m[1]} and ${m[2]} are not a reported pair.`);
        return 1;
      }
      o.out(
        o.json
          ? JSON.stringify({ dismissed: [Number(m[1]), Number(m[2])] })
          : `Products ${m[1]} and ${m[2]} will not be reported as duplicates again.`,
      );
      return 0;
    }
    const pairs = listProbableDuplicates(db);
    if (o.json) o.out(JSON.stringify(pairs, null, 2));
    else if (pairs.length === 0) o.out('No probable duplicates among products without a barcode.');
    else
      o.out(
        pairs
          .map(
            (p) =>
              `#${p.aId} "${p.aName}" ≈ #${p.bId} "${p.bName}"${p.brand ? ` (${p.brand})` : ''}: image ${p.distance}/64 bits apart, names ${Math.round(p.similarity * 100)}% alike`,
          )
          .join('\n'),
      );
    return 0;
  } finally {
    db.close();
  }
}
