import { useEffect, useRef, useState } from 'react';
import type { ListSummary, ProductFilters } from '../../../../preload/contract/channels.ts';
import type { CostChange, DiffItem, ImportDiff, VerdictChange } from '../../../../main/suppliers/diff.ts';
import { call, useApi } from '../../api.ts';
import { fmtInt, fmtMoney } from '../products/format.ts';
import { VERDICT_LABEL } from '../products/VerdictBadge.tsx';

/** How many items of each kind the panel lists (the totals count them all). */
const SHOWN = 50;

type Item = { productId: number; gtin: string | null; name: string | null };

/** A product named in the diff, as a link to it in Products (found by its barcode, else its name). */
function ProductLink({ item, onShow }: { item: Item; onShow(f: ProductFilters): void }) {
  const label = item.name ?? item.gtin ?? `Product #${item.productId}`;
  const search = item.gtin ?? item.name;
  if (!search) return <span>{label}</span>;
  return (
    <button type="button" className="link" onClick={() => onShow({ search })}>
      {label}
      {item.gtin && item.name && <span className="diff-gtin"> {item.gtin}</span>}
    </button>
  );
}

const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${fmtMoney(Math.abs(v))}`;
const pct = (v: number | null) =>
  v === null ? '' : ` (${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v * 100).toFixed(1)} %)`;

/** One kind of change: its heading with the total, and the first items. */
function Group<T extends Item>({
  id,
  title,
  total,
  items,
  detail,
  onShow,
}: {
  id: string;
  title: string;
  total: number;
  items: readonly T[];
  detail(item: T): string;
  onShow(f: ProductFilters): void;
}) {
  return (
    <section className="diff-group" aria-labelledby={id}>
      <h4 id={id}>
        {title} <span className="diff-total">{fmtInt(total)}</span>
      </h4>
      {items.length === 0 ? (
        <p className="hint">None.</p>
      ) : (
        <ul>
          {items.map((it) => (
            <li key={it.productId}>
              <ProductLink item={it} onShow={onShow} />
              <span className="diff-detail">{detail(it)}</span>
            </li>
          ))}
          {total > items.length && <li className="hint">…and {fmtInt(total - items.length)} more</li>}
        </ul>
      )}
    </section>
  );
}

/**
 * What changed in a supplier's list since their previous one: new and dropped items, costs up and down (by how
 * much), verdicts changed; every product a link to it in Products. Esc or Close hands focus back to the opener.
 */
export function DiffPanel({
  list,
  onClose,
  onShowProducts,
}: {
  list: ListSummary & { previousId: number };
  onClose(): void;
  onShowProducts(f: ProductFilters): void;
}) {
  const api = useApi();
  const [diff, setDiff] = useState<ImportDiff | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    setDiff(null);
    setProblem(null);
    call(api.imports.diff({ importA: list.previousId, importB: list.id, limit: SHOWN }))
      .then((d) => live && setDiff(d))
      .catch((e: Error) => live && setProblem(e.message));
    return () => {
      live = false;
    };
  }, [api, list.id, list.previousId]);
  useEffect(() => heading.current?.focus(), [list.id]);

  const cost = (c: CostChange) => `${fmtMoney(c.from)} → ${fmtMoney(c.to)}: ${signed(c.change)}${pct(c.changePct)}`;
  const verdict = (v: VerdictChange) =>
    `${VERDICT_LABEL[v.from]} → ${VERDICT_LABEL[v.to]}` +
    (v.costFrom !== v.costTo ? ` (cost ${fmtMoney(v.costFrom)} → ${fmtMoney(v.costTo)})` : '');
  const costOf = (d: DiffItem) => (d.cost === null ? 'no cost' : fmtMoney(d.cost));
  const title = `What changed in ${list.fileName}`;
  return (
    <section
      className="card diff-panel"
      aria-labelledby={`diff-title-${list.id}`}
      data-testid="diff-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="view-head">
        <h3 id={`diff-title-${list.id}`} ref={heading} tabIndex={-1}>
          {title}
        </h3>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {problem && <p role="alert">{problem}</p>}
      {!diff && !problem && <p role="status">Comparing with the previous list…</p>}
      {diff && (
        <>
          <p className="hint" data-testid="diff-summary">
            Since {diff.a.fileName} ({new Date(diff.a.createdAt).toLocaleDateString('en-US')}
            {diff.a.supplier ? `, ${diff.a.supplier}` : ''}): {fmtInt(diff.totals.added)} new,{' '}
            {fmtInt(diff.totals.dropped)} dropped, {fmtInt(diff.totals.costUp)} cost up, {fmtInt(diff.totals.costDown)}{' '}
            cost down, {fmtInt(diff.totals.verdictChanged)} verdicts changed; {fmtInt(diff.unchanged)} unchanged.
          </p>
          <div className="diff-groups">
            <Group
              id={`diff-new-${list.id}`}
              title="New items"
              total={diff.totals.added}
              items={diff.added}
              detail={costOf}
              onShow={onShowProducts}
            />
            <Group
              id={`diff-dropped-${list.id}`}
              title="Dropped"
              total={diff.totals.dropped}
              items={diff.dropped}
              detail={costOf}
              onShow={onShowProducts}
            />
            <Group
              id={`diff-up-${list.id}`}
              title="Cost up"
              total={diff.totals.costUp}
              items={diff.costUp}
              detail={cost}
              onShow={onShowProducts}
            />
            <Group
              id={`diff-down-${list.id}`}
              title="Cost down"
              total={diff.totals.costDown}
              items={diff.costDown}
              detail={cost}
              onShow={onShowProducts}
            />
            <Group
              id={`diff-verdict-${list.id}`}
              title="Verdict changed"
              total={diff.totals.verdictChanged}
              items={diff.verdictChanged}
              detail={verdict}
              onShow={onShowProducts}
            />
          </div>
        </>
      )}
    </section>
  );
}
