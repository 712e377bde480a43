import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/entry.ts';
import type { CheckResult } from './health.ts';

/** One piece of slow work on the database file, for the maintenance thread. */
export type MaintenanceTask =
  | { op: 'quick_check' | 'integrity_check'; dbPath: string }
  | { op: 'backup'; dbPath: string; now: number; keep: number };

type ThreadAnswer =
  { type: 'backup'; path: string } | { type: 'check'; result: CheckResult } | { type: 'failed'; message: string };

type Answer<T extends MaintenanceTask> = T extends { op: 'backup' } ? string : CheckResult;

/**
 * Runs `task` on a thread of its own (main's loop stays free while SQLite reads every page) and resolves with its
 * answer: the backup's path, or the check's result. Rejects with the thread's own words when it fails.
 */
export function runMaintenance<T extends MaintenanceTask>(task: T): Promise<Answer<T>> {
  return start(task).answer;
}

function start<T extends MaintenanceTask>(task: T): { worker: Worker; answer: Promise<Answer<T>> } {
  const worker = startThread(new URL('./maintenance-thread.ts', import.meta.url), 'db-maintenance', { ...task });
  const answer = new Promise<Answer<T>>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: ThreadAnswer) => {
      settled = true;
      if (m.type === 'failed') reject(new Error(m.message));
      else resolve((m.type === 'backup' ? m.path : m.result) as Answer<T>);
    });
    worker.on('error', (err) => {
      if (!settled) reject(err instanceof Error ? err : new Error(String(err)));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the database maintenance thread stopped (exit code ${code})`));
      settled = true;
    });
  });
  return { worker, answer };
}

/**
 * Like runMaintenance, but waits at most `budgetMs`: 'timed_out' then, while the thread goes on by itself and its late
 * answer goes to `late` (it no longer holds the process open).
 */
export async function runMaintenanceWithin<T extends MaintenanceTask>(
  task: T,
  budgetMs: number,
  late: (answer: Answer<T> | Error) => void,
): Promise<Answer<T> | 'timed_out'> {
  const { worker, answer: run } = start(task);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed_out'>((resolve) => (timer = setTimeout(() => resolve('timed_out'), budgetMs)));
  try {
    const first = await Promise.race([run, timeout]);
    if (first === 'timed_out') {
      worker.unref();
      run.then(late, (err: unknown) => late(err instanceof Error ? err : new Error(String(err))));
    }
    return first;
  } finally {
    clearTimeout(timer);
  }
}
