import { useEffect, useRef, useState } from 'react';
import type { JobErrorView, JobView } from '../../../preload/contract/channels.ts';
import { ACTIVE_STATUSES, type JobStatus } from '../../../main/queue/types.ts';
import { call, useApi } from '../api.ts';

// A paused job is resumed, not paused again; every other unfinished one can be paused.
const PAUSABLE: readonly JobStatus[] = ACTIVE_STATUSES.filter((s) => s !== 'paused');

function statusLabel(j: JobView): string {
  if (j.status === 'retry_pending')
    return `retrying at ${new Date(j.runAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  if (j.status === 'waiting_network') return 'waiting for network';
  return j.status;
}

function counts(j: JobView): string | null {
  if (!j.result) return null;
  switch (j.kind) {
    case 'import': {
      const r = j.result;
      return `${r.rows} rows: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${r.rejected} rejected`;
    }
    case 'lookup': {
      const r = j.result;
      return `${r.looked} looked up: ${r.found} found, ${r.notFound} not on Amazon, ${r.ambiguous} to pick`;
    }
    case 'analysis':
      return `${j.result.analyzed} analysed`;
    default:
      return null;
  }
}

/** The job views' filter, as Bull Board and Flower have: all, unfinished, failed, completed. */
const SHOWS = [
  { id: 'all', label: 'All', has: () => true },
  { id: 'active', label: 'Active', has: (j: JobView) => ACTIVE_STATUSES.includes(j.status) },
  { id: 'failed', label: 'Failed', has: (j: JobView) => j.status === 'failed' },
  { id: 'completed', label: 'Completed', has: (j: JobView) => j.status === 'completed' },
] as const;

/** "1,234 rows/s · about 2 min left", from the queue's own rate and ETA. */
function speed(j: JobView): string | null {
  const p = j.progress;
  if (j.status !== 'running' || !p || p.ratePerSec === null) return null;
  const eta =
    p.etaMs === null
      ? ''
      : p.etaMs < 60_000
        ? ` · about ${Math.max(1, Math.round(p.etaMs / 1000))} s left`
        : ` · about ${Math.round(p.etaMs / 60_000)} min left`;
  return `${Math.round(p.ratePerSec).toLocaleString('en-US')}/s${eta}`;
}

/** Every job with live progress, status and the actions that apply to it; problems stream in while it runs. */
export function JobsPanel() {
  const api = useApi();
  const [jobs, setJobs] = useState<Map<number, JobView>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Map<number, JobErrorView[]>>(new Map());
  const [show, setShow] = useState<(typeof SHOWS)[number]['id']>('all');
  const openRef = useRef(open);
  openRef.current = open;

  const loadErrors = (id: number) =>
    call(api.jobs.errors({ id, limit: 20 }))
      .then((list) => setOpen((cur) => (cur.has(id) ? new Map(cur).set(id, list) : cur)))
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    let live = true;
    const off = api.onEvent((e) => {
      if (e.type === 'job') {
        setJobs((cur) => new Map(cur).set(e.job.id, e.job));
        // An open problem list follows its job (events come at most 10 per second per job).
        if (openRef.current.has(e.job.id)) void loadErrors(e.job.id);
      }
      // A notification was clicked: bring that job into view and focus it.
      if (e.type === 'navigate') {
        const el = document.querySelector<HTMLElement>(`[data-testid="job-${e.to.jobId}"]`);
        el?.scrollIntoView({ block: 'center' });
        el?.focus();
      }
    });
    call(api.jobs.list({ limit: 100 }))
      .then((list) => live && setJobs((cur) => new Map([...list.map((j) => [j.id, j] as const), ...cur])))
      .catch((e: Error) => setError(e.message));
    return () => {
      live = false;
      off();
    };
  }, [api]);

  const act = (p: Promise<unknown>) => p.catch((e: Error) => setError(e.message));
  const toggleProblems = (id: number) => {
    if (open.has(id)) setOpen((cur) => new Map([...cur].filter(([k]) => k !== id)));
    else {
      setOpen((cur) => new Map(cur).set(id, []));
      void loadErrors(id);
    }
  };
  const sorted = [...jobs.values()].sort((a, b) => b.id - a.id);
  const failed = sorted.filter((j) => j.status === 'failed').length;
  return (
    <section className="card" aria-label="Jobs">
      <div className="view-head">
        <h2>Jobs</h2>
        <div className="chips" role="group" aria-label="Show jobs">
          {SHOWS.map((f) => (
            <button
              key={f.id}
              type="button"
              className="chip"
              aria-pressed={show === f.id}
              onClick={() => setShow(f.id)}
            >
              {f.label} {sorted.filter(f.has).length}
            </button>
          ))}
        </div>
      </div>
      {error && <p role="alert">{error}</p>}
      {failed > 1 && (
        <p>
          <button type="button" onClick={() => act(call(api.jobs.retryFailed()))}>
            Retry all {failed} failed jobs
          </button>
        </p>
      )}
      {/* Background sweeps exist from the first start: "nothing yet" means nothing imported yet. */}
      {!sorted.some((j) => j.kind === 'import' || j.kind === 'catalog_import') && (
        <p className="hint">
          No jobs yet. Drop a supplier CSV anywhere in this window — or{' '}
          <button type="button" onClick={() => act(call(api.app.trySample()))}>
            Try with sample data
          </button>{' '}
          (a small supplier list and reference catalog that run the whole flow offline).
        </p>
      )}
      <ul className="jobs">
        {sorted.filter(SHOWS.find((f) => f.id === show)!.has).map((j) => {
          const p = j.progress;
          const pct = p && p.total ? Math.min(100, Math.floor((p.done / p.total) * 100)) : null;
          const imported = j.kind === 'import' ? j.result : null;
          const problems = open.get(j.id);
          return (
            <li key={j.id} className="job" data-testid={`job-${j.id}`} data-status={j.status} tabIndex={-1}>
              <span className="job-title">
                {j.label} #{j.id}
              </span>
              <span className={`chip chip-${j.status}`}>{statusLabel(j)}</span>
              {j.status === 'running' && (
                <progress max={100} value={pct ?? undefined} aria-label={`Progress of job ${j.id}`}>
                  {pct ?? ''}
                </progress>
              )}
              {speed(j) && <span className="note">{speed(j)}</span>}
              {p?.note && j.status === 'running' && <span className="note">{p.note}</span>}
              {counts(j) && <span className="counts">{counts(j)}</span>}
              {j.error && j.status !== 'completed' && <span className="error">{j.error.message}</span>}
              <span className="actions">
                {ACTIVE_STATUSES.includes(j.status) && (
                  <button type="button" onClick={() => act(call(api.jobs.cancel({ id: j.id })))}>
                    Cancel
                  </button>
                )}
                {PAUSABLE.includes(j.status) && (
                  <button type="button" onClick={() => act(call(api.jobs.pause({ id: j.id })))}>
                    Pause
                  </button>
                )}
                {j.status === 'paused' && (
                  <button type="button" onClick={() => act(call(api.jobs.resume({ id: j.id })))}>
                    Resume
                  </button>
                )}
                {(j.status === 'failed' || j.status === 'cancelled') && (
                  <button type="button" onClick={() => act(call(api.jobs.retry({ id: j.id })))}>
                    Retry
                  </button>
                )}
                {imported && j.status === 'completed' && (
                  <button type="button" onClick={() => act(call(api.imports.undo({ importId: imported.importId })))}>
                    Undo import
                  </button>
                )}
                {imported?.errorReport && (
                  <button type="button" onClick={() => act(call(api.app.openFile({ path: imported.errorReport! })))}>
                    Open error report
                  </button>
                )}
                {(p?.failed ?? 0) > 0 || j.status === 'failed' ? (
                  <button type="button" aria-expanded={problems !== undefined} onClick={() => toggleProblems(j.id)}>
                    Problems
                  </button>
                ) : null}
              </span>
              {problems && (
                <ul className="problems" aria-label={`Problems of job ${j.id}`}>
                  {problems.length === 0 && <li className="hint">None recorded.</li>}
                  {problems.map((e, i) => (
                    <li key={i}>
                      {e.rowNumber !== null ? `Row ${e.rowNumber}: ` : ''}
                      {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
