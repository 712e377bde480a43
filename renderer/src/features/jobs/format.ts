// How the Jobs view words times, speeds and states.
import type { JobView } from '../../../../preload/contract/channels.ts';

const time = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

/** "10:42:07", or the date too when it is not today. */
export function when(t: number | null, now = Date.now()): string {
  if (t === null) return '—';
  return new Date(t).toDateString() === new Date(now).toDateString() ? time.format(t) : dateTime.format(t);
}

/** "in 3 s", "in 4 min", "in 2 h"; "now" once due. */
export function inTime(until: number, now = Date.now()): string {
  const s = Math.round((until - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

/** "about 40 s left", "about 3 min left". */
export function eta(ms: number): string {
  return ms < 60_000
    ? `about ${Math.max(1, Math.round(ms / 1000))} s left`
    : `about ${Math.round(ms / 60_000)} min left`;
}

/** The status as people read it ("retrying at 10:42" as the window always said it). */
export function statusLabel(j: JobView): string {
  if (j.status === 'retry_pending')
    return `retrying at ${new Date(j.runAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  if (j.status === 'waiting_network') return 'waiting for network';
  return j.status;
}

/** "1,234/s · about 2 min left", from the queue's own rate and ETA, while it runs. */
export function speed(j: JobView): string | null {
  const p = j.progress;
  if (j.status !== 'running' || !p || p.ratePerSec === null) return null;
  return `${Math.round(p.ratePerSec).toLocaleString('en-US')}/s${p.etaMs === null ? '' : ` · ${eta(p.etaMs)}`}`;
}

/** Percent done, when the total is known. */
export function percent(j: JobView): number | null {
  const p = j.progress;
  return p && p.total ? Math.min(100, Math.floor((p.done / p.total) * 100)) : null;
}
