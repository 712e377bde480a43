/**
 * Holds what the OS hands the app before the app can act on it. macOS sends `open-file` for the CSV that launched
 * Pallet before `ready`, and Electron only delivers it to listeners attached that early: the composition root attaches
 * at module top level and pushes here; the desktop subscribes once the engine runs and receives what came meanwhile.
 */
export interface LaunchInbox<T> {
  push(item: T): void;
  /** Replays what arrived before, then delivers live; one subscriber (a second replaces the first). */
  subscribe(listener: (item: T) => void): void;
  /** How many items wait for a subscriber. */
  readonly pending: number;
}

/** Creates an inbox that buffers until its subscriber arrives. */
export function createLaunchInbox<T>(): LaunchInbox<T> {
  let waiting: T[] = [];
  let listener: ((item: T) => void) | null = null;
  return {
    push(item) {
      if (listener) listener(item);
      else waiting.push(item);
    },
    subscribe(l) {
      listener = l;
      const early = waiting;
      waiting = [];
      for (const item of early) l(item);
    },
    get pending() {
      return waiting.length;
    },
  };
}
