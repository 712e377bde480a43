import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hamming } from '../../../main/images/dhash.ts';
import { listProbableDuplicates, MAX_IMAGE_DISTANCE } from '../../../main/images/duplicates.ts';
import { imagePaths } from '../../../main/images/process.ts';
import type { ImagesJobResult, ImagesPayload } from '../../../main/images/task.ts';
import { closedPort, startImageServer, type ImageServer } from '../../support/image-server.ts';
import { nearCopy, photo } from '../../support/images.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

let shots: Record<string, { bytes: Buffer; type: string }>;
let t: TestEngine | null = null;
let server: ImageServer | null = null;

beforeAll(async () => {
  const base = await photo(1, 'png');
  shots = {
    '/base.png': { bytes: base, type: 'image/png' },
    '/base.jpg': { bytes: await photo(1, 'jpeg'), type: 'image/jpeg' },
    '/base.webp': { bytes: await photo(1, 'webp'), type: 'image/webp' },
    '/near.jpg': { bytes: await nearCopy(base), type: 'image/jpeg' },
    // Served as octet-stream, as many CDNs do: the bytes decide.
    '/other.png': { bytes: await photo(7, 'png'), type: 'application/octet-stream' },
  };
});
afterEach(async () => {
  await t?.stop();
  await server?.close();
  t = null;
  server = null;
});

/** Imports a supplier list (no lookups, no automatic images job) and returns its import id. */
async function importList(engine: TestEngine, csv: string): Promise<number> {
  const job = await engine.run({
    kind: 'import',
    payload: { path: engine.file('list.csv', csv), lookupAfter: false, imagesAfter: false },
  });
  expect(job.status).toBe('completed');
  return (job.result as { importId: number }).importId;
}

const rows = (engine: TestEngine) =>
  engine.db
    .prepare(
      `SELECT coalesce(p.name, p.sku) AS name, pi.position, pi.status, pi.error_code, pi.attempts, pi.sha256 FROM product_images pi JOIN products p ON p.id = pi.product_id ORDER BY p.id, pi.position`,
    )
    .all() as {
    name: string;
    position: number;
    status: string;
    error_code: string | null;
    attempts: number;
    sha256: string | null;
  }[];

