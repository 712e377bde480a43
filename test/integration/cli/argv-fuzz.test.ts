// Property-based: any argv ends in exit code 0, 1 or 2 with a plain first line naming what was wrong, never a throw or
// a stack trace (test/support/fuzz/cli-target.ts runs the CLI in process).
import { describe, expect, it } from 'vitest';
import { cli } from '../../support/cli.ts';
import { assertTarget } from '../../support/fuzz/target.ts';
import { cliTarget } from '../../support/fuzz/cli-target.ts';

describe('CLI argv fuzzing', () => {
  it('answers 200 arbitrary command lines with a clear usage error or failure, never a crash', async () => {
    await assertTarget(cliTarget, 200);
  }, 60_000);

  // Found by fuzzing: an empty file name reached the file system ("cannot write : ENOENT … open ''").
  it('refuses an empty file or ID argument as a usage error', async () => {
    for (const args of [
      ['template', ''],
      ['import', ' '],
      ['undo-import', ''],
    ]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')[0]).toMatch(/^pallet: ".+" needs .+, not an empty argument\.$/);
    }
  });
});
