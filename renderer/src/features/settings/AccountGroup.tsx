// Account & marketplace: write-only SP-API credentials, "Test connection", the marketplace and the seller id.
import { useState, type FormEvent } from 'react';
import type { ConnectionTestResult, Settings, SettingsView as View } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { TextField, type SettingsForm } from './fields.tsx';
import { FormRow } from './FormRow.tsx';

const EMPTY = { clientId: '', clientSecret: '', refreshToken: '' };

/** The account group; `onView` takes the settings view main answers after credentials change. */
export function AccountGroup({ view, form, onView }: { view: View; form: SettingsForm; onView: (v: View) => void }) {
  const api = useApi();
  const [creds, setCreds] = useState(EMPTY);
  const [credError, setCredError] = useState<string | null>(null);
  const [credNote, setCredNote] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);

  const changed = (v: View, note: string | null) => {
    onView(v);
    setCredError(null);
    setCredNote(note);
    // A test of the old credentials says nothing about the new ones.
    setResult(null);
  };
  const store = (e: FormEvent) => {
    e.preventDefault();
    call(api.settings.setCredentials(creds))
      .then((v) => {
        // The fields empty again: what was typed is never shown back.
        setCreds(EMPTY);
        changed(v, 'SP-API credentials stored (encrypted by the system keyring).');
      })
      .catch((err: Error) => setCredError(err.message));
  };
  const remove = () =>
    call(api.settings.clearCredentials())
      .then((v) => changed(v, 'SP-API credentials removed.'))
      .catch((err: Error) => setCredError(err.message));
  const test = () => {
    setTesting(true);
    setResult(null);
    call(api.settings.testConnection())
      .then(setResult)
      .catch((err: Error) => setResult({ ok: false, message: err.message }))
      .finally(() => setTesting(false));
  };
  const field = (key: keyof typeof EMPTY, label: string, secret: boolean) => (
    <FormRow label={label} wide>
      <input
        type={secret ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        value={creds[key]}
        onChange={(e) => setCreds((c) => ({ ...c, [key]: e.target.value }))}
      />
    </FormRow>
  );

  return (
    <fieldset>
      <legend>Account &amp; marketplace</legend>
      <p data-testid="credentials-state">
        {view.credentials.stored
          ? 'Credentials: stored. Lookups use SP-API.'
          : 'Credentials: not stored. Lookups use the local reference catalog.'}
      </p>
      {!view.credentials.canStore && <p role="alert">{view.credentials.reason}</p>}
      <form onSubmit={store} aria-label="SP-API credentials">
        {field('clientId', 'LWA client ID', false)}
        {field('clientSecret', 'LWA client secret', true)}
        {field('refreshToken', 'Refresh token', true)}
        <div className="actions form-actions">
          <button type="submit" className="primary" disabled={!view.credentials.canStore}>
            {view.credentials.stored ? 'Replace credentials' : 'Store credentials'}
          </button>
          {view.credentials.stored && (
            <button type="button" onClick={remove}>
              Remove credentials
            </button>
          )}
          <button type="button" onClick={test} disabled={testing} aria-busy={testing || undefined}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        </div>
        {credError && (
          <p role="alert" className="form-message field-error">
            {credError}
          </p>
        )}
        {credNote && !credError && <p className="form-message">{credNote}</p>}
      </form>
      {/* Always present, so the answer is announced when it arrives. */}
      <div className="form-message connection-result" role="status" data-testid="connection-result">
        {result && (
          <>
            <p className={result.ok ? 'ok' : 'bad'}>
              <strong>{result.ok ? 'Connection works.' : 'Connection failed.'}</strong> {result.message}
            </p>
            {result.sellerIdHint && <p className="hint">{result.sellerIdHint}</p>}
          </>
        )}
      </div>
      <FormRow label="Marketplace" wide error={form.errors.marketplace}>
        <select
          name="marketplace"
          value={form.settings.marketplace}
          onChange={(e) => form.save('marketplace', e.target.value as Settings['marketplace'], 'Marketplace')}
        >
          <option value="US">United States (amazon.com)</option>
        </select>
      </FormRow>
      <TextField
        form={form}
        name="spapiSellerId"
        label="Seller id (Merchant Token)"
        placeholder="A2EXAMPLE1234"
        hint="Seller Central → Settings → Account Info → Merchant Token. Needed for listing restriction checks; not a secret."
      />
    </fieldset>
  );
}
