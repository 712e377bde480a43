import { useState, type DragEvent, type ReactNode } from 'react';
import { api } from '../api.ts';

/** Accepts price lists (CSV or .xlsx) dropped anywhere in the window; shows an overlay while dragging. */
export function DropZone({ onFiles, children }: { onFiles: (paths: string[]) => void; children: ReactNode }) {
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = [...e.dataTransfer.files];
    const paths = files.map((f) => api?.pathForFile(f) ?? null);
    const ok = paths.filter((p): p is string => p !== null && /\.(csv|tsv|txt|xlsx)$/i.test(p));
    setProblem(
      ok.length < files.length
        ? 'Only CSV files and Excel workbooks (.xlsx) from your computer can be imported.'
        : null,
    );
    if (ok.length) onFiles(ok);
  };
  return (
    <div
      className="drop-root"
      data-testid="drop-root"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {children}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {over && (
        <div className="drop-overlay" aria-hidden="true">
          Drop to import
        </div>
      )}
    </div>
  );
}
