import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/entry.ts';
import type { ParsedChunk } from './chunks.ts';
import type { ParseFileOptions } from './parse-file.ts';
import { BadFileError } from './sniff.ts';

type Message =
  | { type: 'chunk'; chunk: ParsedChunk; last: boolean }
  | { type: 'failed'; message: string; badFile: BadFileError['code'] | null };

/** A parsing thread, started ahead of the file it will read. */
export interface Parser {
  /**
   * Parses and validates the file and hands its chunks to `onChunk` in file order, on this thread, as they arrive
   * (at most four wait at a time). `onChunk` returning 'stop' (or throwing) ends reading; resolves with whether the
   * end of the file was reached. Once only.
   */
  read(options: ParseFileOptions, onChunk: (chunk: ParsedChunk) => void | 'stop'): Promise<{ stopped: boolean }>;
  /** Ends the thread (a no-op once reading has ended). */
  close(): void;
}

/**
 * Starts the parsing thread now: booting it (an isolate, the parser's code) took ~80 ms, which an import spends
 * planning meanwhile. It waits for `read`.
 */
export function startParser(): Parser {
  let worker: Worker | null = null;
  let bootError: unknown = null;
  let exitCode: number | null = null;
  try {
    worker = startThread(new URL('./parse-thread.ts', import.meta.url), 'import-parser', {});
    // Until `read` listens: a thread that fails to boot is reported there.
    worker.once('error', (err) => (bootError ??= err));
    worker.once('exit', (code) => (exitCode = code));
  } catch (err) {
    bootError = err;
  }
  let used = false;
  return {
    read(options, onChunk) {
      if (used) return Promise.reject(new Error('This parsing thread has read its file already.'));
      used = true;
      if (!worker || bootError) return Promise.reject(bootError ?? new Error('The parsing thread did not start.'));
      if (exitCode !== null) return Promise.reject(new Error(`The file's reading thread stopped (exit code ${exitCode}) before reading.`));
      return readOn(worker, options, onChunk);
    },
    close() {
      if (!used) {
        used = true;
        void worker?.terminate();
      }
    },
  };
}

function readOn(worker: Worker, options: ParseFileOptions, onChunk: (chunk: ParsedChunk) => void | 'stop'): Promise<{ stopped: boolean }> {
  const flow = new SharedArrayBuffer(8);
  const state = new Int32Array(flow);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, stopped = false) => {
      if (settled) return;
      settled = true;
      Atomics.store(state, 1, 1);
      Atomics.notify(state, 0);
      void worker.terminate();
      if (err) reject(err);
      else resolve({ stopped });
    };
    worker.ref();
    // Chunks are written one per turn of the event loop: a port drains every message it has in one go, and the
    // thread refills it as fast as chunks are written, so writing inside the handler would starve cancels and
    // lease renewals arriving over IPC.
    let sawLast = false;
    const waiting: Extract<Message, { type: 'chunk' }>[] = [];
    const writeNext = () => {
      const m = waiting.shift();
      if (!m || settled) return;
      try {
        const stop = onChunk(m.chunk) === 'stop';
        Atomics.sub(state, 0, 1);
        Atomics.notify(state, 0);
        if (stop) finish(null, true);
        else if (m.last) finish(null);
        else if (waiting.length > 0) setImmediate(writeNext);
      } catch (err) {
        finish(err);
      }
    };
    worker.on('message', (m: Message) => {
      if (settled) return;
      if (m.type === 'failed') return finish(m.badFile ? new BadFileError(m.badFile, m.message) : new Error(`Reading the file failed: ${m.message}`));
      if (m.last) sawLast = true;
      if (waiting.push(m) === 1) setImmediate(writeNext);
    });
    worker.on('error', (err) => finish(err));
    // The thread ends once it has posted the last chunk, which may still wait here to be written.
    worker.on('exit', (code) => sawLast || finish(new Error(`The file's reading thread stopped (exit code ${code}) before the end of the file.`)));
    worker.postMessage({ options, flow });
  });
}
