import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ImportView, JobView, ListSummary, ProductFilters } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { fmtInt } from '../products/format.ts';
import { DiffPanel } from './DiffPanel.tsx';
import { StageBars } from './stages.tsx';

/** "Dec 3, 12:01 PM" this year, "Dec 3, 2025, 12:01 PM" before: the Lists table must fit a 1280-pixel window. */
const when = (ms: number) => {
  const d = new Date(ms);
  return d.toLocaleString('en-US', {
    month: 'short',
    day: 'numeric',
    ...(d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  });
};

/** While a stage of a list is under way, its counts (found, verdicts) are read again this often. */
const REFRESH_MS = 4000;
const BUSY: ReadonlySet<string> = new Set(['queued', 'running', 'waiting']);
/** How soon to look again for the list of an import job that has started. */
const SOON_MS = 1000;
const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** A list main has not summed up yet (just started): its import job alone, the rest to come. */
function basicSummary(i: ImportView): ListSummary {
  const later = (stage: 'lookup' | 'pricing' | 'analysis') => ({
    stage,
    state: 'pending' as const,
    jobIds: [],
    done: 0,
    total: null,
    ratePerSec: null,
    etaMs: null,
  });
  return {
    id: i.id,
    jobId: i.jobId,
    fileName: i.fileName,
    status: i.status as ListSummary['status'],
    supplier: null,
    previousId: null,
    counts: i.counts,
    createdAt: i.createdAt,
    finishedAt: null,
    products: 0,
    found: 0,
    analysed: 0,
    lookupPending: 0,
    verdicts: { buy: 0, check: 0, skip: 0 },
    stages: [
      {
        stage: 'import',
        state: i.status === 'completed' ? 'done' : 'running',
        jobIds: i.jobId !== null ? [i.jobId] : [],
        done: 0,
        total: null,
        ratePerSec: null,
        etaMs: null,
      },
      later('lookup'),
      later('pricing'),
      later('analysis'),
    ],
  };
}

/**
 * The lists main summed up, read again when a list is added, when any job changes state (a follow-up queued, a stage
 * finished), and every few seconds while a stage runs (found and verdict counts grow as lookups and decisions land).
 */
function useListSummaries(imports: ImportView[], jobs: ReadonlyMap<number, JobView>) {
  const api = useApi();
  const [lists, setLists] = useState<ListSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // One read at a time; a reason to read again while one is out makes one more when it is back.
  const busy = useRef(false);
  const again = useRef(false);
  const live = useRef(true);
  const load = useCallback(() => {
    if (busy.current) return void (again.current = true);
    busy.current = true;
    call(api.imports.lists({ limit: 100 }))
      .then((l) => {
        if (!live.current) return;
        setLists(l);
        setProblem(null);
      })
      .catch((e: Error) => live.current && setProblem(e.message))
      .finally(() => {
        busy.current = false;
        if (again.current && live.current) {
          again.current = false;
          load();
        }
      });
  }, [api]);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );
  // Job states, not progress: progress comes ten times a second and moves the bars without asking main.
  const states = useMemo(
    () =>
      [...jobs.values()]
        .map((j) => `${j.id}:${j.status}`)
        .sort()
        .join(','),
    [jobs],
  );
  useEffect(() => {
    live.current = true;
    load();
  }, [load, imports, states]);
  const running = lists?.some((l) => l.stages.some((s) => BUSY.has(s.state))) ?? false;
  // An import job main has no list for yet (its list is written once the job has started reading): soon it will.
  const known = new Set((lists ?? []).map((l) => l.jobId));
  const coming = [...jobs.values()].some(
    (j) => j.kind === 'import' && !FINISHED.has(j.status) && j.status !== 'scheduled' && !known.has(j.id),
  );
  const every = coming ? SOON_MS : running ? REFRESH_MS : null;
  useEffect(() => {
    if (every === null) return;
    const timer = setInterval(load, every);
    return () => clearInterval(timer);
  }, [every, load]);
  return { lists, problem };
}

