import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type Dispatch,
  type KeyboardEvent,
  type SetStateAction,
} from 'react';
import type { ImportView, ProductFilters, ProductRow, SortColumn } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { ColumnChooser } from './ColumnChooser.tsx';
import { COLUMN_BY_ID, type Column } from './columns.tsx';
import { FilterBar as FilterBarView } from './FilterBar.tsx';
import { useColumnLayout } from './prefs.ts';
import { PresetPicker } from './PresetPicker.tsx';
import { ProductDrawer } from './ProductDrawer.tsx';
import { reasonsText, VERDICT_LABEL } from './VerdictBadge.tsx';

// The filter bar does not change while the list scrolls: it renders only when its own props do.
const FilterBar = memo(FilterBarView);
import { fmtInt } from './format.ts';
import { usePagedRows } from './usePagedRows.ts';

const ROW_PX = 32;
// Chromium cannot lay out an element taller than ~33.5 million px: at 32 px a row, that is ~1.04M rows in one list.
const MAX_ROWS = 1_040_000;
// Sorting these starts from the highest (the best first); the rest start from the lowest.
const DESC_FIRST: SortColumn[] = ['roi', 'profit', 'buyBox', 'offers'];

/** The catalog: filtered, sorted and paged in SQLite through IPC, drawn as a virtual list that stays smooth at 1M rows. */
export function ProductsView({
  filters,
  onFilters,
}: {
  filters: ProductFilters;
  onFilters: Dispatch<SetStateAction<ProductFilters>>;
}) {
  const api = useApi();
  const [sort, setSort] = useState<{ col: SortColumn; desc: boolean }>({ col: 'id', desc: false });
  const [refresh, setRefresh] = useState(0);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState<ProductRow | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const [imports, setImports] = useState<ImportView[]>([]);
  const [layout, setLayout] = useColumnLayout();
  const [gridFocused, setGridFocused] = useState(false);
  // A preset replaces the filters: the filter bar starts afresh from them (its fields keep their own text).
  const [barKey, setBarKey] = useState(0);
  const columns = useMemo(
    () => layout.order.filter((c) => !layout.hidden.includes(c)).map((c) => COLUMN_BY_ID.get(c)!),
    [layout],
  );
  // One grid template for the header and every row, set once on the scroll box.
  const gridStyle = useMemo(
    () =>
      ({
        '--cols': `24px ${columns.map((c) => c.width).join(' ')}`,
        '--table-min': `${24 + columns.reduce((n, c) => n + c.min + 6, 0) + 24}px`,
      }) as CSSProperties,
    [columns],
  );
  useEffect(() => {
    call(api.imports.list())
      .then((list) => setImports(list.filter((i) => i.status === 'completed')))
      .catch(() => {});
  }, [api, refresh]);
  const { total, known, error, ensure, row } = usePagedRows(api, filters, sort.col, sort.desc, refresh);
  const scroller = useRef<HTMLDivElement>(null);
  const shown = Math.min(known, MAX_ROWS);
  // Scroll updates render in React's own batches (not synchronously inside each scroll event): no frame carries
  // more than one re-render of the visible rows.
  const v = useVirtualizer({
    count: shown,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    // The sticky header row sits above the rows inside the same scroll box: rows start below it, and a row scrolled
    // to is never left under it.
    paddingStart: ROW_PX,
    scrollPaddingStart: ROW_PX,
    overscan: 12,
    initialRect: { width: 1000, height: 480 },
    useFlushSync: false,
  });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (last >= first) void ensure(first, last);
  }, [first, last, ensure]);
  // New data (a job finished): read the visible rows again.
  useEffect(
    () => api.onEvent((e) => e.type === 'job' && e.job.status === 'completed' && setRefresh((r) => r + 1)),
    [api],
  );

  const reload = () => {
    setRefresh((r) => r + 1);
    setOpen(null);
  };
  const sortBy = (col: SortColumn) =>
    setSort((s) => ({ col, desc: s.col === col ? !s.desc : DESC_FIRST.includes(col) }));
  const move = (to: number) => {
    const i = Math.max(0, Math.min(shown - 1, to));
    setActive(i);
    v.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const page = Math.floor(480 / ROW_PX);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      j: () => move(active + 1),
      k: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(shown - 1),
      Enter: () => setOpen(row(active) ?? null),
      ' ': () => toggle(row(active)?.id),
    };
    if (keys[e.key] && !e.metaKey && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      keys[e.key]!();
    }
  };
  // Stable, so a memoized row re-renders only when its own data, selection or activity changes.
  const toggle = useCallback((id: number | undefined) => {
    if (id === undefined) return;
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const pick = useCallback((index: number, r: ProductRow | undefined) => {
    setActive(index);
    if (r) setOpen(r);
  }, []);
  const retry = (what: { productIds: number[] } | { failed: true }) =>
    call(api.lookups.retry(what))
      .then(({ count }) => {
        setMessage(count ? `${count} products will be looked up again.` : 'Nothing to retry.');
        setSelected(new Set());
        reload();
      })
      .catch((e: Error) => setMessage(e.message));
  /** Asks Amazon again for the selected products: their decide job goes first (products the seller looks at). */
  const decideSelected = () =>
    call(api.products.decide({ ids: [...selected] }))
      .then(() =>
        setMessage(`${fmtInt(selected.size)} products will be checked with Amazon again, ahead of other work.`),
      )
      .catch((e: Error) => setMessage(e.message));
  /** Exports just the selected products, to a file chosen in the save dialog. */
  const exportSelected = () =>
    call(api.app.pickSavePath({ purpose: 'export', defaultName: `pallet-selected-${selected.size}.csv` }))
      .then(({ path }) => (path === null ? null : call(api.products.export({ filters: { ids: [...selected] }, path }))))
      .then((done) => done && setMessage(`Exported ${fmtInt(done.rows)} products to ${done.path}.`))
      .catch((e: Error) => setMessage(e.message));

  // Esc closes the details wherever focus is in the view, and gives the table its focus back.
  const onViewKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return;
    e.preventDefault();
    setOpen(null);
    scroller.current?.focus();
  };
  const activeRow = row(active);
  const applyPreset = (f: ProductFilters) => {
    onFilters((cur) => ({ ...f, search: cur.search }));
    setBarKey((k) => k + 1);
  };
  return (
    <section className={`products${open ? ' with-drawer' : ''}`} aria-label="Products" onKeyDown={onViewKey}>
      <div className="products-main">
        <FilterBar key={barKey} value={filters} onChange={onFilters} imports={imports} />
        <div className="toolbar">
          <strong aria-live="polite">{total === null ? 'Counting…' : `${fmtInt(total)} products`}</strong>
          {selected.size > 0 && <span className="hint">{fmtInt(selected.size)} selected</span>}
          <PresetPicker filters={filters} onApply={applyPreset} />
          <span className="spacer" />
          <ColumnChooser layout={layout} onChange={setLayout} />
          <button type="button" disabled={selected.size === 0} onClick={() => retry({ productIds: [...selected] })}>
            Retry lookup ({selected.size})
          </button>
          <button type="button" disabled={selected.size === 0} onClick={decideSelected}>
            Check with Amazon ({selected.size})
          </button>
          <button type="button" disabled={selected.size === 0} onClick={exportSelected}>
            Export selected ({selected.size})
          </button>
          <button type="button" onClick={() => retry({ failed: true })}>
            Retry all failed lookups
          </button>
        </div>
        {message && <p role="status">{message}</p>}
        {(total ?? 0) > MAX_ROWS && (
          <p className="hint">
            The list shows the first {fmtInt(MAX_ROWS)} in this order: filter or sort to reach the rest.
          </p>
        )}
        {error && <p role="alert">{error}</p>}
        {total === 0 && (
          <p className="hint">
            {Object.values(filters).some((x) => x !== undefined)
              ? 'No product matches these filters.'
              : 'No products yet: drop a supplier CSV anywhere in this window, or try the sample data.'}
          </p>
        )}
        <div
          ref={scroller}
          className="grid-body"
          role="grid"
          aria-rowcount={total === null ? -1 : shown + 1}
          // Busy while the rows in view are being read; the count may still be on its way (the toolbar says so).
          aria-busy={(total === null && known === 0) || items.some((it) => !row(it.index))}
          aria-label="Products"
          aria-describedby="active-reasons"
          tabIndex={0}
          onKeyDown={onKey}
          onFocus={() => setGridFocused(true)}
          onBlur={() => setGridFocused(false)}
          data-testid="products-grid"
          style={gridStyle}
        >
          <div className="grid-head" role="row" aria-rowindex={1}>
            <span role="columnheader" className="cell-check">
              <span className="visually-hidden">Selected</span>
            </span>
            {columns.map((c) => (
              <span
                key={c.id}
                role="columnheader"
                className={c.numeric ? 'num' : undefined}
                title={c.title}
                aria-sort={c.sort && sort.col === c.sort ? (sort.desc ? 'descending' : 'ascending') : undefined}
              >
                {c.sort ? (
                  <button type="button" className="sort" onClick={() => sortBy(c.sort!)}>
                    {c.label}
                    {sort.col === c.sort ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                ) : c.label ? (
                  c.label
                ) : (
                  <span className="visually-hidden">{c.title}</span>
                )}
              </span>
            ))}
          </div>
          <div className="grid-spacer" style={{ height: v.getTotalSize() - ROW_PX }}>
            {items.map((it) => {
              const r = row(it.index);
              return (
                <GridRow
                  key={it.key}
                  index={it.index}
                  top={it.start - ROW_PX}
                  row={r}
                  active={it.index === active}
                  selected={r ? selected.has(r.id) : false}
                  columns={columns}
                  onPick={pick}
                  onToggle={toggle}
                />
              );
            })}
          </div>
        </div>
        {/* The active row's verdict and reasons: what hovering the badge shows, for the keyboard too. */}
        <p id="active-reasons" className="reason-bar" aria-live="polite">
          {gridFocused && activeRow?.verdict ? (
            <>
              <strong>
                {activeRow.name ?? `#${activeRow.id}`}: {VERDICT_LABEL[activeRow.verdict]}
              </strong>{' '}
              — {reasonsText(activeRow.verdictReasons)}
            </>
          ) : (
            <span className="hint">J/K or ↑/↓ move · Space selects · Enter opens the details</span>
          )}
        </p>
      </div>
      {open && (
        <ProductDrawer
          key={open.id}
          product={open}
          onChanged={reload}
          onClose={() => {
            setOpen(null);
            scroller.current?.focus();
          }}
        />
      )}
    </section>
  );
}

/**
 * One row of the grid, memoized: while scrolling, only rows that come into view render; the ones already drawn keep
 * their DOM untouched (their props — row object, position, selection — do not change).
 */
const GridRow = memo(function GridRow({
  index,
  top,
  row: r,
  active,
  selected,
  columns,
  onPick,
  onToggle,
}: {
  index: number;
  top: number;
  row: ProductRow | undefined;
  active: boolean;
  selected: boolean;
  columns: Column[];
  onPick(index: number, r: ProductRow | undefined): void;
  onToggle(id: number | undefined): void;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`grid-row${active ? ' active' : ''}${r?.analysis?.flags.includes('winner') ? ' winner' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_PX }}
      onClick={() => onPick(index, r)}
    >
      {r ? (
        <>
          <span role="gridcell" className="cell-check">
            <input
              type="checkbox"
              aria-label={`Select ${r.name ?? r.id}`}
              checked={selected}
              onChange={() => onToggle(r.id)}
              onClick={(e) => e.stopPropagation()}
              tabIndex={-1}
            />
          </span>
          {columns.map((c) => (
            <span key={c.id} role="gridcell" className={c.numeric ? 'num' : undefined}>
              {c.cell(r)}
            </span>
          ))}
        </>
      ) : (
        <span role="gridcell" className="loading">
          Loading…
        </span>
      )}
    </div>
  );
});
