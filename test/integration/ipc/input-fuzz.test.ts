// Property-based: every IPC channel, fed bad input through the real router over a real database file, answers
// INVALID_INPUT in plain words naming the field, never throws, and changes nothing saved (test/support/fuzz).
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../main/ipc/router.ts';
import { assertTarget } from '../../support/fuzz/target.ts';
import { ipcTarget } from '../../support/fuzz/ipc-target.ts';

describe('IPC input fuzzing', () => {
  it('refuses 200 bad inputs across every channel clearly, without a throw or a change to saved data', async () => {
    await assertTarget(ipcTarget, 200);
  }, 60_000);

  it('words the shapes zod words badly: unions, missing fields, no-input calls, non-finite numbers', async () => {
    const router = createRouter({ handlers: {} as never, appOrigin: 'app://pallet' });
    const call = (c: string, p: unknown) => router.handle(c, p, { url: 'app://pallet/', isMainFrame: true });
    const message = async (c: string, p: unknown) => {
      const r = await call(c, p);
      return r.ok ? '(accepted)' : `${r.error.code} ${r.error.message}`;
    };
    // A union used to say only "Invalid input".
    expect(await message('analysis:start', { ids: ['x'] })).toMatch(/INVALID_INPUT .*expected number.*\n.*at ids\[0\]/);
    expect(await message('analysis:start', { all: 'yes' })).toMatch(/expected true\n.*at all/);
    expect(await message('jobs:get', {})).toBe('INVALID_INPUT ✖ missing (expected number)\n  → at id');
    expect(await message('app:info', 5)).toBe('INVALID_INPUT ✖ this call takes no input (received number)');
    expect(await message('products:page', { offset: 0, limit: Infinity })).toMatch(
      /expected a finite number, received Infinity\n.*at limit/,
    );
    const manyKeys = Object.fromEntries([...Array(5000).keys()].map((i) => [`k${i}`, 1]));
    expect((await message('jobs:get', manyKeys)).length).toBeLessThan(1100);
  });
});
