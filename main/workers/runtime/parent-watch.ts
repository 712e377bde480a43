// Ends a worker when the process that started it goes away. Imported first by the worker entry and importing
// nothing itself, so the watch is in place before the task modules load (loading them takes ~1 s under tsx, and a
// parent that died meanwhile used to leave the worker running for ever: its heartbeat timer kept it alive).

/** How a worker is connected to its parent: Node's IPC channel (fork) or Electron's parent port (utility process). */
export type ParentLink = 'ipc' | 'parent-port' | 'none';

/** Which link this process has to its parent. */
export function parentLink(): ParentLink {
  if ((process as { parentPort?: unknown }).parentPort) return 'parent-port';
  return typeof process.send === 'function' ? 'ipc' : 'none';
}

export interface WatchOptions {
  /** Called once when the parent is gone (default: exit at once; an orphan has nobody to report to). */
  onGone?: () => void;
  /** Forces how the parent is watched (tests); default: from parentLink(). */
  link?: ParentLink;
  /** How often the parent-port watch looks at the parent (ms). */
  pollMs?: number;
}

let watching = false;

/**
 * Watches for the parent's death for the rest of this process's life; idempotent. Over Node's IPC channel: the
 * channel already closed, or its `disconnect` event. In an Electron utility process, whose parent port tells its
 * script nothing when the parent dies: polls the parent's pid (re-parented on POSIX, or no longer existing).
 */
export function watchParent(opts: WatchOptions = {}): void {
  if (watching) return;
  watching = true;
  let gone = false;
  const onGone = () => {
    if (gone) return;
    gone = true;
    (opts.onGone ?? (() => process.exit(0)))();
  };
  const link = opts.link ?? parentLink();
  if (link === 'ipc') {
    // Listen first, then check: a disconnect between the two cannot be missed.
    process.once('disconnect', onGone);
    if (!process.connected) onGone();
  } else if (link === 'parent-port') {
    const parent = process.ppid;
    const timer = setInterval(() => {
      if (parentGone(parent)) {
        clearInterval(timer);
        onGone();
      }
    }, opts.pollMs ?? 500);
    // The watch alone must not keep a worker alive that has nothing else to do.
    timer.unref();
  }
  // 'none': not started by Pallet; the host refuses to run without a channel to its parent.
}

/** True when the process `parent` is no longer this one's parent or no longer exists. */
export function parentGone(parent: number): boolean {
  // POSIX re-parents an orphan (to init or a subreaper), and process.ppid is read afresh each time.
  if (process.ppid !== parent) return true;
  // Windows keeps the original parent pid: ask whether that process still exists (EPERM: it does, not ours).
  try {
    process.kill(parent, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
