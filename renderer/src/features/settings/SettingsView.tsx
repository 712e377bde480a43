import { useEffect, useState, type FormEvent } from 'react';
import type { Settings, SettingsView as View } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';

type NumberKey =
  'sweepIntervalMinutes' | 'workers' | 'retentionDays' | 'targetMinProfit' | 'prepPerUnit' | 'inboundPerLb';

/** Preferences, write-only SP-API credentials, the reference catalog import, and the version and logs. */
export function SettingsView() {
  const api = useApi();
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [creds, setCreds] = useState({ clientId: '', clientSecret: '', refreshToken: '' });
  const [catalogPath, setCatalogPath] = useState('');

  useEffect(() => {
    call(api.settings.get())
      .then(setView)
      .catch((e: Error) => setError(e.message));
  }, [api]);

  const save = (patch: Partial<Settings>, what: string) =>
    call(api.settings.set(patch))
      .then((v) => {
        setView(v);
        setError(null);
        setSaved(`${what} saved.`);
      })
      .catch((e: Error) => setError(e.message));
  const saveCreds = (e: FormEvent) => {
    e.preventDefault();
    call(api.settings.setCredentials(creds))
      .then((v) => {
        setView(v);
        // The fields empty again: what was typed is never shown back.
        setCreds({ clientId: '', clientSecret: '', refreshToken: '' });
        setError(null);
        setSaved('SP-API credentials stored (encrypted by the system keyring).');
      })
      .catch((err: Error) => setError(err.message));
  };
  if (!view)
    return (
      <section className="card" aria-label="Settings">
        {error ? <p role="alert">{error}</p> : <p>Loading…</p>}
      </section>
    );
  const s = view.settings;
  const num = (key: NumberKey, label: string, hint?: string, scale = 1) => (
    <label key={`${key}-${s[key]}`}>
      {label}
      <input
        inputMode="decimal"
        defaultValue={String(Math.round(s[key] * scale * 100) / 100)}
        aria-describedby={hint ? `${key}-hint` : undefined}
        onBlur={(e) => {
          const n = Number(e.target.value.replace(',', '.')) / scale;
          if (e.target.value.trim() === '' || !Number.isFinite(n))
            return setError(`${label}: "${e.target.value}" is not a number.`);
          if (n !== s[key])
            void save(
              {
                [key]:
                  key === 'workers' || key === 'sweepIntervalMinutes' || key === 'retentionDays' ? Math.round(n) : n,
              },
              label,
            );
        }}
      />
      {hint && <small id={`${key}-hint`}>{hint}</small>}
    </label>
  );
  return (
    <section className="card settings" aria-label="Settings">
      <h2>Settings</h2>
      {error && <p role="alert">{error}</p>}
      {saved && <p role="status">{saved}</p>}

      <fieldset>
        <legend>Amazon SP-API</legend>
        <p data-testid="credentials-state">
          {view.credentials.stored
            ? 'Credentials: stored. Lookups use SP-API.'
            : 'Credentials: not stored. Lookups use the local reference catalog.'}
        </p>
        {!view.credentials.canStore && <p role="alert">{view.credentials.reason}</p>}
        <form onSubmit={saveCreds} aria-label="SP-API credentials">
          <label>
            LWA client ID
            <input
              autoComplete="off"
              value={creds.clientId}
              onChange={(e) => setCreds((c) => ({ ...c, clientId: e.target.value }))}
            />
          </label>
          <label>
            LWA client secret
            <input
              type="password"
              autoComplete="off"
              value={creds.clientSecret}
              onChange={(e) => setCreds((c) => ({ ...c, clientSecret: e.target.value }))}
            />
          </label>
          <label>
            Refresh token
            <input
              type="password"
              autoComplete="off"
              value={creds.refreshToken}
              onChange={(e) => setCreds((c) => ({ ...c, refreshToken: e.target.value }))}
            />
          </label>
          <button type="submit" disabled={!view.credentials.canStore}>
            {view.credentials.stored ? 'Replace credentials' : 'Store credentials'}
          </button>
          {view.credentials.stored && (
            <button
              type="button"
              onClick={() =>
                call(api.settings.clearCredentials())
                  .then(setView)
                  .catch((e: Error) => setError(e.message))
              }
            >
              Remove credentials
            </button>
          )}
        </form>
        <label>
          Marketplace
          <select
            value={s.marketplace}
            onChange={(e) => save({ marketplace: e.target.value as Settings['marketplace'] }, 'Marketplace')}
          >
            <option value="US">United States (amazon.com)</option>
          </select>
        </label>
      </fieldset>

      <fieldset>
        <legend>Targets and fee assumptions</legend>
        <label key={`roi-${s.targetMinRoi}`}>
          Target ROI ≥ %
          <input
            inputMode="decimal"
            defaultValue={String(Math.round(s.targetMinRoi * 1000) / 10)}
            onBlur={(e) => {
              const n = Number(e.target.value) / 100;
              if (!Number.isFinite(n) || e.target.value.trim() === '')
                return setError(`Target ROI: "${e.target.value}" is not a number.`);
              if (n !== s.targetMinRoi) void save({ targetMinRoi: n }, 'Target ROI');
            }}
          />
        </label>
        {num('targetMinProfit', 'Target profit ≥ $')}
        <label key={`rank-${s.targetMaxRank}`}>
          Target sales rank ≤ (empty: any)
          <input
            inputMode="numeric"
            defaultValue={s.targetMaxRank === null ? '' : String(s.targetMaxRank)}
            onBlur={(e) => {
              const t = e.target.value.trim();
              const n = t === '' ? null : Math.round(Number(t));
              if (n !== null && !(n > 0)) return setError(`Target rank: "${t}" is not a positive number.`);
              if (n !== s.targetMaxRank) void save({ targetMaxRank: n }, 'Target rank');
            }}
          />
        </label>
        {num('prepPerUnit', 'Prep per unit $')}
        {num('inboundPerLb', 'Inbound shipping per lb $')}
      </fieldset>

      <fieldset>
        <legend>Background work</legend>
        {num('sweepIntervalMinutes', 'Lookup sweep every (minutes)', 'Applies at the next start.')}
        {num('workers', 'Worker processes', 'Applies at the next start.')}
        {num('retentionDays', 'Keep finished jobs (days)')}
        <label className="check">
          <input
            type="checkbox"
            checked={s.closeToTray}
            onChange={(e) => save({ closeToTray: e.target.checked }, 'Close to tray')}
          />
          Closing the window keeps jobs running in the tray
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={s.notifications}
            onChange={(e) => save({ notifications: e.target.checked }, 'Notifications')}
          />
          Notify me when jobs finish
        </label>
      </fieldset>

      <fieldset>
        <legend>Reference catalog</legend>
        <p className="hint">
          A CSV pairing barcodes with ASINs (a Keepa export, an inventory report) lets Pallet match offline.
        </p>
        <form
          aria-label="Reference catalog import"
          onSubmit={(e) => {
            e.preventDefault();
            call(api.settings.importCatalog({ path: catalogPath.trim() }))
              .then(({ jobId }) => setSaved(`Reference catalog import started (job #${jobId}).`))
              .catch((err: Error) => setError(err.message));
          }}
        >
          <label>
            File path
            <input
              value={catalogPath}
              onChange={(e) => setCatalogPath(e.target.value)}
              placeholder="/path/to/catalog.csv"
            />
          </label>
          <button type="submit" disabled={catalogPath.trim() === ''}>
            Import reference catalog
          </button>
        </form>
      </fieldset>

      <AboutSection />
    </section>
  );
}

/** The version, and the logs folder to send along with a problem report; a failure to open it shows right here. */
function AboutSection() {
  const api = useApi();
  const [version, setVersion] = useState<string | null>(null);
  const [logs, setLogs] = useState<{ ok: true; path: string } | { ok: false; message: string } | null>(null);
  useEffect(() => {
    call(api.app.info())
      .then((i) => setVersion(i.version))
      .catch(() => setVersion(null));
  }, [api]);
  const openLogs = () =>
    call(api.app.openLogs())
      .then(({ path }) => setLogs({ ok: true, path }))
      .catch((e: Error) => setLogs({ ok: false, message: e.message }));
  return (
    <fieldset aria-label="About Pallet">
      <legend>About</legend>
      <p data-testid="app-version">{version ? `Pallet ${version}` : 'Pallet'}</p>
      <p className="hint">The log files help when reporting a problem.</p>
      <button type="button" onClick={openLogs}>
        Open logs folder
      </button>
      {logs?.ok === false && (
        <p role="alert" data-testid="logs-error">
          {logs.message}
        </p>
      )}
      {logs?.ok && <p role="status">Opened {logs.path}</p>}
    </fieldset>
  );
}
