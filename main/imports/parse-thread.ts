// The parsing thread of an import: reads, parses and validates the file while the worker's own thread writes the
// previous chunks into the catalog — the two halves of an import's work run on two cores.
import { once } from 'node:events';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { parseFile, type ParseFileOptions } from './parse-file.ts';
import { BadFileError } from './sniff.ts';
import { readXlsxTable } from './xlsx/parse.ts';
import { openWorkbookAhead, type Workbook } from './xlsx/workbook.ts';

type Start = { options: ParseFileOptions; flow: SharedArrayBuffer; port: MessagePort };
type Message = Start | { ahead: string } | { close: true };

// Chunks posted and not yet written (16 KiB of file each), waiting serialized in the channel: enough to keep the
// writer busy while this thread is off its core for a few milliseconds (~12 ms of writing), in bounded memory.
// Measured at 1M rows: 5.28–5.51 µs a row against 5.35–5.5 with 4.
const MAX_IN_FLIGHT = 16;

// The thread is started while the import still plans; what to read comes in a message. Before it may come the file
// the import will most likely read: a workbook's shared strings then load while the import plans (the planner reads
// them too, to find the table: ~0.3 s of a 200k-row workbook, which the two threads now spend side by side).
let [message] = (await once(parentPort!, 'message')) as [Message];
let ahead: { path: string; wb: Promise<Workbook | null> } | null = null;
if ('ahead' in message) {
  ahead = { path: message.ahead, wb: openWorkbookAhead(message.ahead) };
  [message] = (await once(parentPort!, 'message')) as [Message];
}

/**
 * Closes the workbook opened ahead unless it is `path`'s, its temporary file with it, once it has finished opening:
 * the thread is stopped as soon as it has read, and a workbook still opening or closing then left its files open in
 * this process.
 */
async function closeAheadUnless(path: string | null): Promise<void> {
  if (!ahead || ahead.path === path) return;
  const { wb } = ahead;
  ahead = null;
  await wb.then((w) => w?.close());
}

if ('close' in message) await closeAheadUnless(null);
else if ('options' in message) await read(message);

/** Reads the file, posting its chunks to the writer, a bounded number ahead of it. */
async function read({ options, flow, port }: Start): Promise<void> {
  // [0] chunks posted and not yet written, [1] 1 when the writer wants reading to stop.
  const state = new Int32Array(flow);
  /** Posts to the writer, then counts the message and wakes the writer should it wait. */
  const post = (m: unknown): void => {
    port.postMessage(m);
    Atomics.add(state, 0, 1);
    Atomics.notify(state, 0);
  };
  try {
    await closeAheadUnless(options.xlsx ? options.path : null);
    const wb = ahead?.wb;
    /** Bounded memory: waits while the writer is behind (it wakes us when it finishes a chunk); true to stop. */
    const stopOrWait = (): boolean => {
      for (let n = Atomics.load(state, 0); n >= MAX_IN_FLIGHT && Atomics.load(state, 1) === 0;) {
        Atomics.wait(state, 0, n, 1000);
        n = Atomics.load(state, 0);
      }
      return Atomics.load(state, 1) === 1;
    };
    // A workbook's rows go unvalidated: reading its XML is slower than the writer, which validates them.
    if (options.xlsx)
      await readXlsxTable(
        options,
        options.xlsx,
        (rows, endByte, after, last) => {
          if (stopOrWait()) return 'stop';
          post({ type: 'rows', rows, endByte, after, last });
          return undefined;
        },
        wb,
      );
    // This thread only reads a CSV: blocking reads cost it less than promise reads (see ReadOptions.blocking).
    else
      await parseFile({ ...options, blocking: true }, (chunk, last) => {
        if (stopOrWait()) return 'stop';
        post({ type: 'chunk', chunk, last });
        return undefined;
      });
  } catch (err) {
    // Said in a message: an error thrown across the thread boundary may arrive without its class or text.
    const e = err as Error;
    post({ type: 'failed', message: e.message, badFile: err instanceof BadFileError ? err.code : null });
  }
}
