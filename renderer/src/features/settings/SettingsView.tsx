import { cloneElement, useEffect, useId, useState, type FormEvent, type ReactElement } from 'react';
import type { Settings, SettingsView as View } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';

type NumberKey =
  'sweepIntervalMinutes' | 'workers' | 'retentionDays' | 'targetMinProfit' | 'prepPerUnit' | 'inboundPerLb';

/**
 * One aligned form row: label column, the field with its unit, a hint. The unit is part of the field's name for
 * screen readers ("Prep per unit $") and shown beside the field ($ before money, other units after).
 */
function Row({
  label,
  unit,
  hint,
  children,
  wide,
}: {
  label: string;
  unit?: string;
  hint?: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
  wide?: boolean;
}) {
  const id = useId();
  const before = unit === '$';
  return (
    <div className={`form-row${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>
        {label}
        {unit && <span className="visually-hidden"> {unit}</span>}
      </label>
      <span className="field">
        {unit && before && (
          <span className="unit before" aria-hidden="true">
            {unit}
          </span>
        )}
        {cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined })}
        {unit && !before && (
          <span className="unit after" aria-hidden="true">
            {unit}
          </span>
        )}
      </span>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** Preferences, write-only SP-API credentials, the reference catalog import, and the version and logs. */
export function SettingsView() {
  const api = useApi();
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [creds, setCreds] = useState({ clientId: '', clientSecret: '', refreshToken: '' });

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
  // The catalog file comes from the OS's open dialog (main checks it): no path is ever typed.
  const importCatalog = () =>
    call(api.app.pickFile({ purpose: 'catalog' }))
      .then(({ path }) =>
        path === null
          ? undefined
          : call(api.settings.importCatalog({ path })).then(({ jobId }) =>
              setSaved(`Reference catalog import started (job #${jobId}).`),
            ),
      )
      .catch((err: Error) => setError(err.message));
  if (!view)
    return (
      <section className="card" aria-label="Settings">
        {error ? <p role="alert">{error}</p> : <p>Loading…</p>}
      </section>
    );
  const s = view.settings;
  const num = (key: NumberKey, label: string, unit?: string, hint?: string) => {
    const name = unit ? `${label} ${unit}` : label;
    return (
      <Row key={`${key}-${s[key]}`} label={label} unit={unit} hint={hint}>
        <input
          inputMode="decimal"
          defaultValue={String(Math.round(s[key] * 100) / 100)}
          onBlur={(e) => {
            const n = Number(e.target.value.replace(',', '.'));
            if (e.target.value.trim() === '' || !Number.isFinite(n))
              return setError(`${name}: "${e.target.value}" is not a number.`);
            if (n !== s[key])
              void save(
                {
                  [key]:
                    key === 'workers' || key === 'sweepIntervalMinutes' || key === 'retentionDays' ? Math.round(n) : n,
                },
                name,
              );
          }}
        />
      </Row>
    );
  };
  return (
    <section className="settings" aria-label="Settings">
      <div className="view-head">
        <h2>Settings</h2>
      </div>
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
          <Row label="LWA client ID" wide>
            <input
              autoComplete="off"
              value={creds.clientId}
              onChange={(e) => setCreds((c) => ({ ...c, clientId: e.target.value }))}
            />
          </Row>
          <Row label="LWA client secret" wide>
            <input
              type="password"
              autoComplete="off"
              value={creds.clientSecret}
              onChange={(e) => setCreds((c) => ({ ...c, clientSecret: e.target.value }))}
            />
          </Row>
          <Row label="Refresh token" wide>
            <input
              type="password"
              autoComplete="off"
              value={creds.refreshToken}
              onChange={(e) => setCreds((c) => ({ ...c, refreshToken: e.target.value }))}
            />
          </Row>
          <div className="actions form-actions">
            <button type="submit" className="primary" disabled={!view.credentials.canStore}>
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
          </div>
        </form>
        <Row label="Marketplace" wide>
          <select
            value={s.marketplace}
            onChange={(e) => save({ marketplace: e.target.value as Settings['marketplace'] }, 'Marketplace')}
          >
            <option value="US">United States (amazon.com)</option>
          </select>
        </Row>
      </fieldset>

      <fieldset>
        <legend>Targets and fee assumptions</legend>
        <Row key={`roi-${s.targetMinRoi}`} label="Target ROI ≥" unit="%">
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
        </Row>
        {num('targetMinProfit', 'Target profit ≥', '$')}
        <Row key={`rank-${s.targetMaxRank}`} label="Target sales rank ≤" unit="(empty: any)">
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
        </Row>
        {num('prepPerUnit', 'Prep per unit', '$')}
        {num('inboundPerLb', 'Inbound shipping per lb', '$')}
      </fieldset>

      <fieldset>
        <legend>Background work</legend>
        {num('sweepIntervalMinutes', 'Lookup sweep every', '(minutes)', 'Applies at the next start.')}
        {num('workers', 'Worker processes', undefined, 'Applies at the next start.')}
        {num('retentionDays', 'Keep finished jobs', '(days)')}
        <div className="form-row check">
          <label>
            <input
              type="checkbox"
              checked={s.closeToTray}
              onChange={(e) => save({ closeToTray: e.target.checked }, 'Close to tray')}
            />
            Closing the window keeps jobs running in the tray
          </label>
        </div>
        <div className="form-row check">
          <label>
            <input
              type="checkbox"
              checked={s.notifications}
              onChange={(e) => save({ notifications: e.target.checked }, 'Notifications')}
            />
            Notify me when jobs finish
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Reference catalog</legend>
        <p className="hint">
          A CSV pairing barcodes with ASINs (a Keepa export, an inventory report) lets Pallet match offline.
        </p>
        <div className="actions">
          <button type="button" onClick={importCatalog}>
            Import reference catalog…
          </button>
        </div>
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
