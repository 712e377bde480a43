import { useEffect, useState } from 'react';
import type { JobView } from '../../../preload/contract/channels.ts';
import { api, call } from '../api.ts';

const KIND: Record<string, string> = { import: 'Import', import_undo: 'Undo import', lookup: 'Lookups', analysis: 'Analysis', pricing: 'Amazon prices', images: 'Images', catalog_import: 'Reference catalog' };

function statusLabel(j: JobView): string {
  if (j.status === 'retry_pending') return `retrying at ${new Date(j.runAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  if (j.status === 'waiting_network') return 'waiting for network';
  return j.status;
}

function counts(j: JobView): string | null {
  const r = j.result as Record<string, number> | null;
  if (j.kind === 'import' && r && typeof r.rows === 'number') return `${r.rows} rows: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${r.rejected} rejected`;
  return null;
}

/** Every job with live progress, status and the actions that apply to it. */
export function JobsPanel() {
  const [jobs, setJobs] = useState<Map<number, JobView>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const off = api!.onEvent((e) => {
      if (e.type === 'job') setJobs((cur) => new Map(cur).set(e.job.id, e.job));
      // A notification was clicked: bring that job into view and focus it.
      if (e.type === 'navigate') {
        const el = document.querySelector<HTMLElement>(`[data-testid="job-${e.to.jobId}"]`);
        el?.scrollIntoView({ block: 'center' });
        el?.focus();
      }
    });
    call(api!.jobs.list({ limit: 100 }))
      .then((list) => live && setJobs((cur) => new Map([...list.map((j) => [j.id, j] as const), ...cur])))
      .catch((e: Error) => setError(e.message));
    return () => {
      live = false;
      off();
    };
  }, []);

  const act = (p: Promise<unknown>) => p.catch((e: Error) => setError(e.message));
  const sorted = [...jobs.values()].sort((a, b) => b.id - a.id);
  return (
    <section className="card" aria-label="Jobs">
      <h2>Jobs</h2>
      {error && <p role="alert">{error}</p>}
      {sorted.length === 0 && (
        <p className="hint">
          No jobs yet. Drop a supplier CSV anywhere in this window — or{' '}
          <button type="button" onClick={() => act(call(api!.app.trySample()))}>
            Try with sample data
          </button>{' '}
          (a small supplier list and reference catalog that run the whole flow offline).
        </p>
      )}
      <ul className="jobs">
        {sorted.map((j) => {
          const p = j.progress;
          const pct = p && p.total ? Math.min(100, Math.floor((p.done / p.total) * 100)) : null;
          return (
            <li key={j.id} className="job" data-testid={`job-${j.id}`} data-status={j.status} tabIndex={-1}>
              <span className="job-title">
                {KIND[j.kind] ?? j.kind} #{j.id}
              </span>
              <span className={`chip chip-${j.status}`}>{statusLabel(j)}</span>
              {j.status === 'running' && (
                <progress max={100} value={pct ?? undefined} aria-label={`Progress of job ${j.id}`}>
                  {pct ?? ''}
                </progress>
              )}
              {p?.note && j.status === 'running' && <span className="note">{p.note}</span>}
              {counts(j) && <span className="counts">{counts(j)}</span>}
              {j.error && j.status !== 'completed' && <span className="error">{j.error.message}</span>}
              <span className="actions">
                {['queued', 'running', 'paused', 'retry_pending', 'waiting_network', 'scheduled'].includes(j.status) && (
                  <button type="button" onClick={() => act(call(api!.jobs.cancel({ id: j.id })))}>
                    Cancel
                  </button>
                )}
                {(j.status === 'failed' || j.status === 'cancelled') && (
                  <button type="button" onClick={() => act(call(api!.jobs.retry({ id: j.id })))}>
                    Retry
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
