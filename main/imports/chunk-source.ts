import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/entry.ts';
import type { ParsedChunk } from './chunks.ts';
import type { ParseFileOptions } from './parse-file.ts';
import { BadFileError } from './sniff.ts';

type Message =
  | { type: 'chunk'; chunk: ParsedChunk; last: boolean }
  | { type: 'failed'; message: string; badFile: BadFileError['code'] | null };

/**
 * Parses and validates the file on a thread and hands its chunks to `onChunk` in file order, on this thread, as
 * they arrive (at most four wait at a time). `onChunk` returning 'stop' (or throwing) ends reading; resolves with
 * whether the end of the file was reached.
 */
export function parseOnThread(options: ParseFileOptions, onChunk: (chunk: ParsedChunk) => void | 'stop'): Promise<{ stopped: boolean }> {
  const flow = new SharedArrayBuffer(8);
  const state = new Int32Array(flow);
  return new Promise((resolve, reject) => {
    let settled = false;
    let worker: Worker;
    const finish = (err: unknown, stopped = false) => {
      if (settled) return;
      settled = true;
      Atomics.store(state, 1, 1);
      Atomics.notify(state, 0);
      void worker.terminate();
      if (err) reject(err);
      else resolve({ stopped });
    };
    try {
      worker = startThread(new URL('./parse-thread.ts', import.meta.url), 'import-parser', { options, flow });
    } catch (err) {
      reject(err);
      return;
    }
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
  });
}
