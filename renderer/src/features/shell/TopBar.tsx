import type { ReactNode } from 'react';
import { ACTIVE_STATUSES } from '../../../../main/queue/types.ts';
import type { Workspace } from './useWorkspace.ts';

/** The queue's state in a few words: offline and what waits, paused, running N, or idle. */
export function queueState(w: Workspace): { tone: 'offline' | 'paused' | 'running' | 'idle'; text: string } {
  const jobs = [...w.jobs.values()];
  const running = jobs.filter((j) => j.status === 'running').length;
  // Scheduled jobs (the recurring lookup sweep) wait for their time: they are not "waiting" in the queue's sense.
  const queued = jobs.filter((j) => ACTIVE_STATUSES.includes(j.status) && !['running', 'scheduled'].includes(j.status));
  const waits = queued.length ? ` · ${queued.length} queued` : '';
  if (!w.online)
    return {
      tone: 'offline',
      text: w.waitingNetwork
        ? `Offline · ${w.waitingNetwork} ${w.waitingNetwork === 1 ? 'job waits' : 'jobs wait'} for the network`
        : 'Offline · lookups will wait for the network',
    };
  if (w.paused) return { tone: 'paused', text: `Queue paused${waits}` };
  if (running) return { tone: 'running', text: `Running ${running}${waits}` };
  return { tone: 'idle', text: queued.length ? `Idle${waits}` : 'Idle' };
}

/** The top bar: the queue's state and its switch, the global search, and "Open file…". */
export function TopBar({
  workspace,
  onPauseAll,
  onResumeAll,
  onOpenFile,
  search,
}: {
  workspace: Workspace;
  onPauseAll(): void;
  onResumeAll(): void;
  onOpenFile(): void;
  search: ReactNode;
}) {
  const q = queueState(workspace);
  return (
    <header className="topbar">
      <div className="queue-state" role="status" aria-live="polite" data-testid="queue-state" data-tone={q.tone}>
        <span className={`dot ${q.tone}`} aria-hidden="true" />
        <span>{q.text}</span>
      </div>
      {workspace.paused ? (
        <button type="button" className="ghost" onClick={onResumeAll}>
          Resume all
        </button>
      ) : (
        <button type="button" className="ghost" onClick={onPauseAll}>
          Pause all
        </button>
      )}
      {search}
      <button type="button" className="primary" onClick={onOpenFile} aria-keyshortcuts="Control+O Meta+O">
        Open file…
      </button>
    </header>
  );
}
