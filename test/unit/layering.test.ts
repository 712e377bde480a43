// Layering: lower layers never import higher ones, type-only imports included (they are how the old cycle
// main/app/settings.ts → main/ports.ts → preload/contract → main/app/settings.ts went unnoticed).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const LOWER = ['main/settings', 'main/queue', 'main/db'];
const HIGHER = /^(main\/(app|ipc|electron|cli)\/|main\/ports\.ts$|main\/index\.ts$|preload\/)/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g;

const rel = (p: string) => relative(ROOT, p).split('\\').join('/');
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)]
    .map((m) => resolve(dirname(file), m[1]!))
    .filter((p) => existsSync(p));
}
/** Every file `from` reaches through relative imports, with the chain that reaches it. */
function reach(from: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(rel(file))) return;
    seen.set(rel(file), [...chain, rel(file)]);
    for (const next of importsOf(file)) visit(next, [...chain, rel(file)]);
  };
  for (const f of from) visit(f, []);
  return seen;
}

describe('layering', () => {
  it('main/settings, main/queue and main/db import nothing from main/app, ipc, electron, cli, ports or preload', () => {
    const offenders = LOWER.flatMap((d) => walk(join(ROOT, d))).flatMap((f) =>
      importsOf(f)
        .map(rel)
        .filter((t) => HIGHER.test(t))
        .map((t) => `${rel(f)} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('main/settings imports only itself', () => {
    const outside = [...reach(walk(join(ROOT, 'main/settings'))).keys()].filter((f) => !f.startsWith('main/settings/'));
    expect(outside).toEqual([]);
  });

  it('the IPC contract reaches nothing above it, so no cycle runs through main/ports.ts or main/app', () => {
    const reached = reach(walk(join(ROOT, 'preload/contract')));
    const above = [...reached].filter(([f]) => HIGHER.test(f) && !f.startsWith('preload/contract/'));
    expect(above.map(([, chain]) => chain.join(' → '))).toEqual([]);
  });
});
