import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { JobDetailView, JobErrorView, JobView } from '../../../../preload/contract/channels.ts';
import { ACTIVE_STATUSES } from '../../../../main/queue/types.ts';
import { call, useApi } from '../../api.ts';
import { eta, inTime, percent, statusLabel, when } from './format.ts';

/**
 * How often an open detail is read again: the log and the wait change without a job event, and the last lines of a
 * run land a moment after its final status (the log is written in batches).
 */
const REFRESH_MS = 1500;

/**
 * One job's detail beside the groups: kind, status, attempts, times, progress with rate and ETA, what it waits for
 * (network, schedule, backoff, a paused queue, its kind's concurrency), its errors and log tail, and its actions.
 * `job` is the latest view the window has (pushed events); the rest is read through `jobs:detail` and `jobs:errors`.
 */
export function JobDetail({
  job,
  parent,
  onOpen,
  onClose,
}: {
  job: JobView;
  /** The job that queued this one, when loaded (a link to it). */
  parent: JobView | null;
  onOpen(id: number): void;
  onClose(): void;
}) {
  const api = useApi();
  const [detail, setDetail] = useState<JobDetailView | null>(null);
  const [errors, setErrors] = useState<JobErrorView[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const active = ACTIVE_STATUSES.includes(job.status);

  // Focus moves to the detail when it opens (or shows another job), so keyboard users land where it appeared.
  useEffect(() => heading.current?.focus(), [job.id]);

  useEffect(() => {
    let live = true;
    const load = () => {
      call(api.jobs.detail({ id: job.id, logLimit: 50 }))
        .then((d) => live && setDetail(d))
        .catch((e: Error) => live && setProblem(e.message));
      call(api.jobs.errors({ id: job.id, limit: 50 }))
        .then((l) => live && setErrors(l))
        .catch((e: Error) => live && setProblem(e.message));
    };
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
    // A status change (pushed) reads the detail again at once; progress alone does not.
  }, [api, job.id, job.status, job.attempts]);

  const act = (p: Promise<unknown>) => p.then(() => setProblem(null)).catch((e: Error) => setProblem(e.message));
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    onClose();
  };
  const p = job.progress;
  const pct = percent(job);
  const wait = detail?.waitingFor ?? null;
  const title = `${job.label} #${job.id}`;
  return (
    <section
      className="card job-detail"
      aria-labelledby={`job-detail-${job.id}`}
      onKeyDown={onKey}
      data-testid="job-detail"
    >
      <div className="drawer-head">
        <h3 id={`job-detail-${job.id}`} ref={heading} tabIndex={-1}>
          {title}
        </h3>
        <button type="button" className="ghost" onClick={onClose} aria-keyshortcuts="Escape">
          Close
        </button>
      </div>
      <p>
        <span className={`chip chip-${job.status}`}>{statusLabel(job)}</span>
      </p>
      {problem && <p role="alert">{problem}</p>}
      {wait && (
        <p className="job-wait" data-testid="job-wait" data-reason={wait.reason}>
          <strong>Waiting for {WAIT_LABEL[wait.reason]}.</strong> {wait.text}
          {wait.until !== null && ` Due ${inTime(wait.until)} (${when(wait.until)}).`}
        </p>
      )}
      <div className="actions" role="group" aria-label={`Actions on ${title}`}>
        {(job.status === 'failed' || job.status === 'cancelled') && (
          <button type="button" onClick={() => act(call(api.jobs.retry({ id: job.id })))}>
            Retry
          </button>
        )}
        {job.status === 'paused' && (
          <button type="button" onClick={() => act(call(api.jobs.resume({ id: job.id })))}>
            Resume
          </button>
        )}
        {active && job.status !== 'paused' && (
          <button type="button" onClick={() => act(call(api.jobs.pause({ id: job.id })))}>
            Pause
          </button>
        )}
        {active && (
          <button type="button" className="danger" onClick={() => act(call(api.jobs.cancel({ id: job.id })))}>
            Cancel job
          </button>
        )}
      </div>
      <dl className="job-facts">
        <dt>Kind</dt>
        <dd>{job.label}</dd>
        <dt>Attempts</dt>
        <dd data-testid="job-attempts">
          {job.attempts} of {job.maxAttempts}
        </dd>
        <dt>Created</dt>
        <dd>{when(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(job.startedAt ?? null)}</dd>
        <dt>Finished</dt>
        <dd>{when(job.finishedAt)}</dd>
        {p && (
          <>
            <dt>Progress</dt>
            <dd>
              {p.done.toLocaleString('en-US')}
              {p.total !== null ? ` of ${p.total.toLocaleString('en-US')}` : ''}
              {pct !== null ? ` (${pct}%)` : ''}
              {p.failed > 0 && ` · ${p.failed.toLocaleString('en-US')} failed`}
              {p.skipped > 0 && ` · ${p.skipped.toLocaleString('en-US')} skipped`}
            </dd>
            {job.status === 'running' && (
              <>
                <dt>Rate</dt>
                <dd>{p.ratePerSec === null ? '—' : `${Math.round(p.ratePerSec).toLocaleString('en-US')}/s`}</dd>
                <dt>ETA</dt>
                <dd>{p.etaMs === null ? '—' : eta(p.etaMs)}</dd>
              </>
            )}
            {p.note && (
              <>
                <dt>Note</dt>
                <dd>{p.note}</dd>
              </>
            )}
          </>
        )}
        {job.parentId != null && (
          <>
            <dt>Queued by</dt>
            <dd>
              {parent ? (
                <button type="button" className="link" onClick={() => onOpen(parent.id)}>
                  {parent.label} #{parent.id}
                </button>
              ) : (
                `job #${job.parentId}`
              )}
            </dd>
          </>
        )}
      </dl>
      {job.status === 'running' && pct !== null && (
        <progress max={100} value={pct} aria-label={`Progress of ${title}`}>
          {pct}%
        </progress>
      )}
      <section className="drawer-section" aria-labelledby={`job-errors-${job.id}`}>
        <h4 id={`job-errors-${job.id}`}>Errors{detail ? ` (${detail.errorCount.toLocaleString('en-US')})` : ''}</h4>
        {job.error && job.status !== 'completed' && (
          <p className="error" data-testid="job-last-error">
            {job.error.message} <span className="hint">({job.error.code})</span>
          </p>
        )}
        {errors.length === 0 && !job.error && <p className="hint">None recorded.</p>}
        {errors.length > 0 && (
          <ul className="problems" aria-label={`Errors of ${title}`}>
            {errors.map((e, i) => (
              <li key={i} className={e.level === 'warning' ? 'warning' : undefined}>
                {e.rowNumber !== null ? `Row ${e.rowNumber}: ` : ''}
                {e.message}
              </li>
            ))}
          </ul>
        )}
        {detail && detail.errorCount > errors.length && (
          <p className="hint">The newest {errors.length} are shown; the import's error report has them all.</p>
        )}
      </section>
      <section className="drawer-section" aria-labelledby={`job-log-${job.id}`}>
        <h4 id={`job-log-${job.id}`}>Log</h4>
        {detail && detail.log.length === 0 && <p className="hint">Nothing logged yet.</p>}
        {detail && detail.log.length > 0 && (
          <ol className="job-log" aria-label={`Log of ${title}`}>
            {detail.log.map((l, i) => (
              <li key={i} className={`log-${l.level}`}>
                <time dateTime={new Date(l.at).toISOString()}>{when(l.at)}</time>{' '}
                {l.level !== 'info' && <span className="log-level">{l.level}</span>}{' '}
                <span className="log-message">{l.message}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}

const WAIT_LABEL: Record<NonNullable<JobDetailView['waitingFor']>['reason'], string> = {
  network: 'the network',
  rate_limit: "Amazon's rate limit",
  schedule: 'its start time',
  retry: 'its next attempt',
  paused: 'you to resume it',
  queue_paused: 'the queue to resume',
  stopping: 'its task to stop',
  concurrency: 'a slot of its kind',
  turn: 'its turn',
  worker: 'a free worker',
};
