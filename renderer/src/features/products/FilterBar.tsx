import { useEffect, useRef, useState } from 'react';
import type { ImportView, ProductFilters } from '../../../../preload/contract/channels.ts';
import { LOOKUP_LABEL } from './format.ts';

const STATUSES = ['found', 'ambiguous', 'not_found', 'pending', 'retry_pending', 'failed', 'no_barcode'] as const;

const num = (text: string, scale = 1): number | undefined => {
  const n = Number(text.replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n / scale;
};

/** Filters of the products table: text search, lookup status chips, ROI ≥, profit ≥, rank ≤, brand. */
export function FilterBar({
  value,
  onChange,
  imports = [],
}: {
  value: ProductFilters;
  onChange(f: ProductFilters): void;
  imports?: ImportView[];
}) {
  const [text, setText] = useState({
    search: value.search ?? '',
    brand: value.brand ?? '',
    minRoi: value.minRoi !== undefined ? String(Math.round(value.minRoi * 1000) / 10) : '',
    minProfit: value.minProfit !== undefined ? String(value.minProfit) : '',
    maxRank: value.maxRank !== undefined ? String(value.maxRank) : '',
  });
  // Typing settles for a moment before the table asks again; the latest filters and callback are read then.
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  useEffect(() => {
    const { value, onChange } = latest.current;
    const t = setTimeout(() => {
      const next: ProductFilters = {
        lookup: value.lookup,
        importId: value.importId,
        search: text.search.trim() || undefined,
        brand: text.brand.trim() || undefined,
        minRoi: num(text.minRoi, 100),
        minProfit: num(text.minProfit),
        maxRank: num(text.maxRank) !== undefined ? Math.max(1, Math.round(num(text.maxRank)!)) : undefined,
      };
      if (JSON.stringify(next) !== JSON.stringify(value)) onChange(next);
    }, 250);
    return () => clearTimeout(t);
  }, [text]);

  const toggle = (s: (typeof STATUSES)[number]) => {
    const cur = new Set(value.lookup ?? []);
    if (cur.has(s)) cur.delete(s);
    else cur.add(s);
    onChange({ ...value, lookup: cur.size ? [...cur] : undefined });
  };
  const field = (
    key: keyof typeof text,
    label: string,
    props: { inputMode?: 'decimal' | 'numeric' | 'search'; placeholder?: string } = {},
  ) => (
    <label>
      {label}
      <input value={text[key]} onChange={(e) => setText((t) => ({ ...t, [key]: e.target.value }))} {...props} />
    </label>
  );
  return (
    <div className="filters" role="search" aria-label="Filter products">
      {field('search', 'Search', { inputMode: 'search', placeholder: 'name, SKU, barcode, ASIN' })}
      {field('brand', 'Brand')}
      {field('minRoi', 'ROI ≥ %', { inputMode: 'decimal' })}
      {field('minProfit', 'Profit ≥ $', { inputMode: 'decimal' })}
      {field('maxRank', 'Rank ≤', { inputMode: 'numeric' })}
      <label>
        Import
        <select
          value={value.importId ?? ''}
          onChange={(e) => onChange({ ...value, importId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">All imports</option>
          {imports.map((i) => (
            <option key={i.id} value={i.id}>
              #{i.id} {i.fileName}
            </option>
          ))}
        </select>
      </label>
      <div className="chips" role="group" aria-label="Lookup status">
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip chip-${s}`}
            aria-pressed={value.lookup?.includes(s) ?? false}
            onClick={() => toggle(s)}
          >
            {LOOKUP_LABEL[s]}
          </button>
        ))}
      </div>
    </div>
  );
}
