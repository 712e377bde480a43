// Builds a vite.config.ts target into a fresh folder for build tests, never into dist/ (others build there too).
// The folder sits under node_modules/.cache so the bundles' bare imports (papaparse, better-sqlite3…) resolve from
// the project's node_modules and its package.json ("type": "module") applies, as they do from dist/node.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface BuiltTarget {
  dir: string;
  chunks: Rollup.OutputChunk[];
  files: string[];
  dispose(): Promise<void>;
}

export async function buildTarget(mode: 'node' | 'preload' | 'renderer'): Promise<BuiltTarget> {
  const parent = join(root, 'node_modules', '.cache');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, `pallet-build-test-${mode}-`));
  const result = await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    mode,
    logLevel: 'silent',
    build: { outDir: dir, emptyOutDir: true },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const items = outputs.flatMap((o) => o.output);
  return {
    dir,
    chunks: items.filter((o): o is Rollup.OutputChunk => o.type === 'chunk'),
    files: items.map((o) => o.fileName),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
