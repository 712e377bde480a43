import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { startThread } from '../threads/entry.ts';
import { createChunkParser, type ChunkParser, type ParsedChunk } from './chunks.ts';
import type { ParseFileOptions } from './parse-file.ts';
import { BadFileError } from './sniff.ts';

type Message =
  | { type: 'chunk'; chunk: ParsedChunk; last: boolean }
  // A workbook's rows, validated here (see readXlsxTable): a chunk parser starts at row `after`.
  | { type: 'rows'; rows: string[][]; endByte: number; after: number; last: boolean }
  | { type: 'failed'; message: string; badFile: BadFileError['code'] | null };

/** A parsing thread, started ahead of the file it will read. */
export interface Parser {
  /**
   * Parses and validates the file and hands its chunks to `onChunks` in file order, on this thread: each call gets
   * the chunks waiting at that moment (one at least, four at most; at most 16 wait). `onChunks` returning 'stop'
   * (or throwing) ends reading; resolves with whether the end of the file was reached. Once only.
   */
  read(options: ParseFileOptions, onChunks: (chunks: ParsedChunk[]) => void | 'stop'): Promise<{ stopped: boolean }>;
  /** Ends the thread (a no-op once reading has ended). */
  close(): void;
}

/**
 * Starts the parsing thread now: booting it (an isolate, the parser's code) took ~80 ms, which an import spends
 * planning meanwhile. It waits for `read`. `ahead`: the file the import names, opened meanwhile should it be a
 * workbook (its shared strings loaded, as the planner loads them on its own thread).
 */
export function startParser(ahead?: string): Parser {
  let worker: Worker | null = null;
  let bootError: unknown = null;
  let exitCode: number | null = null;
  try {
    worker = startThread(new URL('./parse-thread.ts', import.meta.url), 'import-parser', {});
    // Until `read` listens: a thread that fails to boot is reported there.
    worker.once('error', (err) => (bootError ??= err));
    worker.once('exit', (code) => (exitCode = code));
    if (ahead !== undefined) worker.postMessage({ ahead });
  } catch (err) {
    bootError = err;
  }
  let used = false;
  return {
    read(options, onChunks) {
      if (used) return Promise.reject(new Error('This parsing thread has read its file already.'));
      used = true;
      if (!worker || bootError) return Promise.reject(bootError ?? new Error('The parsing thread did not start.'));
      if (exitCode !== null)
        return Promise.reject(new Error(`The file's reading thread stopped (exit code ${exitCode}) before reading.`));
      return readOn(worker, options, onChunks);
    },
    close() {
      if (!used) {
        used = true;
        // Told to close, the thread closes a workbook it opened ahead and ends by itself (terminated while still
        // opening it, its strings' temporary file stayed open in this process: see the test); stopped anyway should
        // it not end within 10 s.
        if (ahead !== undefined && worker && exitCode === null) {
          const w = worker;
          w.postMessage({ close: true });
          setTimeout(() => void w.terminate(), 10_000).unref();
        } else void worker?.terminate();
      }
    },
  };
}

// Chunks handed over at once at most (64 KiB of file), written in one transaction: fewer commits write fewer log
// pages a row. Measured at 1M rows, side by side: 4.70–4.75 µs a row against 5.17–5.27 one chunk at a time
// (2: 4.78–4.87; 8: no better than 4, with longer transactions).
const MAX_BATCH = 4;

function readOn(
  worker: Worker,
  options: ParseFileOptions,
  onChunks: (chunks: ParsedChunk[]) => void | 'stop',
): Promise<{ stopped: boolean }> {
  const flow = new SharedArrayBuffer(8);
  const state = new Int32Array(flow);
  // Chunks wait in the channel, serialized, until the writer takes the next one: many can wait without filling
  // this thread's heap (a port's listener would take them all at once).
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve, reject) => {
    let settled = false;
    let exitCode: number | null = null;
    const finish = (err: unknown, stopped = false) => {
      if (settled) return;
      settled = true;
      Atomics.store(state, 1, 1);
      Atomics.notify(state, 0);
      port1.close();
      void worker.terminate();
      if (err) reject(err);
      else resolve({ stopped });
    };
    // A workbook's rows are validated on this side (see readXlsxTable), in order, by one chunk parser.
    let parser: ChunkParser | null = null;
    const chunkOf = (m: Exclude<Message, { type: 'failed' }>): ParsedChunk => {
      if (m.type === 'chunk') return m.chunk;
      parser ??= createChunkParser({ ...options, rowNumber: m.after });
      return parser.parse(m.rows, m.endByte, m.last);
    };
    const failure = (m: Extract<Message, { type: 'failed' }>) =>
      m.badFile ? new BadFileError(m.badFile, m.message) : new Error(`Reading the file failed: ${m.message}`);
    // One batch per turn of the event loop, so cancels and lease renewals arriving over IPC get through.
    const pump = async () => {
      while (!settled) {
        const m = receiveMessageOnPort(port1)?.message as Message | undefined;
        if (!m) {
          // The thread ends once it has posted its last chunk: one that ends without it stopped early.
          if (exitCode !== null)
            return finish(
              new Error(`The file's reading thread stopped (exit code ${exitCode}) before the end of the file.`),
            );
          // Nothing posted yet: sleep until the thread posts (or ends, or fails). The count may run a message ahead
          // of the channel or behind it for an instant (the thread posts, then counts): then try again next turn.
          const wait = Atomics.waitAsync(state, 0, 0, 1000);
          await (wait.async ? wait.value : yieldToLoop());
          continue;
        }
        if (m.type === 'failed') return finish(failure(m));
        // The chunks already waiting behind it join the batch (never waiting for more).
        const batch = [chunkOf(m)];
        let last = m.last;
        let failed: Extract<Message, { type: 'failed' }> | null = null;
        while (!last && batch.length < MAX_BATCH) {
          const next = receiveMessageOnPort(port1)?.message as Message | undefined;
          if (!next) break;
          if (next.type === 'failed') {
            failed = next;
            break;
          }
          batch.push(chunkOf(next));
          last = next.last;
        }
        const stop = onChunks(batch) === 'stop';
        Atomics.sub(state, 0, batch.length);
        Atomics.notify(state, 0);
        if (failed) return finish(failure(failed));
        if (stop) return finish(null, true);
        if (last) return finish(null);
        await yieldToLoop();
      }
    };
    worker.ref();
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => {
      exitCode = code;
      Atomics.notify(state, 0);
    });
    worker.postMessage({ options, flow, port: port2 }, [port2]);
    pump().catch((err: unknown) => finish(err));
  });
}