/** Found share: "67 %" of the list's products with an ASIN. */
function FoundCell({ l, summed }: { l: ListSummary; summed: boolean }) {
  if (!summed || l.products === 0) return <td className="num">–</td>;
  const pct = Math.round((l.found / l.products) * 100);
  return (
    <td className="num" title={`${fmtInt(l.found)} of ${fmtInt(l.products)} products have an ASIN`}>
      {pct} %
      <span className="visually-hidden">
        {' '}
        found ({fmtInt(l.found)} of {fmtInt(l.products)})
      </span>
    </td>
  );
}

function VerdictCounts({ l, summed }: { l: ListSummary; summed: boolean }) {
  if (!summed) return <span className="hint">–</span>;
  const v = l.verdicts;
  return (
    <span className="verdict-counts" data-testid={`verdicts-${l.id}`}>
      <span className="verdict verdict-buy" data-count={v.buy}>
        <span aria-hidden="true">✓</span> {fmtInt(v.buy)}
        <span className="visually-hidden"> buy</span>
      </span>
      <span className="verdict verdict-check" data-count={v.check}>
        <span aria-hidden="true">!</span> {fmtInt(v.check)}
        <span className="visually-hidden"> check</span>
      </span>
      <span className="verdict verdict-skip" data-count={v.skip}>
        <span aria-hidden="true">✕</span> {fmtInt(v.skip)}
        <span className="visually-hidden"> skip</span>
      </span>
    </span>
  );
}

/**
 * One row per imported price list: supplier, file, date, rows, a bar per stage (import → ASIN lookup → pricing →
 * analysis) with rate and ETA, found share and buy / check / skip; its products, what changed since the supplier's
 * last list, and the list exported back in its own shape through the save dialog.
 */
