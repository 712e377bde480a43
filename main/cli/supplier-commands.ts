// `pallet suppliers`, `pallet diff A B` and `pallet supplier pin`: a supplier's lists over time, read in this process
// (small, indexed reads; nothing here runs a job).
import { openDatabase } from '../db/open.ts';
import { diffImports, DiffError, type CostChange, type DiffItem, type ImportDiff } from '../suppliers/diff.ts';
import { OfferNotFoundError, pinCostSupplier } from '../suppliers/offers.ts';
import { createSupplierStore } from '../suppliers/store.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

const money = (n: number | null) => (n === null ? '—' : n.toFixed(2));
const pct = (p: number | null) => (p === null ? '' : ` (${p > 0 ? '+' : ''}${(p * 100).toFixed(1)}%)`);
const label = (x: { gtin: string | null; name: string | null; productId: number }) =>
  `${x.gtin ?? `#${x.productId}`}  ${x.name ?? ''}`.trimEnd();

/** The lines a person reads for a diff. */
export function formatDiff(d: ImportDiff): string[] {
  const side = (s: ImportDiff['a']) =>
    `#${s.importId} ${s.fileName} (${s.supplier ?? 'no supplier'}, ${s.offers} products)`;
  const lines = [`From ${side(d.a)}`, `  to ${side(d.b)}`];
  if (!d.sameSupplier)
    lines.push('Note: these imports belong to different suppliers; the diff compares their lists all the same.');
  lines.push(
    `${d.totals.added} added, ${d.totals.dropped} dropped, ${d.totals.costUp} cost up, ` +
      `${d.totals.costDown} cost down, ${d.unchanged} unchanged` +
      (d.costMissing ? `, ${d.costMissing} with a cost in one list only` : '') +
      (d.totals.verdictChanged ? `; ${d.totals.verdictChanged} verdicts changed` : '') +
      '.',
  );
  const more = (shown: number, total: number) =>
    total > shown ? [`  … and ${total - shown} more (--json for all)`] : [];
  const items = (title: string, list: DiffItem[], total: number) =>
    list.length
      ? [`${title}:`, ...list.map((x) => `  ${label(x)}  ${money(x.cost)}`), ...more(list.length, total)]
      : [];
  const changes = (title: string, list: CostChange[], total: number) =>
    list.length
      ? [
          `${title}:`,
          ...list.map((c) => `  ${label(c)}  ${money(c.from)} → ${money(c.to)}${pct(c.changePct)}`),
          ...more(list.length, total),
        ]
      : [];
  const verdicts = d.verdictChanged.length
    ? [
        'Verdict changed:',
        ...d.verdictChanged.map(
          (v) =>
            `  ${label(v)}  ${v.from} → ${v.to}` +
            (v.costFrom !== v.costTo ? ` (cost ${money(v.costFrom)} → ${money(v.costTo)})` : ''),
        ),
        ...more(d.verdictChanged.length, d.totals.verdictChanged),
      ]
    : [];
  lines.push(
    ...verdicts,
    ...changes('Cost up', d.costUp, d.totals.costUp),
    ...changes('Cost down', d.costDown, d.totals.costDown),
    ...items('Added', d.added, d.totals.added),
    ...items('Dropped', d.dropped, d.totals.dropped),
  );
  return lines;
}

/** `pallet diff A B [--json]`: what changed from one supplier list to another. */
export function diffCommand(dbPath: string, a: number, b: number, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    // JSON holds every item (bounded only by the lists themselves); people get the 20 largest of each.
    const d = diffImports(db, a, b, o.json ? 1_000_000 : 20);
    if (o.json) o.out(JSON.stringify(d, null, 2));
    else for (const line of formatDiff(d)) o.out(line);
    return 0;
  } catch (err) {
    if (err instanceof DiffError) {
      o.err(`pallet: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}

/** `pallet suppliers [--json]`: every supplier with its imports and offer counts. */
export function suppliersCommand(dbPath: string, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    const list = createSupplierStore(db).list();
    if (o.json) o.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) o.out('No suppliers yet: import a price list with --supplier NAME.');
    else
      for (const s of list) {
        o.out(`${s.name}: ${s.currentOffers} products offered now, ${s.allOffers} ever, ${s.imports.length} imports`);
        for (const i of s.imports) o.out(`  #${i.id}\t${i.status}\t${i.fileName}\t${i.offers} products`);
      }
    return 0;
  } finally {
    db.close();
  }
}

/** `pallet supplier pin PRODUCT SUPPLIER|--none`: the product's cost follows that supplier's offer (or the best). */
export function pinCommand(dbPath: string, productId: number, supplier: string | null, o: Out): number {
  const db = openDatabase(dbPath);
  try {
    let supplierId: number | null = null;
    if (supplier !== null) {
      const found = createSupplierStore(db).byName(supplier);
      if (!found) {
        o.err(`pallet: there is no supplier "${supplier}" (pallet suppliers lists them).`);
        return 1;
      }
      supplierId = found.id;
    }
    db.transaction(() => pinCostSupplier(db, productId, supplierId))();
    const cost = db.prepare('SELECT cost FROM products WHERE id = ?').pluck().get(productId) as number | null;
    const data = { productId, supplier, cost };
    if (o.json) o.out(JSON.stringify(data, null, 2));
    else
      o.out(
        supplier
          ? `Product #${productId} now costs ${money(cost)}: ${supplier}'s offer.`
          : `Product #${productId} now costs ${money(cost)}: the best current offer.`,
      );
    return 0;
  } catch (err) {
    if (err instanceof OfferNotFoundError) {
      o.err(`pallet: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}
