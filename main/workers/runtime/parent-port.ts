import { watchParent } from './parent-watch.ts';

/** The slice of Electron's `process.parentPort` the worker host uses. */
export interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** Electron's parentPort in a utility process, or a shim over Node's IPC channel in a forked child. */
export function getParentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (electronPort) return electronPort;
  if (!process.send) throw new Error('This worker must be started by Pallet (no IPC channel to the parent).');
  return {
    postMessage: (m) => {
      if (process.connected) process.send!(m);
    },
    on: (_event, listener) => void process.on('message', (data) => listener({ data })),
  };
}

/**
 * Calls `onGone` when the parent disappears, so an orphaned worker never keeps running. A no-op when the worker
 * entry already watches (see parent-watch.ts: it ends the process itself, from before the task modules load).
 */
export function onParentGone(onGone: () => void): void {
  watchParent({ onGone });
}
