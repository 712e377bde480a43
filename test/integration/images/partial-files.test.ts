// A worker that ends mid-write (its owner was SIGKILLed: the crash-owner bench found this) leaves a temporary that is
// never renamed nor recorded. Temporaries live in one folder, and the next images run removes those of dead writers.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imagePaths, partialDir, storeImage, sweepPartial } from '../../../main/images/process.ts';
import type { ImagesPayload } from '../../../main/images/task.ts';
import { startImageServer, type ImageServer } from '../../support/image-server.ts';
import { photo } from '../../support/images.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';

let t: TestEngine | null = null;
let server: ImageServer | null = null;
afterEach(async () => {
  await t?.stop();
  await server?.close();
  t = null;
  server = null;
});

/** The pid of a process that has exited: a writer that is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string) =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();

describe('image store temporaries', () => {
  it('are written in .partial and renamed away: a stored image leaves only its three files', async () => {
    t = await startTestEngine();
    const root = join(t.dir, 'images');
    const stored = await storeImage(root, await photo(2, 'png'));
    const p = imagePaths(root, stored.sha256, stored.format);
    expect(filesUnder(root)).toEqual(
      [p.original, p.thumbs[200], p.thumbs[800]].map((f) => f.slice(root.length + 1)).sort(),
    );
    expect(readdirSync(partialDir(root))).toEqual([]);
  });

  it('of a dead writer are removed by the next images run; a live writer keeps its own', async () => {
    server = await startImageServer({ '/a.png': { bytes: await photo(4, 'png'), type: 'image/png' } });
    t = await startTestEngine();
    const root = join(t.dir, 'images');
    mkdirSync(partialDir(root), { recursive: true });
    const dead = `0123abcd.jpg.${await deadPid()}-9f8e7d6c.tmp`;
    const live = `4567abcd-200.webp.${process.pid}-1a2b3c4d.tmp`;
    writeFileSync(join(partialDir(root), dead), 'half an image');
    writeFileSync(join(partialDir(root), live), 'being written');

    const job = await t.run({
      kind: 'import',
      payload: {
        path: t.file('list.csv', `SKU,Name,Cost,Image URL\nA1,Widget,2,${server.url('/a.png')}\n`),
        lookupAfter: false,
        imagesAfter: false,
      },
    });
    expect(job.status).toBe('completed');
    const images = await t.run({ kind: 'images', payload: { probeUrl: server.url('/') } satisfies ImagesPayload });
    expect(images.status).toBe('completed');
    expect(readdirSync(partialDir(root))).toEqual([live]);
    // The sweep alone, again: nothing of a dead writer is left to remove.
    expect(await sweepPartial(root)).toBe(0);
  });
});
