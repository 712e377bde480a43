// Lease owner ids (`host:pid:random`) and whether the process behind one still lives.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Creates the owner id for this process. */
export function makeOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True unless the owner is a process on this host that no longer exists. */
export function ownerLooksAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
