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

  // Found by fuzzing in CI: a 10,000-character file name came back whole twice in the message (Node's errno text
  // repeats the path). The message names the file shortened and says why in words.
  it('a file name too long to write: a short message that says so', async () => {
    const r = await cli('template', 'x'.repeat(5000) + '.csv');
    expect(r.code).toBe(1);
    const first = r.err.split('\n')[0]!;
    expect(first).toMatch(/^pallet: cannot write x{80}…x{56}\.csv: the name is too long\.$/);
  });
});
