import { basename } from 'node:path';
import type { Db } from '../db/open.ts';
import { offerRows } from './offer-rows.ts';

/** A supplier as listed: its imports and how many products it offers now. */
export interface SupplierSummary {
  id: number;
  name: string;
  createdAt: number;
  /** The supplier's imports, newest first (undone ones included, marked by their status). */
  imports: { id: number; fileName: string; status: string; createdAt: number; offers: number }[];
  /** Products its latest completed list offered. */
  currentOffers: number;
  /** Products it ever offered (a later list may have dropped some). */
  allOffers: number;
}

/** A supplier name from a person or a file: trimmed, inner spaces folded, 1–100 characters. */
export function cleanSupplierName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length === 0) throw new SupplierNameError('A supplier name cannot be empty.');
  if (clean.length > 100) throw new SupplierNameError('A supplier name has at most 100 characters.');
  return clean;
}

/** A supplier name that cannot be used. */
export class SupplierNameError extends Error {}

// Words that name the kind of file, not the supplier: "Acme_Pricelist_2026-11.csv" → "Acme".
const LIST_WORDS = new Set([
  'price',
  'prices',
  'pricelist',
  'pricing',
  'list',
  'catalog',
  'catalogue',
  'export',
  'stock',
  'inventory',
  'offer',
  'offers',
  'sheet',
  'products',
  'items',
  'feed',
  'preisliste',
  'tarif',
  'tarifs',
  'listino',
  'prijslijst',
  'final',
  'new',
  'updated',
  'copy',
]);

/** The supplier a file name suggests: its leading words before a date, a number or a word like "pricelist". */
export function supplierFromFileName(fileName: string): string | null {
  const stem = fileName.replace(/\.[^.]*$/, '');
  const words: string[] = [];
  for (const w of stem.split(/[\s_\-.,()[\]]+/).filter(Boolean)) {
    if (/\d/.test(w) || LIST_WORDS.has(w.toLowerCase())) break;
    words.push(w);
  }
  const name = words.join(' ').trim();
  return name.length >= 2 && name.length <= 100 ? name : null;
}

/** Where an import's supplier came from. */
export type SupplierSource = 'given' | 'remembered' | 'file name';

/** The import's supplier: the seller's, else the one remembered with the mapping, else the file name's. */
export function proposeSupplier(
  given: string | undefined,
  remembered: string | null,
  path: string,
): { supplier: string | null; supplierSource: SupplierSource | null } {
  if (given !== undefined) return { supplier: cleanSupplierName(given), supplierSource: 'given' };
  if (remembered) return { supplier: remembered, supplierSource: 'remembered' };
  const fromName = supplierFromFileName(basename(path));
  return fromName ? { supplier: fromName, supplierSource: 'file name' } : { supplier: null, supplierSource: null };
}

/** The `suppliers` table. */
export function createSupplierStore(db: Db) {
  const stmt = {
    byName: db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM suppliers WHERE name = ?'),
    insert: db.prepare('INSERT INTO suppliers (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
    list: db.prepare<[], { id: number; name: string; created_at: number }>(
      'SELECT id, name, created_at FROM suppliers ORDER BY name',
    ),
    imports: db.prepare<
      { sup: number },
      { id: number; fileName: string; status: string; createdAt: number; offers: number }
    >(
      `SELECT l.id, l.file_name AS fileName, l.status, l.created_at AS createdAt,
         (SELECT count(*) FROM ${offerRows('i.id = l.id')}) AS offers
       FROM imports l WHERE l.supplier_id = :sup ORDER BY l.id DESC`,
    ),
    // Current: the latest completed list's offers. Ever: the products of all its completed lists, once each.
    offerCounts: db.prepare<{ sup: number }, { current: number; total: number }>(
      `SELECT (SELECT count(*) FROM ${offerRows(
        `i.id = (SELECT max(id) FROM imports WHERE supplier_id = :sup AND status = 'completed')`,
      )}) AS current,
         (SELECT count(DISTINCT product_id) FROM ${offerRows(`i.supplier_id = :sup AND i.status = 'completed'`)}) AS total`,
    ),
  };
  return {
    /** The supplier's id by name (any case), created when new. */
    ensure(name: string): number {
      const clean = cleanSupplierName(name);
      stmt.insert.run(clean, Date.now());
      return stmt.byName.get(clean)!.id;
    },
    /** The supplier of that name (any case), if known. */
    byName(name: string): { id: number; name: string } | null {
      return stmt.byName.get(name.trim()) ?? null;
    },
    /** Every supplier with its imports and offer counts. */
    list(): SupplierSummary[] {
      return stmt.list.all().map((s) => {
        const c = stmt.offerCounts.get({ sup: s.id })!;
        return {
          id: s.id,
          name: s.name,
          createdAt: s.created_at,
          imports: stmt.imports.all({ sup: s.id }),
          currentOffers: c.current,
          allOffers: c.total,
        };
      });
    },
  };
}
export type SupplierStore = ReturnType<typeof createSupplierStore>;

/** The supplier remembered with a saved mapping (files with the same headers come from the same supplier). */
export function rememberedSupplier(db: Db, fingerprint: string): string | null {
  return (
    (db.prepare('SELECT supplier FROM supplier_mappings WHERE fingerprint = ?').pluck().get(fingerprint) as
      string | null | undefined) ?? null
  );
}

/** Remembers the supplier with the saved mapping of these headers (no-op when no mapping is saved for them). */
export function rememberSupplier(db: Db, fingerprint: string, supplier: string): void {
  db.prepare('UPDATE supplier_mappings SET supplier = ? WHERE fingerprint = ?').run(supplier, fingerprint);
}
