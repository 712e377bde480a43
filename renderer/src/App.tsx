import { useEffect, useState, type KeyboardEvent } from 'react';
import type { ProductFilters } from '../../preload/contract/channels.ts';
import { api } from './api.ts';
import { AnalysisView } from './features/analysis/AnalysisView.tsx';
import { DropZone } from './features/DropZone.tsx';
import { ImportPreviewPanel } from './features/ImportPreviewPanel.tsx';
import { JobsPanel } from './features/JobsPanel.tsx';
import { ProductsView } from './features/products/ProductsView.tsx';
import { OfflineBanner } from './features/OfflineBanner.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';

const TABS = [
  { id: 'imports', label: 'Imports & jobs' },
  { id: 'products', label: 'Products' },
  { id: 'analysis', label: 'Analysis' },
  { id: 'settings', label: 'Settings' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** The seller's window: drop files, watch jobs, browse products, read the analysis. */
export function App() {
  const [paths, setPaths] = useState<string[]>([]);
  const [tab, setTab] = useState<Tab>('imports');
  const [filters, setFilters] = useState<ProductFilters>({});
  const [filtersKey, setFiltersKey] = useState(0);
  // A view is built the first time it is shown, then kept (hidden) so its state survives tab switches.
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(new Set(['imports']));
  useEffect(() => setVisited((v) => (v.has(tab) ? v : new Set([...v, tab]))), [tab]);
  if (!api) {
    return (
      <main className="app">
        <h1>Pallet</h1>
        <p role="alert">This page runs outside the Pallet app: there is nothing to talk to.</p>
      </main>
    );
  }
  // Arrow keys move between tabs, as in any tab list.
  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next =
      e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next < 0) return;
    setTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  };
  return (
    <DropZone
      onFiles={(p) => {
        setPaths((cur) => [...cur, ...p.filter((x) => !cur.includes(x))]);
        setTab('imports');
      }}
    >
      <main className="app">
        <header className="app-header">
          <h1>Pallet</h1>
          <p className="hint">Drop a supplier price list or catalog (CSV) anywhere in this window.</p>
          <nav role="tablist" aria-label="Views" onKeyDown={onTabKey}>
            {TABS.map((t) => (
              <button
                key={t.id}
                id={`tab-${t.id}`}
                role="tab"
                type="button"
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </nav>
        </header>
        <OfflineBanner />
        {/* A view stays mounted once shown (hidden when not): typed targets, filters and scroll survive a tab switch. */}
        <div id="panel-imports" role="tabpanel" aria-labelledby="tab-imports" hidden={tab !== 'imports'}>
          {paths.map((p) => (
            <ImportPreviewPanel key={p} path={p} onDone={() => setPaths((cur) => cur.filter((x) => x !== p))} />
          ))}
          <JobsPanel />
        </div>
        <div id="panel-products" role="tabpanel" aria-labelledby="tab-products" hidden={tab !== 'products'}>
          {visited.has('products') && <ProductsView key={filtersKey} filters={filters} onFilters={setFilters} />}
        </div>
        <div id="panel-analysis" role="tabpanel" aria-labelledby="tab-analysis" hidden={tab !== 'analysis'}>
          {visited.has('analysis') && (
            <AnalysisView
              onShowWinners={(f) => {
                setFilters(f);
                setFiltersKey((k) => k + 1);
                setTab('products');
              }}
            />
          )}
        </div>
        <div id="panel-settings" role="tabpanel" aria-labelledby="tab-settings" hidden={tab !== 'settings'}>
          {visited.has('settings') && <SettingsView />}
        </div>
      </main>
    </DropZone>
  );
}
