import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('pallet CLI', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => {
    tmp = tempDbPath();
  });
  afterEach(() => tmp.cleanup());

  function seed() {
    const db = openDatabase(tmp.path);
    const q = createQueue({ db });
    const a = q.enqueue({ kind: 'import', payload: { path: 'a.csv' } });
    const b = q.enqueue({ kind: 'lookup', payload: {} });
    q.cancel(b.id);
    db.close();
    return { a: a.id, b: b.id };
  }

  it('lists jobs, filters by status, prints JSON', async () => {
    const { a, b } = seed();
    const all = await cli('--db', tmp.path, 'jobs');
    expect(all.code).toBe(0);
    expect(all.out).toContain(`#${a}\timport\tqueued`);
    const json = await cli('--db', tmp.path, 'jobs', '--status', 'cancelled', '--json');
    expect(JSON.parse(json.out).map((j: { id: number }) => j.id)).toEqual([b]);
  });

  it('shows, cancels, retries, pauses and resumes through the same database', async () => {
    const { a, b } = seed();
    expect((await cli('--db', tmp.path, 'job', String(a))).out).toContain('a.csv');
    expect((await cli('--db', tmp.path, 'retry', String(b))).code).toBe(0);
    expect((await cli('--db', tmp.path, 'pause', String(a))).out).toContain('paused');
    expect((await cli('--db', tmp.path, 'resume', String(a))).out).toContain('queued');
    expect((await cli('--db', tmp.path, 'pause')).out).toBe('Queue paused.');
    expect((await cli('--db', tmp.path, 'cancel', String(a))).code).toBe(0);
    const db = openDatabase(tmp.path);
    const q = createQueue({ db });
    expect(q.isPaused()).toBe(true);
    expect(q.get(a).status).toBe('cancelled');
    expect(q.get(b).status).toBe('queued');
    db.close();
  });

  it('bad arguments get the usage and exit code 2; impossible actions a clear message and 1', async () => {
    seed();
    for (const args of [
      [],
      ['frob'],
      ['job'],
      ['job', 'abc'],
      ['jobs', '--status', 'nope'],
      ['jobs', '--bogus'],
      ['cancel', '1', '2'],
      ['bench'],
    ]) {
      const r = await cli('--db', tmp.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('Usage: pallet');
    }
    const missing = await cli('--db', tmp.path, 'job', '999');
    expect(missing).toMatchObject({ code: 1, err: 'pallet: No job with id 999.' });
    const { b } = seed();
    expect((await cli('--db', tmp.path, 'cancel', String(b))).err).toMatch(/Cannot cancel job \d+: it is cancelled/);
  });

  it('the built bin runs under plain Node', () => {
    const bin = 'dist/node/pallet.js';
    if (!existsSync(bin)) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const ok = spawnSync(process.execPath, [bin, '--db', tmp.path, 'jobs', '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([]);
    const bad = spawnSync(process.execPath, [bin, 'nonsense'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
  });
});
