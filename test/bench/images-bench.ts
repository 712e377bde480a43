import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { createEngine } from '../../main/app/engine.ts';
import type { ImagesJobResult, ImagesPayload } from '../../main/images/task.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { startImageServer, type ImageServer } from '../support/image-server.ts';
import { photo } from '../support/images.ts';
import { builtWorkerEntry, peakRssMib, timedJob } from './jobs.ts';

const HOSTS = 3;

/**
 * Serves `images` distinct supplier-sized JPEGs (1200×900) from three image hosts on 127.0.0.1, imports a list that
 * links them, and times the `images` job through a real worker: images/s, MiB/s downloaded, worker peak RSS and the
 * main event loop's lag while it runs.
 */
export async function runImagesBench(opts: { images?: number; log?: (l: string) => void } = {}) {
  const count = opts.images ?? 400;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-images-bench-'));
  const servers: ImageServer[] = [];
  try {
    log(`making ${count} distinct photos`);
    // A few base shots, each re-coloured per image: distinct bytes and hashes without drawing each one by hand.
    const bases = await Promise.all(
      Array.from({ length: Math.min(8, count) }, (_, i) => photo(i + 1, 'png', 1200, 900)),
    );
    const files: Record<string, { bytes: Buffer; type: string }>[] = Array.from({ length: HOSTS }, () => ({}));
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const jpeg = await sharp(bases[i % bases.length]!)
        .modulate({ hue: (i * 7) % 360, brightness: 0.9 + (i % 20) / 100 })
        .jpeg({ quality: 85 })
        .toBuffer();
      files[i % HOSTS]![`/p/${i}.jpg`] = { bytes: jpeg, type: 'image/jpeg' };
      bytes += jpeg.length;
    }
    for (let h = 0; h < HOSTS; h++) servers.push(await startImageServer(files[h]!));
    const csv = [
      'SKU,Name,Brand,Cost,Image URL',
      ...Array.from(
        { length: count },
        (_, i) => `S${i},Product ${i},Brand ${i % 50},${(i % 40) + 1}.5,${servers[i % HOSTS]!.url(`/p/${i}.jpg`)}`,
      ),
    ].join('\n');
    const list = join(dir, 'list.csv');
    writeFileSync(list, csv);

    const workerEntry = builtWorkerEntry();
    const engine = await createEngine({
      dbPath: join(dir, 'bench.db'),
      launcher: createNodeLauncher(),
      workers: 1,
      workerEntry,
      kinds: ['import', 'images'],
    });
    try {
      const imported = await timedJob(engine, {
        kind: 'import',
        payload: { path: list, lookupAfter: false, imagesAfter: false },
      });
      const importId = (imported.result as { importId: number }).importId;
      const lag = monitorEventLoopDelay({ resolution: 10 });
      log('images');
      lag.enable();
      const run = await timedJob(engine, {
        kind: 'images',
        payload: { importId, probeUrl: servers[0]!.url('/') } satisfies ImagesPayload,
      });
      lag.disable();
      const r = run.result as ImagesJobResult;
      if (r.done !== count)
        throw new Error(`expected ${count} images stored, got ${r.done} (${r.failed} failed, ${r.retrying} to retry)`);
      return {
        images: count,
        worker_entry: workerEntry ? 'built' : 'source',
        image_mib: Math.round((bytes / 1048576) * 10) / 10,
        images_seconds: Math.round(run.seconds * 100) / 100,
        images_per_s: Math.round((count / run.seconds) * 10) / 10,
        download_mib_per_s: Math.round((bytes / 1048576 / run.seconds) * 10) / 10,
        worker_peak_rss_mib: peakRssMib(engine.workers[0]!.pid),
        main_loop_lag_p99_ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
      };
    } finally {
      await engine.stop();
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
