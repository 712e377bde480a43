import { useEffect, useRef, useState } from 'react';
import type { ProductFilters } from '../../preload/contract/channels.ts';
import { api, call, useApi } from './api.ts';
import { AnalysisView } from './features/analysis/AnalysisView.tsx';
import { DropZone } from './features/DropZone.tsx';
import { ImportPreviewPanel } from './features/ImportPreviewPanel.tsx';
import { JobsPanel } from './features/JobsPanel.tsx';
import { ListsView } from './features/lists/ListsView.tsx';
import { ProductsView } from './features/products/ProductsView.tsx';
import { OfflineBanner } from './features/OfflineBanner.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';
import { HelpOverlay } from './features/shell/HelpOverlay.tsx';
import { SearchBox } from './features/shell/SearchBox.tsx';
import { Sidebar, VIEWS, type ViewId } from './features/shell/Sidebar.tsx';
import { TopBar } from './features/shell/TopBar.tsx';
import { useShortcuts } from './features/shell/useShortcuts.ts';
import { useWorkspace } from './features/shell/useWorkspace.ts';
import { nextTheme, useTheme } from './theme/theme.ts';

/** The seller's window: lists imported, products to decide on, jobs, analysis and settings around one sidebar. */
export function App() {
  if (!api) {
    return (
      <main className="content">
        <h1>Pallet</h1>
        <p role="alert">This page runs outside the Pallet app: there is nothing to talk to.</p>
      </main>
    );
  }
  return <AppWindow />;
}

/** The window around the sidebar, against the nearest ApiContext (tests render it with a typed fake). */
export function AppWindow() {
  const api = useApi();
  const workspace = useWorkspace();
  const [theme, setTheme] = useTheme();
  const [view, setView] = useState<ViewId>('lists');
  const [paths, setPaths] = useState<string[]>([]);
  const [filters, setFilters] = useState<ProductFilters>({});
  // Bumped when filters are set from outside the products view (Show winners, a list's products): it starts afresh.
  const [filtersKey, setFiltersKey] = useState(0);
  const [help, setHelp] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  // A view is built the first time it is shown, then kept (hidden) so its state survives a switch.
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(new Set(['lists']));
  useEffect(() => setVisited((v) => (v.has(view) ? v : new Set([...v, view]))), [view]);
  // A notification was clicked: the Jobs view shows that job's detail (JobsPanel opens it).
  useEffect(() => api.onEvent((e) => e.type === 'navigate' && setView('jobs')), [api]);

  const addFiles = (p: string[]) => {
    setPaths((cur) => [...cur, ...p.filter((x) => !cur.includes(x))]);
    setView('lists');
  };
  const openFile = () =>
    call(api.app.pickFile({ purpose: 'import' }))
      .then(({ path }) => {
        setProblem(null);
        if (path) addFiles([path]);
      })
      .catch((e: Error) => setProblem(e.message));
  const showProducts = (f: ProductFilters) => {
    setFilters(f);
    setFiltersKey((k) => k + 1);
    setView('products');
  };
  const act = (p: Promise<unknown>) => p.catch((e: Error) => setProblem(e.message));
  useShortcuts({
    open: () => void openFile(),
    search: () => {
      setView('products');
      search.current?.focus();
      search.current?.select();
    },
    view: (i) => VIEWS[i] && setView(VIEWS[i].id),
    help: () => setHelp(true),
  });

  const jobs = [...workspace.jobs.values()];
  const running = jobs.filter((j) => j.status === 'running').length;
  const failed = jobs.filter((j) => j.status === 'failed').length;
  return (
    <DropZone onFiles={addFiles}>
      <div className="shell">
        <Sidebar
          view={view}
          onView={setView}
          theme={theme}
          onTheme={() => setTheme(nextTheme(theme))}
          onHelp={() => setHelp(true)}
          counts={{
            lists: { n: workspace.imports.length, label: `${workspace.imports.length} price lists` },
            products:
              workspace.products === null
                ? null
                : { n: workspace.products, label: `${workspace.products.toLocaleString('en-US')} products` },
            jobs: failed
              ? { n: failed, label: `${failed} failed`, live: false }
              : running
                ? { n: running, live: true, label: `${running} running` }
                : null,
          }}
        />
        <TopBar
          workspace={workspace}
          onPauseAll={() => act(call(api.jobs.pauseAll()))}
          onResumeAll={() => act(call(api.jobs.resumeAll()))}
          onOpenFile={() => void openFile()}
          search={
            <SearchBox
              key={filtersKey}
              value={filters}
              inputRef={search}
              onChange={(f) => {
                setFilters(f);
                setView('products');
              }}
            />
          }
        />
        <main className="content" aria-label={VIEWS.find((v) => v.id === view)!.label}>
          <OfflineBanner />
          {problem && <p role="alert">{problem}</p>}
          {/* A view stays mounted once shown (hidden when not): typed targets, filters and scroll survive a switch. */}
          <div id="view-lists" hidden={view !== 'lists'}>
            <div className="view-head">
              <h2>Price lists</h2>
            </div>
            {paths.map((p) => (
              <ImportPreviewPanel key={p} path={p} onDone={() => setPaths((cur) => cur.filter((x) => x !== p))} />
            ))}
            <ListsView
              imports={workspace.imports}
              jobs={workspace.jobs}
              onShowProducts={showProducts}
              onOpenFile={() => void openFile()}
              onTrySample={() => act(call(api.app.trySample()))}
            />
          </div>
          <div id="view-products" className="view-fill" hidden={view !== 'products'}>
            {visited.has('products') && <ProductsView key={filtersKey} filters={filters} onFilters={setFilters} />}
          </div>
          <div id="view-jobs" hidden={view !== 'jobs'}>
            <JobsPanel jobs={workspace.jobs} imports={workspace.imports} />
          </div>
          <div id="view-analysis" hidden={view !== 'analysis'}>
            {visited.has('analysis') && <AnalysisView onShowWinners={showProducts} />}
          </div>
          <div id="view-settings" hidden={view !== 'settings'}>
            {visited.has('settings') && <SettingsView />}
          </div>
        </main>
      </div>
      <HelpOverlay open={help} onClose={() => setHelp(false)} />
    </DropZone>
  );
}
