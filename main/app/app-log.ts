// The app's log as the rest of main sees it, and the pure parts of logging: worker output split into lines, lines
// made safe for a one-line-per-entry file, and rotation that keeps several archives. The electron-log wiring lives in
// main/electron/logging.ts; nothing here imports Electron.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** One named part of the app writing to the log. */
export interface LogScope {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The rotating log file main and its workers write to. */
export interface AppLog extends LogScope {
  /** Folder holding the log and its archives (what "Open logs folder" opens). */
  readonly dir: string;
  /** The current log file. */
  readonly file: string;
  /** A logger whose lines carry `name`, e.g. `updater`. */
  scope(name: string): LogScope;
  /** Where a worker's output lines go, each prefixed by the worker's name; stderr lines are logged as warnings. */
  lineSink(name: string, stream?: 'stdout' | 'stderr'): (line: string) => void;
}

/** Longest line kept from a worker: a runaway dump must not make one entry megabytes long. */
export const MAX_LINE_CHARS = 8 * 1024;

// ANSI escape sequences (colours from a child's console), line breaks, and other C0/C1 control characters.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const BREAKS = /[\n\r\v\f\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f-\x9f]/g;

/** A worker's output line as one log entry: `[name] text`, without colour codes or control characters, clipped. */
export function formatWorkerLine(name: string, line: string): string {
  // A line never becomes two entries: breaks become spaces, so a worker cannot forge a line of its own.
  let text = line.replace(ANSI, '').replace(BREAKS, ' ').replace(CONTROL, '');
  if (text.length > MAX_LINE_CHARS)
    text = `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more characters)`;
  return `[${name}] ${text}`;
}

/** Splits a byte or text stream into lines; a partial last line waits for the next chunk or for `end()`. */
export interface LineSplitter {
  push(chunk: string | Uint8Array): void;
  /** Emits what is left (a last line without a newline); call when the stream ends. */
  end(): void;
}

/** A LineSplitter calling `onLine` for each complete line (`\n` or `\r\n`), decoding UTF-8 across chunk borders. */
export function createLineSplitter(onLine: (line: string) => void, maxPending = MAX_LINE_CHARS * 4): LineSplitter {
  // One decoder per stream: a multi-byte character split across two chunks is decoded whole.
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        emit(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      // A stream that never ends its line still gets logged, in pieces, rather than held in memory.
      while (pending.length > maxPending) {
        emit(pending.slice(0, maxPending));
        pending = pending.slice(maxPending);
      }
    },
    end() {
      pending += decoder.decode();
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}

/** Archive names for `file`, newest first: `main.log` → `main.1.log`, `main.2.log`, … */
export function archivePaths(file: string, keep: number): string[] {
  const ext = extname(file);
  const stem = basename(file, ext);
  return Array.from({ length: keep }, (_, i) => join(dirname(file), `${stem}.${i + 1}${ext}`));
}

/**
 * Rotates `file` into numbered archives, dropping the oldest beyond `keep`. Returns false if the file could not be
 * moved (then the caller crops it instead, so the log never grows without bound).
 */
export function rotateLogFiles(file: string, keep: number): boolean {
  const archives = archivePaths(file, Math.max(1, keep));
  try {
    rmSync(archives.at(-1)!, { force: true });
    for (let i = archives.length - 2; i >= 0; i--)
      if (existsSync(archives[i]!)) renameSync(archives[i]!, archives[i + 1]!);
    renameSync(file, archives[0]!);
    return true;
  } catch {
    return false;
  }
}

/** An AppLog writing to the console only: for the CLI and tests, where there is no log folder. */
export function createConsoleLog(
  write: (level: 'info' | 'warn' | 'error', line: string) => void = (l, m) => console[l](m),
): AppLog {
  const scoped = (prefix: string): LogScope => ({
    info: (m) => write('info', `${prefix}${m}`),
    warn: (m) => write('warn', `${prefix}${m}`),
    error: (m) => write('error', `${prefix}${m}`),
  });
  return {
    dir: '',
    file: '',
    ...scoped(''),
    scope: (name) => scoped(`(${name}) `),
    lineSink:
      (name, stream = 'stdout') =>
      (line) =>
        write(stream === 'stderr' ? 'warn' : 'info', formatWorkerLine(name, line)),
  };
}
