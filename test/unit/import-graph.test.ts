import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED = [/^main\/electron\//, /^main\/index\.ts$/, /^preload\/index\.ts$/];
const RUNTIME_IMPORT =
  /^\s*import\s+(?!type\b)[^;]*?from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/m;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe('import graph', () => {
  it('imports electron at runtime only in main/electron/**, main/index.ts and preload/index.ts', () => {
    const offenders = ['main', 'preload', 'renderer']
      .flatMap(walk)
      .map((p) => p.split('\\').join('/'))
      .filter((p) => !ALLOWED.some((re) => re.test(p)) && RUNTIME_IMPORT.test(readFileSync(p, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the rule itself catches a runtime import and allows a type-only one', () => {
    expect(RUNTIME_IMPORT.test(`import { app } from 'electron';`)).toBe(true);
    expect(RUNTIME_IMPORT.test(`const e = require('electron');`)).toBe(true);
    expect(RUNTIME_IMPORT.test(`import type { App } from 'electron';`)).toBe(false);
  });
});
