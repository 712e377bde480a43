import type { ImportView, JobView, ProductFilters } from '../../../../preload/contract/channels.ts';
import { fmtInt } from '../products/format.ts';

const when = (ms: number) => new Date(ms).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** The import's own stage: a bar for its job (rows read of the file), finished or not. */
function Stage({ label, job }: { label: string; job: JobView | undefined }) {
  if (!job) return null;
  const p = job.progress;
  const done = job.status === 'completed';
  const pct = done ? 100 : p?.total ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
  const tone = done ? ' done' : job.status === 'failed' ? ' failed' : '';
  return (
    <div className="stage">
      <span>{label}</span>
      <span
        className={`bar${tone}`}
        role="progressbar"
        aria-label={`${label} of job ${job.id}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="num">{done ? 'done' : job.status === 'running' ? `${pct}%` : job.status.replace('_', ' ')}</span>
    </div>
  );
}

/** One row per imported price list: file, date, rows and what became of them, and the import's progress. */
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
  const anyJob = [...jobs.values()].some((j) => j.kind === 'import' || j.kind === 'catalog_import');
  if (imports.length === 0)
    return (
      <section className="card empty" aria-label="Price lists">
        <h2>No price lists yet</h2>
        <p>
          {anyJob
            ? 'An import is on its way: its list appears here once it starts.'
            : 'Drop a supplier price list (CSV) anywhere in this window, or open one.'}
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
  return (
    <section className="card" aria-label="Price lists">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Imported</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              New
            </th>
            <th scope="col" className="num">
              Updated
            </th>
            <th scope="col" className="num">
              Rejected
            </th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => {
            const c = i.counts;
            const job = i.jobId !== null ? jobs.get(i.jobId) : undefined;
            return (
              <tr key={i.id} data-testid={`list-${i.id}`}>
                <td>{i.fileName}</td>
                <td>{when(i.createdAt)}</td>
                <td className="num">{fmtInt(c?.rows)}</td>
                <td className="num">{fmtInt(c?.created)}</td>
                <td className="num">{fmtInt(c?.updated)}</td>
                <td className="num">{fmtInt(c?.rejected)}</td>
                <td>
                  <span className={`chip chip-${i.status}`}>{i.status}</span>
                </td>
                <td>
                  <div className="stages">
                    <Stage label="Import" job={job} />
                  </div>
                </td>
                <td>
                  <button type="button" className="ghost" onClick={() => onShowProducts({ importId: i.id })}>
                    Show products<span className="visually-hidden"> of {i.fileName}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
