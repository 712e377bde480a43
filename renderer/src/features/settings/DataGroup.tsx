// Data: the reference catalog (picked in the OS's open dialog, never typed), the version, and the logs folder.
import { useEffect, useState } from 'react';
import { call, useApi } from '../../api.ts';

type Outcome = { ok: true; text: string } | { ok: false; text: string } | null;

/** The Data group; each action's outcome shows beside its button. */
export function DataGroup() {
  const api = useApi();
  const [version, setVersion] = useState<string | null>(null);
  const [catalog, setCatalog] = useState<Outcome>(null);
  const [logs, setLogs] = useState<Outcome>(null);
  useEffect(() => {
    call(api.app.info())
      .then((i) => setVersion(i.version))
      .catch(() => setVersion(null));
  }, [api]);
  // Main checks the picked file before a job is queued for it.
  const importCatalog = () =>
    call(api.app.pickFile({ purpose: 'catalog' }))
      .then(({ path }) =>
        path === null
          ? undefined
          : call(api.settings.importCatalog({ path })).then(({ jobId }) =>
              setCatalog({ ok: true, text: `Reference catalog import started (job #${jobId}).` }),
            ),
      )
      .catch((e: Error) => setCatalog({ ok: false, text: e.message }));
  const openLogs = () =>
    call(api.app.openLogs())
      .then(({ path }) => setLogs({ ok: true, text: `Opened ${path}` }))
      .catch((e: Error) => setLogs({ ok: false, text: e.message }));
  return (
    <fieldset>
      <legend>Data</legend>
      <div className="form-row">
        <span className="row-label">Reference catalog</span>
        <span className="actions">
          <button type="button" onClick={importCatalog}>
            Import reference catalog…
          </button>
        </span>
        <span className="form-notes">
          {catalog?.ok === false && (
            <small role="alert" className="field-error" data-testid="catalog-error">
              {catalog.text}
            </small>
          )}
          {catalog?.ok && <small role="status">{catalog.text}</small>}
          <small>
            A CSV pairing barcodes with ASINs (a Keepa export, an inventory report) lets Pallet match offline.
          </small>
        </span>
      </div>
      <div className="form-row">
        <span className="row-label">Version</span>
        <span data-testid="app-version">{version ? `Pallet ${version}` : 'Pallet'}</span>
      </div>
      <div className="form-row">
        <span className="row-label">Logs</span>
        <span className="actions">
          <button type="button" onClick={openLogs}>
            Open logs folder
          </button>
        </span>
        <span className="form-notes">
          {logs?.ok === false && (
            <small role="alert" className="field-error" data-testid="logs-error">
              {logs.text}
            </small>
          )}
          {logs?.ok && <small role="status">{logs.text}</small>}
          <small>The log files help when reporting a problem.</small>
        </span>
      </div>
    </fieldset>
  );
}
