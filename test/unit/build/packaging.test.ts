// What electron-builder will put inside app.asar and what beside it (app.asar.unpacked), computed with
// electron-builder's own file matcher over the files vite really builds. Packaging cannot run here (no Electron
// binary, no network), so this is what keeps electron-builder.yml right by construction.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { UserConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvArgs } from '../../../main/app/desktop.ts';
import viteConfig from '../../../vite.config.ts';
import { buildTarget, root, type BuiltTarget } from './vite-build.ts';

type Platform = 'linux' | 'win' | 'mac';
interface FileAssociation {
  ext: string | string[];
  name?: string;
  mimeType?: string;
  role?: string;
}
interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  directories: { output: string; buildResources: string };
  extraResources: { from: string; to: string }[];
  fileAssociations: FileAssociation[];
  publish: { provider: string; owner: string; repo: string };
  linux: { icon: string; executableName: string; maintainer: string; target: string[] };
  win: { icon: string };
  mac: { icon: string; category: string; darkModeSupport: boolean; target: string[] };
}

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

// electron-builder's own matcher (app-builder-lib 26.17, minimatch with its options and its "dir → dir/**" rule), so
// these answers are the packager's, not a re-implementation's.
interface Matcher {
  createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean;
}
const require = createRequire(import.meta.url);
const fileMatcher = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => Matcher;
  getFileMatchers(
    config: object,
    name: string,
    destination: string,
    options: {
      macroExpander: (s: string) => string;
      customBuildOptions: object;
      globalOutDir: string;
      defaultSrc: string;
    },
  ): Matcher[] | null;
};
const fileStat = { isDirectory: () => false };
const same = (s: string) => s;
const abs = (rel: string) => join(root, ...rel.split('/'));

const inFiles = new fileMatcher.FileMatcher(root, root, same, config.files).createFilter();
const packed = (rel: string) => inFiles(abs(rel), fileStat);

function unpackFilter(platform: Platform) {
  const matchers = fileMatcher.getFileMatchers(config, 'asarUnpack', root, {
    macroExpander: same,
    customBuildOptions: (config as unknown as Record<Platform, object | undefined>)[platform] ?? {},
    globalOutDir: join(root, config.directories.output),
    defaultSrc: root,
  });
  const filter = matchers?.[0]?.createFilter();
  return (rel: string) => filter?.(abs(rel), fileStat) ?? false;
}
const platforms: Platform[] = ['linux', 'win', 'mac'];
const unpacked = Object.fromEntries(platforms.map((p) => [p, unpackFilter(p)])) as Record<
  Platform,
  (rel: string) => boolean
>;

/** Where a file ends up: not shipped, inside app.asar, or in app.asar.unpacked (on every platform alike). */
function place(rel: string): 'absent' | 'asar' | 'unpacked' {
  if (!packed(rel)) return 'absent';
  const answers = new Set(platforms.map((p) => unpacked[p](rel)));
  expect(answers.size, `${rel} is unpacked on some platforms only`).toBe(1);
  return answers.has(true) ? 'unpacked' : 'asar';
}

const targetConfig = (mode: string) =>
  (viteConfig as unknown as (env: { mode: string; command: string }) => UserConfig)({ mode, command: 'build' });
const nodeInputs = targetConfig('node').build!.rollupOptions!.input as Record<string, string>;

/** Every `startThread(…, 'bundle', …)` in main/: the worker_threads the app starts from dist/node/<bundle>.js. */
function threadBundles(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/startThread\(\s*new URL\([^)]*\),\s*'([^']+)'/g))
          names.add(m[1]!);
    }
  };
  walk(join(root, 'main'));
  return [...names].sort();
}

