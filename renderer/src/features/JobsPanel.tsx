import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ImportView, JobView } from '../../../preload/contract/channels.ts';
import { ACTIVE_STATUSES, type JobStatus } from '../../../main/queue/types.ts';
import { call, useApi } from '../api.ts';
import { JobDetail } from './jobs/JobDetail.tsx';
import { percent, speed, statusLabel } from './jobs/format.ts';
import { groupJobs, type JobGroup } from './jobs/groups.ts';

// A paused job is resumed, not paused again; every other unfinished one can be paused.
const PAUSABLE: readonly JobStatus[] = ACTIVE_STATUSES.filter((s) => s !== 'paused');

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

/** "2 running · 3 waiting · 1 failed · 9 jobs": a group's summary. */
function summary(c: JobGroup['counts']): string {
  const parts = [
    c.running && `${c.running} running`,
    c.waiting && `${c.waiting} waiting`,
    c.scheduled && `${c.scheduled} scheduled`,
    c.failed && `${c.failed} failed`,
    c.completed && `${c.completed} done`,
  ].filter(Boolean);
  return `${parts.join(' · ')}${parts.length ? ' · ' : ''}${c.total} ${c.total === 1 ? 'job' : 'jobs'}`;
}

/**
 * The jobs, grouped by the price list they work for (an import and its follow-ups), with live progress, the actions
 * each state allows and a detail beside them: attempts, times, what it waits for, its errors and log tail.
 */
