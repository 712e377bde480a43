import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.ts';
import { nearCopy, photo } from '../../support/images.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('pallet images and image-dupes', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => (tmp = tempDbPath()));
  afterEach(() => tmp.cleanup());

  it('fetches local images named in the CSV, reports the status, lists probable duplicates and dismisses one', async () => {
    mkdirSync(join(tmp.dir, 'pics'));
    const shot = await photo(2, 'png');
    writeFileSync(join(tmp.dir, 'pics', 'a.png'), shot);
    writeFileSync(join(tmp.dir, 'pics', 'b.jpg'), await nearCopy(shot));
    writeFileSync(join(tmp.dir, 'pics', 'broken.jpg'), 'not an image at all');
    const list = tmp.file(
      'list.csv',
      'SKU,Name,Brand,Cost,Picture\nA,Tea Kettle 1.7L,Acme,10,pics/a.png\nB,Tea kettle 1.7 L,Acme,10,pics/b.jpg\nC,Mug,Acme,2,pics/broken.jpg\n',
    );
    expect((await cli('--db', tmp.path, 'import', list)).code).toBe(0);

    const run = await cli('--db', tmp.path, 'images', '--json');
    expect(run.code).toBe(0);
    // The import queued an images job of its own; whichever ran, the totals are what counts.
    expect(JSON.parse(run.out)).toMatchObject({
      status: 'completed',
      all: { sources: 3, counts: { done: 2, failed: 1, pending: 0, retry: 0 }, stored: 2, probableDuplicates: 1 },
    });

    const status = await cli('--db', tmp.path, 'images', '--status');
    expect(status.out).toMatch(
      /^3 image sources on 3 products: 0 pending, 2 done, 0 retry, 1 failed\.\n2 distinct images stored .+; 1 probable duplicate pairs\.\n {2}1 × not_image: /,
    );

    const dupes = await cli('--db', tmp.path, 'image-dupes');
    expect(dupes.out).toMatch(
      /^#\d+ "Tea [Kk]ettle 1\.7 ?L" ≈ #\d+ "Tea [Kk]ettle 1\.7 ?L" \(Acme\): image \d\/64 bits apart, names \d+% alike$/,
    );
    const pair = JSON.parse((await cli('--db', tmp.path, 'image-dupes', '--json')).out)[0];
    expect((await cli('--db', tmp.path, 'image-dupes', '--dismiss', `${pair.aId},${pair.bId}`)).code).toBe(0);
    expect((await cli('--db', tmp.path, 'image-dupes')).out).toBe(
      'No probable duplicates among products without a barcode.',
    );
    expect((await cli('--db', tmp.path, 'image-dupes', '--dismiss', `${pair.aId},${pair.bId}`)).code).toBe(1);
  });

  it('meets bad arguments with a usage message and exit code 2', async () => {
    for (const args of [
      ['images', '--import', 'x'],
      ['images', 'extra'],
      ['image-dupes', '--dismiss', '1'],
      ['jobs', '--retry-failed'],
      ['import', 'x.csv', '--dismiss', '1,2'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^pallet: .+\n\nUsage: pallet/);
    }
  });
});
