import { useState } from 'react';
import { api } from './api.ts';
import { DropZone } from './features/DropZone.tsx';
import { ImportPreviewPanel } from './features/ImportPreviewPanel.tsx';
import { JobsPanel } from './features/JobsPanel.tsx';

/** The seller's window: drop a file, check the mapping, watch the jobs. */
export function App() {
  const [paths, setPaths] = useState<string[]>([]);
  if (!api) {
    return (
      <main className="app">
        <h1>Pallet</h1>
        <p role="alert">This page runs outside the Pallet app: there is nothing to talk to.</p>
      </main>
    );
  }
  return (
    <DropZone onFiles={(p) => setPaths((cur) => [...cur, ...p.filter((x) => !cur.includes(x))])}>
      <main className="app">
        <header className="app-header">
          <h1>Pallet</h1>
          <p className="hint">Drop a supplier price list or catalog (CSV) anywhere in this window.</p>
        </header>
        {paths.map((p) => (
          <ImportPreviewPanel key={p} path={p} onDone={() => setPaths((cur) => cur.filter((x) => x !== p))} />
        ))}
        <JobsPanel />
      </main>
    </DropZone>
  );
}