describe('electron-builder.yml: what lands in app.asar and what beside it', () => {
  let node: BuiltTarget;
  beforeAll(async () => {
    node = await buildTarget('node');
  }, 120_000);
  afterAll(() => node?.dispose());

  it('finds the worker entry and the four thread bundles the app starts', () => {
    // The worker runs in a utility process (main/workers/entry-path.ts → dist/node/worker.js); the others are threads.
    expect(threadBundles()).toEqual(['checkpointer', 'db-maintenance', 'import-parser', 'products-reader']);
    for (const name of ['worker', ...threadBundles()]) expect(Object.keys(nodeInputs)).toContain(name);
  });

  it('unpacks every worker and thread bundle and every chunk it imports, with their source maps', () => {
    const built = new Map(node.chunks.map((c) => [c.fileName, c]));
    const closure = new Set<string>();
    const visit = (file: string) => {
      if (closure.has(file)) return;
      closure.add(file);
      const chunk = built.get(file)!;
      for (const dep of [...chunk.imports, ...chunk.dynamicImports]) if (built.has(dep)) visit(dep);
    };
    for (const entry of ['worker', ...threadBundles()]) {
      expect(built.has(`${entry}.js`), `vite builds ${entry}.js`).toBe(true);
      visit(`${entry}.js`);
    }
    // Shared chunks are there (the threads import gtin/sniff/reader…), so the closure is more than the entries.
    expect(closure.size).toBeGreaterThan(4);
    const wrong = [...closure]
      .flatMap((f) => [f, `${f}.map`])
      .filter((f) => node.files.includes(f) && place(`dist/node/${f}`) !== 'unpacked');
    expect(wrong).toEqual([]);
  });

  it('ships every built node file (main, CLI, chunks) and unpacks all of dist/node', () => {
    expect(node.files.filter((f) => place(`dist/node/${f}`) !== 'unpacked')).toEqual([]);
  });

  it('unpacks the Electron build of better-sqlite3 and the native node_modules', () => {
    const abi = readFileSync(join(root, 'node_modules/electron/abi_version'), 'utf8').trim();
    expect(place(`dist/native/electron-abi${abi}/better_sqlite3.node`)).toBe('unpacked');
    expect(place(`dist/native/electron-abi${abi}/stamp.json`)).toBe('unpacked');
    expect(unpacked.linux('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked.linux('node_modules/sharp/lib/index.js')).toBe(true);
  });

  it('keeps the renderer and the preload inside app.asar', () => {
    const preload = targetConfig('preload').build!;
    const renderer = targetConfig('renderer');
    const preloadDir = preload.outDir!;
    const entry = (preload.rollupOptions!.output as { entryFileNames: string }).entryFileNames.replace(
      '[name]',
      'index',
    );
    const rendererDir = join(renderer.root!, renderer.build!.outDir!).replaceAll('\\', '/');
    expect(`${preloadDir}/${entry}`).toBe('dist/preload/index.cjs');
    expect(rendererDir).toBe('dist/renderer');
    for (const f of [
      'dist/preload/index.cjs',
      'dist/renderer/index.html',
      'dist/renderer/assets/index-abc123.js',
      'dist/renderer/assets/index-abc123.css',
    ]) {
      expect(place(f), f).toBe('asar');
    }
    expect(place('package.json')).toBe('asar');
  });

  it('ships nothing from the sources, tests or build resources', () => {
    for (const f of ['main/index.ts', 'test/unit/build/packaging.test.ts', 'build/icon.png', 'electron-builder.yml'])
      expect(place(f), f).toBe('absent');
  });

  it('never rebuilds node_modules in place, and packs into an integrity-checked asar', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
  });
});

describe('electron-builder.yml: installers and metadata', () => {
  it('registers every extension the app opens, CSV as text/csv with the Viewer role', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-assoc-'));
    try {
      const candidates = ['csv', 'tsv', 'txt', 'xlsx', 'json'].map((ext) => join(dir, `list.${ext}`));
      for (const f of candidates) writeFileSync(f, '');
      const opened = csvArgs(candidates).map((f) => f.slice(f.lastIndexOf('.') + 1));
      const associated = config.fileAssociations.flatMap((a) => [a.ext].flat());
      expect(associated.sort()).toEqual(opened.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(config.fileAssociations).toContainEqual(
      expect.objectContaining({ ext: 'csv', mimeType: 'text/csv', role: 'Viewer', name: expect.any(String) }),
    );
    for (const a of config.fileAssociations)
      expect(a).toEqual(expect.objectContaining({ mimeType: expect.stringMatching(/^text\//), role: 'Viewer' }));
  });

  it('has the package.json fields the deb target and Electron need', () => {
    // productName: Electron's userData is …/Pallet, the folder the database lives in.
    expect(pkg.productName).toBe('Pallet');
    expect(pkg.author).toEqual({ name: expect.any(String), email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.\w+$/) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.repository).toEqual(
      expect.objectContaining({ url: expect.stringContaining(String(pkg.homepage).replace(/^https:\/\//, '')) }),
    );
    expect(config.linux.maintainer).toMatch(/<[^@\s]+@[^@\s]+>/);
  });

  it('publishes to GitHub, the feed electron-updater reads from app-update.yml', () => {
    expect(config.publish).toEqual(
      expect.objectContaining({ provider: 'github', owner: expect.any(String), repo: expect.any(String) }),
    );
    expect(String(pkg.homepage)).toContain(`${config.publish.owner}/${config.publish.repo}`);
  });

  it('points at icons and resources that exist', () => {
    expect(config.directories.buildResources).toBe('build');
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon])
      expect(existsSync(join(root, icon)), icon).toBe(true);
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        { from: 'resources/sample', to: 'sample' },
        { from: 'resources/tray', to: 'tray' },
      ]),
    );
    for (const r of config.extraResources) expect(existsSync(join(root, r.from)), r.from).toBe(true);
  });

  it('names the Linux executable and files the Mac app as a business app with dark mode', () => {
    expect(config.linux.executableName).toBe('pallet');
    expect(config.mac.category).toBe('public.app-category.business');
    expect(config.mac.darkModeSupport).toBe(true);
    // Squirrel.Mac updates from the zip: without it there is no latest-mac.yml.
    expect(config.mac.target).toEqual(expect.arrayContaining(['dmg', 'zip']));
  });
});
