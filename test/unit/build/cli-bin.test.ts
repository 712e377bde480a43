// `npx pallet` runs package.json's bin, dist/node/pallet.js: it must start with a shebang and be executable after
// every build (it once failed with "Permission denied").
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableBin } from '../../../vite.config.ts';
import { buildTarget, root, type BuiltTarget } from './vite-build.ts';

const posix = process.platform !== 'win32';
type WriteBundle = (options: { dir?: string; file?: string }) => Promise<void>;

describe('the pallet bin', () => {
  let node: BuiltTarget;
  beforeAll(async () => {
    node = await buildTarget('node');
  }, 120_000);
  afterAll(() => node?.dispose());

  it('is the file package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.pallet).toBe('dist/node/pallet.js');
    expect(node.files).toContain('pallet.js');
  });

  it('starts with a shebang and, on POSIX, is executable after a build', async () => {
    const file = join(node.dir, 'pallet.js');
    expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
    if (posix) expect((await stat(file)).mode & 0o111).toBe(0o111);
  });

  it('runs --help', () => {
    const file = join(node.dir, 'pallet.js');
    // Directly (shebang + exec bit) where the OS can; through node everywhere.
    const out = posix
      ? execFileSync(file, ['--help'], { encoding: 'utf8' })
      : execFileSync(process.execPath, [file, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/^Usage: pallet /);
  });

  it('the plugin adds a missing shebang and sets 0755', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pallet-bin-'));
    try {
      const file = join(dir, 'pallet.js');
      await writeFile(file, 'console.log(1);\n', { mode: 0o644 });
      await (executableBin('pallet.js').writeBundle as unknown as WriteBundle)({ dir });
      expect(await readFile(file, 'utf8')).toBe('#!/usr/bin/env node\nconsole.log(1);\n');
      if (posix) expect((await stat(file)).mode & 0o777).toBe(0o755);
      // Idempotent: a second write does not stack shebangs.
      await (executableBin('pallet.js').writeBundle as unknown as WriteBundle)({ dir });
      expect(await readFile(file, 'utf8')).toBe('#!/usr/bin/env node\nconsole.log(1);\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