export function ListsView({
  imports,
  jobs,
  onShowProducts,
  onOpenFile,
  onTrySample,
}: {
  imports: ImportView[];
  jobs: ReadonlyMap<number, JobView>;
  onShowProducts(f: ProductFilters): void;
  onOpenFile(): void;
  onTrySample(): void;
}) {
  const api = useApi();
  const { lists, problem } = useListSummaries(imports, jobs);
  const [diffOf, setDiffOf] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [exporting, setExporting] = useState<number | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);

  // Main's summaries, with any list it has not summed up yet (just started) from the imports list.
  const rows = useMemo(() => {
    const byId = new Map<number, ListSummary>((lists ?? []).map((l) => [l.id, l]));
    for (const i of imports) if (!byId.has(i.id)) byId.set(i.id, basicSummary(i));
    return [...byId.values()].sort((a, b) => b.id - a.id);
  }, [lists, imports]);

  const exportList = async (l: ListSummary, format: 'csv' | 'xlsx') => {
    setExporting(l.id);
    setNotice(null);
    try {
      const base = l.fileName.replace(/\.[^.]*$/, '') || `list-${l.id}`;
      const { path } = await call(api.app.pickSavePath({ purpose: 'export', defaultName: `${base}-pallet.${format}` }));
      if (!path) return;
      // The name chosen in the dialog says the format when it ends in one; else the button's.
      const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
      const r = await call(
        api.imports.exportBack({ importId: l.id, path, ...(ext === 'csv' || ext === 'xlsx' ? {} : { format }) }),
      );
      setNotice({ text: `Exported ${fmtInt(r.rows)} rows of ${l.fileName} to ${r.path}`, error: false });
    } catch (e) {
      setNotice({ text: `Could not export ${l.fileName}: ${(e as Error).message}`, error: true });
    } finally {
      setExporting(null);
    }
  };

  const anyJob = [...jobs.values()].some((j) => j.kind === 'import' || j.kind === 'catalog_import');
  if (rows.length === 0)
    return (
      <section className="card empty" aria-label="Price lists">
        <h2>No price lists yet</h2>
        <p>
          {anyJob
            ? 'An import is on its way: its list appears here once it starts.'
            : 'Drop a supplier price list (CSV or XLSX) anywhere in this window, or open one.'}
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={onOpenFile}>
            Open file…
          </button>
          <button type="button" onClick={onTrySample}>
            Try with sample data
          </button>
        </div>
        <p className="hint">
          The sample is a small supplier list and reference catalog that run the whole flow offline.
        </p>
      </section>
    );
  // Lists main has counted (the others show no counts rather than zeros).
  const summed = new Set((lists ?? []).map((l) => l.id));
  const diffList = rows.find((l) => l.id === diffOf && l.previousId !== null);
  return (
    <>
      <section className="card lists" aria-label="Price lists">
        {problem && <p role="alert">{problem}</p>}
        <p role="status" className={notice?.error ? 'notice error' : 'notice'}>
          {notice?.text ?? ''}
        </p>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Supplier</th>
              <th scope="col">File</th>
              <th scope="col">Imported</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">
                Found
              </th>
              <th scope="col">Buy · Check · Skip</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => {
              const c = l.counts;
              const rowsTitle = c
                ? `${fmtInt(c.created)} new, ${fmtInt(c.updated)} updated, ${fmtInt(c.rejected)} rejected`
                : undefined;
              const finished = l.status === 'completed';
              return (
                <tr key={l.id} data-testid={`list-${l.id}`} data-status={l.status}>
                  <td>{l.supplier ?? <span className="hint">–</span>}</td>
                  <td>{l.fileName}</td>
                  <td>{when(l.createdAt)}</td>
                  <td className="num" title={rowsTitle}>
                    {fmtInt(c?.rows)}
                    {c && (c.rejected ?? 0) > 0 && <span className="hint"> ({fmtInt(c.rejected)} rejected)</span>}
                  </td>
                  <td>
                    {/* The bars say "done" for a finished list; any other state is said above them. */}
                    {!finished && <span className={`chip chip-${l.status}`}>{l.status}</span>}
                    <StageBars list={l} jobs={jobs} />
                  </td>
                  <FoundCell l={l} summed={summed.has(l.id)} />
                  <td>
                    <VerdictCounts l={l} summed={summed.has(l.id)} />
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="ghost" onClick={() => onShowProducts({ importId: l.id })}>
                        Show products<span className="visually-hidden"> of {l.fileName}</span>
                      </button>
                      {l.previousId !== null && finished && (
                        <button
                          type="button"
                          className="ghost"
                          aria-expanded={diffOf === l.id}
                          aria-controls={diffOf === l.id ? 'list-diff' : undefined}
                          onClick={(e) => {
                            opener.current = e.currentTarget;
                            setDiffOf(diffOf === l.id ? null : l.id);
                          }}
                        >
                          What changed<span className="visually-hidden"> in {l.fileName}</span>
                        </button>
                      )}
                      {finished && (
                        <span className="export-group" role="group" aria-label={`Export ${l.fileName}`}>
                          <span aria-hidden="true" className="hint">
                            Export
                          </span>
                          {(['csv', 'xlsx'] as const).map((f) => (
                            <button
                              key={f}
                              type="button"
                              className="ghost"
                              disabled={exporting === l.id}
                              onClick={() => void exportList(l, f)}
                            >
                              {f.toUpperCase()}…<span className="visually-hidden"> (export {l.fileName})</span>
                            </button>
                          ))}
                        </span>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {diffList && diffList.previousId !== null && (
        <div id="list-diff">
          <DiffPanel
            list={{ ...diffList, previousId: diffList.previousId }}
            onShowProducts={onShowProducts}
            onClose={() => {
              setDiffOf(null);
              opener.current?.focus();
            }}
          />
        </div>
      )}
    </>
  );
}