export function JobsPanel({ jobs, imports }: { jobs: ReadonlyMap<number, JobView>; imports: readonly ImportView[] }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [show, setShow] = useState<(typeof SHOWS)[number]['id']>('all');
  const [openId, setOpenId] = useState<number | null>(null);
  // Groups the user folded or unfolded; the rest follow the default: unfolded while something runs, waits or failed
  // (a sweep scheduled for later does not count), and the newest list always.
  const [folded, setFolded] = useState<ReadonlyMap<string, boolean>>(new Map());
  const opener = useRef<HTMLElement | null>(null);

  useEffect(
    () =>
      api.onEvent((e) => {
        // A notification was clicked: open that job's detail.
        if (e.type === 'navigate') setOpenId(e.to.jobId);
      }),
    [api],
  );

  const all = [...jobs.values()];
  const groups = useMemo(() => groupJobs(jobs.values(), imports), [jobs, imports]);
  const filter = SHOWS.find((f) => f.id === show)!.has;
  const failed = all.filter((j) => j.status === 'failed').length;
  const act = (p: Promise<unknown>) => p.then(() => setError(null)).catch((e: Error) => setError(e.message));
  const isFolded = (g: JobGroup) =>
    folded.get(g.key) ?? (g.counts.running + g.counts.waiting + g.counts.failed === 0 && g !== groups[0]);
  const openJob = openId !== null ? (jobs.get(openId) ?? null) : null;
  const openDetail = (id: number, from: HTMLElement | null) => {
    opener.current = from;
    setOpenId(id);
  };
  const closeDetail = () => {
    setOpenId(null);
    // Back where the user was: the button that opened it.
    opener.current?.focus();
  };

  /** J / K move to the next / previous job (its Details button: Enter opens it), as in the products table. */
  const onRowKey = (e: KeyboardEvent<HTMLElement>) => {
    if ((e.key !== 'j' && e.key !== 'k') || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement).closest('input, select, textarea')) return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('li.job button[aria-label^="Details of"]')];
    if (buttons.length === 0) return;
    e.preventDefault();
    const here = (e.target as HTMLElement).closest('li.job');
    const at = buttons.findIndex((b) => b.closest('li.job') === here);
    const next = at < 0 ? 0 : Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'j' ? 1 : -1)));
    buttons[next]!.focus();
  };

  return (
    <section className="card" aria-label="Jobs" onKeyDown={onRowKey}>
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
              {f.label} {all.filter(f.has).length}
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
      {!all.some((j) => j.kind === 'import' || j.kind === 'catalog_import') && (
        <p className="hint">
          No jobs yet. Drop a supplier CSV anywhere in this window — or{' '}
          <button type="button" onClick={() => act(call(api.app.trySample()))}>
            Try with sample data
          </button>{' '}
          (a small supplier list and reference catalog that run the whole flow offline).
        </p>
      )}
      <div className={openJob ? 'jobs-layout with-detail' : 'jobs-layout'}>
        <div className="job-groups">
          {groups.map((g) => {
            const shown = g.jobs.filter(({ job }) => filter(job));
            if (!shown.length) return null;
            const closed = isFolded(g);
            const body = `job-group-${g.key}`;
            return (
              <section key={g.key} className="job-group" aria-labelledby={`${body}-title`} data-testid={body}>
                <h3 className="job-group-head">
                  <button
                    type="button"
                    id={`${body}-title`}
                    className="job-group-toggle"
                    aria-expanded={!closed}
                    aria-controls={body}
                    onClick={() => setFolded((m) => new Map(m).set(g.key, !closed))}
                  >
                    <span className="job-group-caret" aria-hidden="true">
                      {closed ? '▸' : '▾'}
                    </span>
                    <span className="job-group-title">{g.title}</span>
                    <span className="job-group-summary" data-testid={`${body}-summary`}>
                      {summary(g.counts)}
                    </span>
                  </button>
                </h3>
                <ul className="jobs" id={body} hidden={closed}>
                  {shown.map(({ job: j, depth }) => (
                    <JobRow
                      key={j.id}
                      job={j}
                      depth={depth}
                      selected={j.id === openId}
                      onDetail={(el) => openDetail(j.id, el)}
                      act={act}
                    />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
        {openJob && (
          <JobDetail
            key={openJob.id}
            job={openJob}
            parent={openJob.parentId != null ? (jobs.get(openJob.parentId) ?? null) : null}
            onOpen={(id) => setOpenId(id)}
            onClose={closeDetail}
          />
        )}
      </div>
    </section>
  );
}

/** One job's line: title, status, progress with rate and ETA, result counts and the actions its state allows. */
function JobRow({
  job: j,
  depth,
  selected,
  onDetail,
  act,
}: {
  job: JobView;
  depth: number;
  selected: boolean;
  onDetail(opener: HTMLElement): void;
  act(p: Promise<unknown>): void;
}) {
  const api = useApi();
  const p = j.progress;
  const pct = percent(j);
  const imported = j.kind === 'import' ? j.result : null;
  const rate = speed(j);
  const title = `${j.label} #${j.id}`;
  return (
    <li
      className={selected ? 'job selected' : 'job'}
      data-testid={`job-${j.id}`}
      data-status={j.status}
      data-depth={depth}
      style={{ paddingLeft: `calc(${Math.min(depth, 4)} * var(--space-5))` }}
      tabIndex={-1}
    >
      <span className="job-title">
        {depth > 0 && (
          <span className="job-branch" aria-hidden="true">
            ↳{' '}
          </span>
        )}
        {title}
      </span>
      <span className={`chip chip-${j.status}`}>{statusLabel(j)}</span>
      {j.status === 'running' ? (
        <progress max={100} value={pct ?? undefined} aria-label={`Progress of ${title}`}>
          {pct ?? ''}
        </progress>
      ) : (
        <span />
      )}
      <span className="actions">
        <button
          type="button"
          aria-pressed={selected}
          aria-label={`Details of ${title}`}
          onClick={(e) => onDetail(e.currentTarget)}
        >
          Details
        </button>
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
      </span>
      {rate && <span className="note">{rate}</span>}
      {p?.note && j.status === 'running' && <span className="note">{p.note}</span>}
      {counts(j) && <span className="counts">{counts(j)}</span>}
      {j.error && j.status !== 'completed' && <span className="error">{j.error.message}</span>}
    </li>
  );
}
