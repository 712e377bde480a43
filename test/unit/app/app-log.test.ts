import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  archivePaths,
  createConsoleLog,
  createLineSplitter,
  formatWorkerLine,
  MAX_LINE_CHARS,
  rotateLogFiles,
} from '../../../main/app/app-log.ts';

describe('worker output as log lines', () => {
  it('keeps a partial last line until the rest arrives or the stream ends', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    s.push('first\nsec');
    expect(lines).toEqual(['first']);
    s.push('ond\r\nthird\n\nlast without newline');
    expect(lines).toEqual(['first', 'second', 'third', '']);
    s.end();
    expect(lines).toEqual(['first', 'second', 'third', '', 'last without newline']);
    s.end();
    expect(lines).toHaveLength(5);
  });

  it('decodes a UTF-8 character split across two chunks whole', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('Müller – 5 €\n');
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of "–"
    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut));
    expect(lines).toEqual(['Müller – 5 €']);
  });

  it('logs a line that never ends in pieces instead of holding it all', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l), 10);
    s.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    s.end();
    expect(lines.at(-1)).toBe('xxxxx');
  });

  it('prefixes the worker name and strips colours, control characters and forged line breaks', () => {
    expect(formatWorkerLine('worker-1', '\x1b[31mfailed\x1b[0m row 4\tcol 2')).toBe('[worker-1] failed row 4\tcol 2');
    expect(formatWorkerLine('worker-1', 'ok\n[2026-01-01 00:00:00.000] [error] forged\r\x07')).toBe(
      '[worker-1] ok [2026-01-01 00:00:00.000] [error] forged ',
    );
    const long = formatWorkerLine('w', 'y'.repeat(MAX_LINE_CHARS + 100));
    expect(long).toBe(`[w] ${'y'.repeat(MAX_LINE_CHARS)}… (100 more characters)`);
  });

  it('a console log has the same shape, stderr lines as warnings', () => {
    const out: string[] = [];
    const log = createConsoleLog((level, line) => out.push(`${level} ${line}`));
    log.info('started');
    log.scope('updater').warn('offline');
    log.lineSink('worker-2', 'stderr')('boom');
    log.lineSink('worker-2')('progress 5%');
    expect(out).toEqual([
      'info started',
      'warn (updater) offline',
      'warn [worker-2] boom',
      'info [worker-2] progress 5%',
    ]);
  });
});

describe('log rotation', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps numbered archives, newest first, and drops the oldest beyond the limit', () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-logs-'));
    const file = join(dir, 'main.log');
    expect(archivePaths(file, 2)).toEqual([join(dir, 'main.1.log'), join(dir, 'main.2.log')]);
    for (const n of [1, 2, 3, 4]) {
      writeFileSync(file, `generation ${n}\n`);
      expect(rotateLogFiles(file, 3)).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.3.log']);
    expect(['main.1.log', 'main.2.log', 'main.3.log'].map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual([
      'generation 4\n',
      'generation 3\n',
      'generation 2\n',
    ]);
  });

  it('reports a file it could not move, so the caller crops it instead', () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-logs-'));
    expect(rotateLogFiles(join(dir, 'missing.log'), 3)).toBe(false);
  });
});
