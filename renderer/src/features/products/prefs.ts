// The products table's per-user layout (columns shown and their order) and saved filter presets, kept in the
// window's localStorage. Why there and not in the settings store: they are how this window looks, read synchronously
// before the first paint (no IPC round-trip, no flash of the default layout), and nothing in main or the CLI reads
// them; the theme choice lives there for the same reason. localStorage sits in the OS user's app profile, so it is
// per user. Everything read back is checked: a damaged or outdated value falls back to the defaults.
import { useCallback, useState } from 'react';
import type { ProductFilters } from '../../../../preload/contract/channels.ts';
import { COLUMNS, DEFAULT_HIDDEN } from './columns.tsx';

const LAYOUT_KEY = 'pallet.products.columns.v1';
const PRESETS_KEY = 'pallet.products.presets.v1';

export interface ColumnLayout {
  /** Every column id, in display order. */
  order: string[];
  hidden: string[];
}

export const DEFAULT_LAYOUT: ColumnLayout = { order: COLUMNS.map((c) => c.id), hidden: DEFAULT_HIDDEN };

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}
function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the layout holds for this session.
  }
}

/** A stored layout made whole: unknown ids dropped, columns added since it was saved appended (shown). */
export function normalizeLayout(v: unknown): ColumnLayout {
  const known = new Set(DEFAULT_LAYOUT.order);
  const o = v as Partial<ColumnLayout> | undefined;
  if (!o || !Array.isArray(o.order) || !Array.isArray(o.hidden)) return DEFAULT_LAYOUT;
  const order = [...new Set(o.order.filter((id): id is string => typeof id === 'string' && known.has(id)))];
  for (const id of DEFAULT_LAYOUT.order) if (!order.includes(id)) order.push(id);
  const hidden = o.hidden.filter((id): id is string => typeof id === 'string' && known.has(id));
  return { order, hidden };
}

/** The column layout, and a setter that keeps it. */
export function useColumnLayout(): [ColumnLayout, (next: ColumnLayout) => void] {
  const [layout, setLayout] = useState(() => normalizeLayout(read(LAYOUT_KEY)));
  const set = useCallback((next: ColumnLayout) => {
    setLayout(next);
    write(LAYOUT_KEY, next);
  }, []);
  return [layout, set];
}

export interface FilterPreset {
  name: string;
  filters: ProductFilters;
  builtIn?: boolean;
}

/** Always there; the user's own follow. */
export const BUILT_IN_PRESETS: FilterPreset[] = [
  { name: 'Winners', filters: { verdict: ['buy'] }, builtIn: true },
  { name: 'Ungated ROI ≥ 30%', filters: { ungated: true, minRoi: 0.3 }, builtIn: true },
];

const FILTER_KEYS = new Set([
  'lookup',
  'minRoi',
  'minProfit',
  'maxRank',
  'brand',
  'importId',
  'verdict',
  'ungated',
  'noAmazon',
]);

/** The filters a preset keeps: everything but the global search (a preset is a view, not a query for one product). */
export function presetFilters(f: ProductFilters): ProductFilters {
  return Object.fromEntries(
    Object.entries(f).filter(([k, v]) => FILTER_KEYS.has(k) && v !== undefined),
  ) as ProductFilters;
}

function readPresets(): FilterPreset[] {
  const v = read(PRESETS_KEY);
  if (!Array.isArray(v)) return [];
  return v.flatMap((p: unknown) => {
    const o = p as Partial<FilterPreset> | null;
    return o && typeof o.name === 'string' && o.name.trim() && o.filters && typeof o.filters === 'object'
      ? [{ name: o.name.trim().slice(0, 60), filters: presetFilters(o.filters) }]
      : [];
  });
}

/** Built-in and saved presets; `save` adds (or replaces, by name) one, `remove` deletes a saved one. */
export function usePresets() {
  const [saved, setSaved] = useState(readPresets);
  const save = useCallback((name: string, filters: ProductFilters): string | null => {
    const n = name.trim();
    if (!n) return 'Give the preset a name.';
    if (n.length > 60) return 'A preset name is at most 60 characters.';
    if (BUILT_IN_PRESETS.some((p) => p.name.toLowerCase() === n.toLowerCase()))
      return `"${n}" is a built-in preset: choose another name.`;
    setSaved((cur) => {
      const next = [
        ...cur.filter((p) => p.name.toLowerCase() !== n.toLowerCase()),
        { name: n, filters: presetFilters(filters) },
      ];
      write(PRESETS_KEY, next);
      return next;
    });
    return null;
  }, []);
  const remove = useCallback((name: string) => {
    setSaved((cur) => {
      const next = cur.filter((p) => p.name !== name);
      write(PRESETS_KEY, next);
      return next;
    });
  }, []);
  return { presets: [...BUILT_IN_PRESETS, ...saved], save, remove };
}
