import { useEffect, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AnalysisStats, ProductFilters, Targets } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { fmtInt, fmtMoney } from '../products/format.ts';

const WIN = 'var(--chart-win)';
const REST = 'var(--chart-rest)';
// Verdict colours as the badges use them (tokens in styles.css, light and dark).
const VERDICT_FILL = { buy: 'var(--success)', check: 'var(--warning)', skip: 'var(--danger)' };

const today = () => new Date().toISOString().slice(0, 10);

const parse = (text: string, scale = 1): number | undefined => {
  const n = Number(text.replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n / scale;
};

/** The seller's targets, the charts they read at a glance (winners highlighted), and the actions that follow. */
export function AnalysisView({ onShowWinners }: { onShowWinners(f: ProductFilters): void }) {
  const api = useApi();
  const [form, setForm] = useState({ minRoi: '30', minProfit: '3', maxRank: '' });
  // Start from the targets in Settings.
  useEffect(() => {
    call(api.settings.get())
      .then(({ settings: s }) =>
        setForm({
          minRoi: String(Math.round(s.targetMinRoi * 1000) / 10),
          minProfit: String(s.targetMinProfit),
          maxRank: s.targetMaxRank === null ? '' : String(s.targetMaxRank),
        }),
      )
      .catch(() => {});
  }, [api]);
  const [stats, setStats] = useState<AnalysisStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const targets: Targets = {
    minRoi: parse(form.minRoi, 100),
    minProfit: parse(form.minProfit),
    maxRank: parse(form.maxRank) !== undefined ? Math.max(1, Math.round(parse(form.maxRank)!)) : undefined,
  };
  const key = JSON.stringify(targets);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      call(api.products.stats({ filters: {}, targets }))
        .then((s) => live && (setStats(s), setError(null)))
        .catch((e: Error) => live && setError(e.message));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key, refresh]);
  useEffect(
    () =>
      api.onEvent(
        (e) =>
          // The analysis, and the decide job that analyses and gives verdicts (after lookups, or offline from the
          // reference catalog), both change what the charts draw.
          e.type === 'job' &&
          (e.job.kind === 'analysis' || e.job.kind === 'decide') &&
          e.job.status === 'completed' &&
          setRefresh((r) => r + 1),
      ),
    [api],
  );

  const winners: ProductFilters = { minRoi: targets.minRoi, minProfit: targets.minProfit, maxRank: targets.maxRank };
  const reanalyse = () =>
    call(api.analysis.start({ all: true, targets }))
      .then(({ jobIds }) =>
        setMessage(`Analysing every product (${jobIds.length} jobs); the charts update when they finish.`),
      )
      .catch((e: Error) => setError(e.message));
  // Where the file goes is the seller's choice, in the OS's save dialog; cancelling it exports nothing.
  const exportWinners = () =>
    call(api.app.pickSavePath({ purpose: 'export', defaultName: `pallet-winners-${today()}.csv` }))
      .then(({ path }) => (path === null ? null : call(api.products.export({ filters: winners, path }))))
      .then((done) => {
        if (!done) return;
        const { path, rows } = done;
        setMessage(`Exported ${fmtInt(rows)} winners to ${path}`);
        setExported(path);
      })
      .catch((e: Error) => setError(e.message));

  const field = (k: keyof typeof form, label: string) => (
    <label>
      {label}
      <input inputMode="decimal" value={form[k]} onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))} />
    </label>
  );
  const buckets =
    stats?.roiBuckets.map((b) => ({ ...b, label: `${Math.round(b.from * 100)}%`, rest: b.count - b.winners })) ?? [];
  // Oldest list at the top, as lists are read; long file names shortened for the axis.
  const lists = [...(stats?.verdictsByList ?? [])]
    .reverse()
    .map((l) => ({ ...l, label: l.file.length > 22 ? `${l.file.slice(0, 21)}…` : l.file }));
  return (
    <section className="analysis" aria-label="Analysis">
      <div className="view-head">
        <h2>Analysis</h2>
      </div>
      <div className="filters" role="group" aria-label="Your targets">
        {field('minRoi', 'ROI ≥ %')}
        {field('minProfit', 'Profit ≥ $')}
        {field('maxRank', 'Rank ≤ (empty: any)')}
        <button type="button" onClick={reanalyse}>
          Re-analyse all with these targets
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {message && <p role="status">{message}</p>}
      {exported && (
        <p>
          <button
            type="button"
            onClick={() => call(api.app.revealFile({ path: exported })).catch((e: Error) => setError(e.message))}
          >
            Show the export in its folder
          </button>
        </p>
      )}
      {stats && stats.analysed === 0 && (
        <p className="hint">
          Nothing analysed yet. Products are analysed once their ASIN is found (or they have a price): import a list and
          let the lookups run.
        </p>
      )}
      {stats && stats.analysed > 0 && (
        <>
          <p aria-live="polite" data-testid="winners-summary">
            <strong>{fmtInt(stats.winners)}</strong> of {fmtInt(stats.analysed)} analysed products meet your targets.{' '}
            <button type="button" onClick={() => onShowWinners(winners)}>
              Show winners
            </button>{' '}
            <button type="button" onClick={exportWinners}>
              Export winners (CSV)…
            </button>
          </p>
          <div className="charts">
            <figure>
              <figcaption>ROI distribution (products per 10-point band; winners highlighted)</figcaption>
              <BarChart width={480} height={260} data={buckets} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" interval={2} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="winners" name="Winners" stackId="n" fill={WIN} isAnimationActive={false} />
                <Bar dataKey="rest" name="Others" stackId="n" fill={REST} isAnimationActive={false} />
              </BarChart>
            </figure>
            <figure>
              <figcaption>Profit per unit against sales rank (lower rank sells faster)</figcaption>
              {stats.points.length === 0 && (
                <p className="hint">
                  No sales ranks yet: they come with SP-API lookups (Settings → credentials) or a reference catalog with
                  a sales rank column.
                </p>
              )}
              <ScatterChart width={480} height={260} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  type="number"
                  dataKey="rank"
                  name="Sales rank"
                  scale="log"
                  domain={['auto', 'auto']}
                  tickFormatter={(v: number) => fmtInt(v)}
                />
                <YAxis type="number" dataKey="profit" name="Profit" tickFormatter={(v: number) => fmtMoney(v)} />
                <Tooltip formatter={(v, n) => (n === 'Profit' ? fmtMoney(Number(v)) : fmtInt(Number(v)))} />
                {targets.minProfit !== undefined && (
                  <ReferenceLine y={targets.minProfit} stroke={WIN} strokeDasharray="4 4" />
                )}
                {targets.maxRank !== undefined && (
                  <ReferenceLine x={targets.maxRank} stroke={WIN} strokeDasharray="4 4" />
                )}
                <Scatter data={stats.points} isAnimationActive={false}>
                  {stats.points.map((p) => (
                    <Cell key={p.id} fill={p.winner ? WIN : REST} />
                  ))}
                </Scatter>
              </ScatterChart>
            </figure>
            <figure>
              <figcaption>Verdicts per list (buy, check, skip)</figcaption>
              {lists.length === 0 && (
                <p className="hint">No verdicts yet: they come once a list's products are decided.</p>
              )}
              <BarChart width={480} height={260} data={lists} layout="vertical" accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={150} />
                <Tooltip />
                <Legend />
                <Bar dataKey="buy" name="Buy" stackId="v" fill={VERDICT_FILL.buy} isAnimationActive={false} />
                <Bar dataKey="check" name="Check" stackId="v" fill={VERDICT_FILL.check} isAnimationActive={false} />
                <Bar dataKey="skip" name="Skip" stackId="v" fill={VERDICT_FILL.skip} isAnimationActive={false} />
              </BarChart>
            </figure>
          </div>
        </>
      )}
    </section>
  );
}
