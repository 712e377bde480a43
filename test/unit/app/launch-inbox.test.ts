import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { moveAsideDamaged } from '../../../main/app/damaged-file.ts';
import { createLaunchInbox } from '../../../main/app/launch-inbox.ts';

describe('createLaunchInbox', () => {
  it('keeps what arrives before the subscriber, replays it in order, then delivers live', () => {
    const inbox = createLaunchInbox<string>();
    inbox.push('a.csv');
    inbox.push('b.csv');
    expect(inbox.pending).toBe(2);
    const got: string[] = [];
    inbox.subscribe((x) => got.push(x));
    expect(got).toEqual(['a.csv', 'b.csv']);
    expect(inbox.pending).toBe(0);
    inbox.push('c.csv');
    expect(got).toEqual(['a.csv', 'b.csv', 'c.csv']);
  });
});

describe('moveAsideDamaged', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps the damaged file under a dated name, never overwriting an earlier one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-damaged-'));
    dirs.push(dir);
    const path = join(dir, 'settings.json');
    const when = new Date('2026-12-02T10:11:12.345Z');
    writeFileSync(path, '{"closeToTray": tru');
    const first = moveAsideDamaged(path, when)!;
    expect(first).toBe(`${path}.bad-2026-12-02T10-11-12-345Z`);
    writeFileSync(path, '{oops');
    const second = moveAsideDamaged(path, when)!;
    expect(second).toBe(`${path}.bad-2026-12-02T10-11-12-345Z-2`);
    expect(readFileSync(first, 'utf8')).toBe('{"closeToTray": tru');
    expect(readdirSync(dir).sort()).toEqual([
      'settings.json.bad-2026-12-02T10-11-12-345Z',
      'settings.json.bad-2026-12-02T10-11-12-345Z-2',
    ]);
    expect(moveAsideDamaged(path, when)).toBeNull();
  });
});
