import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { ImportView, ProductFilters } from '../../../../preload/contract/channels.ts';
import { LOOKUP_LABEL } from './format.ts';
import { VERDICT_LABEL } from './VerdictBadge.tsx';

const VERDICTS = ['buy', 'check', 'skip'] as const;
type Verdict = (typeof VERDICTS)[number];

const STATUSES = ['found', 'ambiguous', 'not_found', 'pending', 'retry_pending', 'failed', 'no_barcode'] as const;

const num = (text: string, scale = 1): number | undefined => {
  const n = Number(text.replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n / scale;
};

/** Filters of the products table: verdict chips, ungated only, no Amazon, lookup status chips, ROI ≥, profit ≥, rank ≤, brand, import (search: top bar). */
export function FilterBar({
  value,
  onChange,
  imports = [],
}: {
  value: ProductFilters;
  /** Takes an updater: filters set elsewhere meanwhile (the top bar's search) are kept. */
  onChange: Dispatch<SetStateAction<ProductFilters>>;
  imports?: ImportView[];
}) {
  const [text, setText] = useState({
    brand: value.brand ?? '',
    minRoi: value.minRoi !== undefined ? String(Math.round(value.minRoi * 1000) / 10) : '',
    minProfit: value.minProfit !== undefined ? String(value.minProfit) : '',
    maxRank: value.maxRank !== undefined ? String(value.maxRank) : '',
  });
  // Typing settles for a moment before the table asks again; the filters as they are then are updated.
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const t = setTimeout(() => {
      latest.current((value) => {
        const next: ProductFilters = {
          // Chips, checkboxes, the import and the top bar's search are set elsewhere: kept as they are.
          ...value,
          brand: text.brand.trim() || undefined,
          minRoi: num(text.minRoi, 100),
          minProfit: num(text.minProfit),
          maxRank: num(text.maxRank) !== undefined ? Math.max(1, Math.round(num(text.maxRank)!)) : undefined,
        };
        return JSON.stringify(next) !== JSON.stringify(value) ? next : value;
      });
    }, 250);
    return () => clearTimeout(t);
  }, [text]);

  const toggle = (s: (typeof STATUSES)[number]) => {
    onChange((value) => {
      const cur = new Set(value.lookup ?? []);
      if (cur.has(s)) cur.delete(s);
      else cur.add(s);
      return { ...value, lookup: cur.size ? [...cur] : undefined };
    });
  };
  const toggleVerdict = (v: Verdict) => {
    onChange((value) => {
      const cur = new Set(value.verdict ?? []);
      if (cur.has(v)) cur.delete(v);
      else cur.add(v);
      return { ...value, verdict: cur.size ? VERDICTS.filter((x) => cur.has(x)) : undefined };
    });
  };
  const flag = (key: 'ungated' | 'noAmazon', label: string) => (
    <label className="check">
      <input
        type="checkbox"
        checked={value[key] ?? false}
        onChange={(e) => {
          const on = e.target.checked || undefined;
          onChange((value) => ({ ...value, [key]: on }));
        }}
      />
      {label}
    </label>
  );
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
      {field('brand', 'Brand')}
      {field('minRoi', 'ROI ≥ %', { inputMode: 'decimal' })}
      {field('minProfit', 'Profit ≥ $', { inputMode: 'decimal' })}
      {field('maxRank', 'Rank ≤', { inputMode: 'numeric' })}
      <label>
        Import
        <select
          value={value.importId ?? ''}
          onChange={(e) => {
            const importId = e.target.value ? Number(e.target.value) : undefined;
            onChange((value) => ({ ...value, importId }));
          }}
        >
          <option value="">All imports</option>
          {imports.map((i) => (
            <option key={i.id} value={i.id}>
              #{i.id} {i.fileName}
            </option>
          ))}
        </select>
      </label>
      <div className="chips" role="group" aria-label="Verdict">
        {VERDICTS.map((v) => (
          <button
            key={v}
            type="button"
            className={`chip verdict-chip verdict-${v}`}
            aria-pressed={value.verdict?.includes(v) ?? false}
            onClick={() => toggleVerdict(v)}
          >
            {VERDICT_LABEL[v]}
          </button>
        ))}
      </div>
      {flag('ungated', 'Ungated only')}
      {flag('noAmazon', 'No Amazon on listing')}
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
