// What a failed file write says to people: the file's name (shortened when absurdly long) and the reason in words,
// not Node's errno text (which repeats the whole path and can run to thousands of characters).

const MAX_SHOWN = 160;

/** A path as a message shows it: whole when reasonable, else its start and end around an ellipsis. */
export function shownPath(path: string): string {
  return path.length <= MAX_SHOWN ? path : `${path.slice(0, 80)}…${path.slice(-60)}`;
}

const REASONS: Record<string, string> = {
  EEXIST: 'it already exists; choose another name',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
};

/** "cannot write NAME: REASON." for an error thrown while creating or writing the file at `path`. */
export function writeErrorMessage(path: string, err: NodeJS.ErrnoException): string {
  const reason = (err.code && REASONS[err.code]) ?? (err.code ? `error ${err.code}` : 'unknown error');
  return `cannot write ${shownPath(path)}: ${reason}.`;
}

/** True for a write refused for want of space: the OS's ENOSPC/EDQUOT, or SQLite's SQLITE_FULL (same cause). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/**
 * What a job that ran out of disk says: in words, not "SQLITE_FULL" or "ENOSPC: no space left on device, write".
 * Not retried by itself: nothing changes until someone frees space, and then a retry resumes from the checkpoint.
 */
export const DISK_FULL_MESSAGE =
  'The disk is full: nothing more could be written. Free some space, then retry the job.';
