// Process facts from Linux's /proc, for tests and benchmarks that kill an owner and look for what outlived it.
import { readdirSync, readFileSync } from 'node:fs';

/** The pids a process has forked and not yet lost (every thread's list, from /proc; empty off Linux). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** True while the process exists and is not a zombie (a container's pid 1 may never reap an orphan that exited). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