describe('images job (a real worker, an image host on 127.0.0.1)', () => {
  it('stores every kind of image once with thumbnails and hashes, fails each bad link with its reason, and reports probable duplicates', async () => {
    server = await startImageServer(shots);
    t = await startTestEngine();
    const u = (p: string) => server!.url(p);
    mkdirSync(join(t.dir, 'img'));
    writeFileSync(join(t.dir, 'img', 'local shot.png'), await photo(3, 'png'));
    const csv = [
      'SKU,Name,Brand,Cost,UPC,Image URL',
      `A1,Acme Widget Blue 500ml,Acme,2,,${u('/base.png')}`,
      `A2,"ACME Widget, blue (500 ml)",Acme,2,,${u('/near.jpg')}`,
      `C1,Boxed Widget,Acme,3,036000291452,"${u('/base.webp')} | ${u('/base.jpg')}"`,
      `D1,Globex Gizmo,Globex,4,,${u('/other.png')}`,
      `E1,Missing,Initech,1,,${u('/nope.jpg')}`,
      `F1,Fake,Initech,1,,${u('/fail/html-as-jpeg.jpg')}`,
      `G1,Page,Initech,1,,${u('/fail/page.jpg')}`,
      `H1,Huge,Initech,1,,${u('/fail/huge.jpg')}`,
      `H2,Huge declared,Initech,1,,${u('/fail/huge-declared.jpg')}`,
      `I1,Slow,Initech,1,,${u('/fail/slow.jpg')}`,
      `J1,Local,Initech,1,,"img/local shot.png, img/not there.png"`,
      `K1,Ftp,Initech,1,,ftp://example.com/a.jpg`,
      `L1,Same address as A1,Hooli,1,,${u('/base.png')}`,
      `M1,Redirected,Hooli,1,,"${u('/redirect/3/base.jpg')}, ${u('/redirect/9/base.jpg')}"`,
      `N1,Server error,Hooli,1,,${u('/fail/500')}`,
    ].join('\n');
    const importId = await importList(t, csv);
    const payload: ImagesPayload = { importId, probeUrl: u('/'), timeoutMs: 2000, maxBytes: 5 * 1024 * 1024 };
    const job = await t.run({ kind: 'images', payload }, 90_000);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');

    const got = Object.fromEntries(rows(t).map((r) => [`${r.name}#${r.position}`, r]));
    const status = (k: string) => [got[k]!.status, got[k]!.error_code];
    expect(status('Acme Widget Blue 500ml#0')).toEqual(['done', null]);
    expect(status('ACME Widget, blue (500 ml)#0')).toEqual(['done', null]);
    expect(status('Boxed Widget#0')).toEqual(['done', null]);
    expect(status('Boxed Widget#1')).toEqual(['done', null]);
    expect(status('Globex Gizmo#0')).toEqual(['done', null]);
    expect(status('Missing#0')).toEqual(['failed', 'http_404']);
    expect(status('Fake#0')).toEqual(['failed', 'not_image']);
    expect(status('Page#0')).toEqual(['failed', 'not_image']);
    expect(status('Huge#0')).toEqual(['failed', 'too_large']);
    expect(status('Huge declared#0')).toEqual(['failed', 'too_large']);
    expect(status('Slow#0')).toEqual(['retry', 'timeout']);
    expect(status('Local#0')).toEqual(['done', null]);
    expect(status('Local#1')).toEqual(['failed', 'file_missing']);
    expect(status('Ftp#0')).toEqual(['failed', 'bad_source']);
    expect(status('Same address as A1#0')).toEqual(['done', null]);
    expect(status('Redirected#0')).toEqual(['done', null]);
    expect(status('Redirected#1')).toEqual(['failed', 'too_many_redirects']);
    expect(status('Server error#0')).toEqual(['retry', 'http_500']);

    // One address is fetched once, whatever the number of products that link it; equal bytes are stored once.
    expect(server.hits.get('/base.png')).toBe(1);
    expect(got['Same address as A1#0']!.sha256).toBe(got['Acme Widget Blue 500ml#0']!.sha256);
    expect(got['Redirected#0']!.sha256).toBe(got['Boxed Widget#1']!.sha256);
    const stored = t.db.prepare('SELECT * FROM images ORDER BY sha256').all() as {
      sha256: string;
      format: string;
      width: number;
      height: number;
      dhash: string;
    }[];
    expect(stored.map((s) => s.format).sort()).toEqual(['jpg', 'jpg', 'png', 'png', 'png', 'webp']);
    for (const s of stored) {
      const files = imagePaths(join(t.dir, 'images'), s.sha256, s.format);
      expect(existsSync(files.original)).toBe(true);
      const big = await sharp(files.thumbs[800]).metadata();
      const small = await sharp(files.thumbs[200]).metadata();
      expect(big.format).toBe('webp');
      expect(Math.max(big.width!, big.height!)).toBe(Math.max(s.width, s.height)); // never enlarged
      expect(Math.max(small.width!, small.height!)).toBe(200);
    }
    // No temporary files left behind.
    const leftovers = readdirSync(join(t.dir, 'images'), { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    expect(leftovers).toEqual([]);

    // Near-identical pictures hash close, different ones far.
    const hashOf = (k: string) => stored.find((s) => s.sha256 === got[k]!.sha256)!.dhash;
    expect(hamming(hashOf('Acme Widget Blue 500ml#0'), hashOf('ACME Widget, blue (500 ml)#0'))).toBeLessThanOrEqual(
      MAX_IMAGE_DISTANCE,
    );
    expect(hamming(hashOf('Acme Widget Blue 500ml#0'), hashOf('Boxed Widget#0'))).toBeLessThanOrEqual(
      MAX_IMAGE_DISTANCE,
    );
    expect(hamming(hashOf('Acme Widget Blue 500ml#0'), hashOf('Globex Gizmo#0'))).toBeGreaterThan(16);

    // Only the two barcode-less Acme widgets are a probable duplicate: C1 has a barcode, L1 is another brand's name.
    expect(listProbableDuplicates(t.db).map((d) => [d.aName, d.bName].sort())).toEqual([
      ['ACME Widget, blue (500 ml)', 'Acme Widget Blue 500ml'],
    ]);
    const r = job.result as ImagesJobResult;
    expect(r).toMatchObject({ retrying: 2, probableDuplicates: 1 });
    expect(r.done).toBe(8);
    expect(r.failed).toBe(8);
    expect(r.reused).toBeGreaterThanOrEqual(1);
    // Each failure is on the job for the window, with the product it belongs to.
    expect(t.queue.recentErrors(job.id).map((e) => e.code)).toEqual(
      expect.arrayContaining([
        'http_404',
        'not_image',
        'too_large',
        'timeout',
        'http_500',
        'too_many_redirects',
        'file_missing',
      ]),
    );
    // The retryable ones get a later run of their own.
    const later = t.queue.list({ kind: 'images' }).find((j) => j.id !== job.id)!;
    expect(later.status).toBe('scheduled');
    expect(later.runAt).toBeGreaterThan(Date.now() + 60_000);
  });

  it('offline: the job waits for the network, no image spends an attempt, and it finishes when the network is back', async () => {
    const port = await closedPort();
    t = await startTestEngine();
    const url = (p: string) => `http://127.0.0.1:${port}${p}`;
    const importId = await importList(
      t,
      `SKU,Name,Brand,Cost,Image\nA,Widget,Acme,2,${url('/base.png')}\nB,Gizmo,Globex,2,${url('/other.png')}\n`,
    );
    // The probe asks the same (unreachable) host: nothing answers, so the network is down.
    const job = t.queue.enqueue({ kind: 'images', payload: { importId, probeUrl: url('/') } satisfies ImagesPayload });
    await waitFor(() => t!.queue.get(job.id).status === 'waiting_network', 'the job to wait for the network', 30_000);
    expect(t.queue.get(job.id).attempts).toBe(0);
    expect(rows(t).map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);

    server = await startImageServer(shots, port);
    t.queue.resumeWaitingNetwork();
    await waitFor(() => t!.queue.get(job.id).status === 'completed', 'the job to finish once online', 30_000);
    expect(rows(t).map((r) => [r.status, r.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
  });

  it('a host that is down while the network is up fails only its own images, for a later retry', async () => {
    server = await startImageServer(shots);
    const dead = await closedPort();
    t = await startTestEngine();
    const importId = await importList(
      t,
      `SKU,Name,Brand,Cost,Image\nA,Widget,Acme,2,${server.url('/base.png')}\nB,Gizmo,Globex,2,http://127.0.0.1:${dead}/x.png\n`,
    );
    const job = await t.run({
      kind: 'images',
      payload: { importId, probeUrl: server.url('/') } satisfies ImagesPayload,
    });
    expect(job.status).toBe('completed');
    expect(rows(t).map((r) => [r.name, r.status, r.error_code, r.attempts])).toEqual([
      ['Widget', 'done', null, 1],
      ['Gizmo', 'retry', 'unreachable', 1],
    ]);
  });

  it('an import with an image column queues the images of what it created (and a file without one queues none)', async () => {
    server = await startImageServer(shots);
    t = await startTestEngine({ kinds: ['import'] });
    const first = await t.run({
      kind: 'import',
      payload: {
        path: t.file('a.csv', `SKU,Name,Brand,Cost,Image\nA,Widget,Acme,2,${server.url('/base.png')}\n`),
        lookupAfter: false,
      },
    });
    const queued = t.queue.list({ kind: 'images' });
    expect(queued.map((j) => [j.status, j.parentId, (j.payload as ImagesPayload).importId])).toEqual([
      ['queued', first.id, (first.result as { importId: number }).importId],
    ]);
    // A file without an image column queues none.
    await t.run({
      kind: 'import',
      payload: { path: t.file('b.csv', 'SKU,Name,Brand,Cost\nB,Gizmo,Globex,3\n'), lookupAfter: false },
    });
    expect(t.queue.list({ kind: 'images' })).toHaveLength(1);
  });
});
