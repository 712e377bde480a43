import { useEffect, useState } from 'react';
import type { ImportPreview } from '../../../preload/contract/channels.ts';
import { FIELDS, type Field } from '../../../main/imports/fields.ts';
import { api, call } from '../api.ts';

// The contract takes fields, not strings: the select only offers FIELDS and 'ignore', anything else is ignored.
const asField = (v: string | undefined): Field | 'ignore' => FIELDS.find((f) => f === v) ?? 'ignore';

/** What Pallet sees in a dropped file — encoding, delimiter, proposed mapping — with a way to fix it and start. */
export function ImportPreviewPanel({ path, onDone }: { path: string; onDone: () => void }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call(api!.imports.preview({ path }))
      .then((p) => {
        setPreview(p);
        setMapping(Object.fromEntries(Object.entries(p.mapping).map(([field, header]) => [header, field])));
      })
      .catch((e: Error) => setError(e.message));
  }, [path]);

  const start = () =>
    call(
      api!.imports.start({
        path,
        mapping: Object.fromEntries(preview!.headers.map((h) => [h, asField(mapping[h])])),
        rememberMapping: remember,
      }),
    )
      .then(onDone)
      .catch((e: Error) => setError(e.message));

  const name = path.split(/[\\/]/).pop();
  return (
    <section className="card" aria-label={`Import ${name}`}>
      <h2>{name}</h2>
      {error && <p role="alert">{error}</p>}
      {!preview && !error && <p>Reading the file…</p>}
      {preview && (
        <>
          <p data-testid="sniffed">
            {preview.encoding}, {preview.delimiter === '\t' ? 'tab' : `"${preview.delimiter}"`}-separated, decimal "
            {preview.decimal}"{preview.savedMappingUsed ? ' — using the mapping saved for this supplier' : ''}
          </p>
          {preview.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          <table className="mapping">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Field</th>
                <th scope="col">First value</th>
              </tr>
            </thead>
            <tbody>
              {preview.headers.map((h, i) => (
                <tr key={h}>
                  <td>{h}</td>
                  <td>
                    <select
                      aria-label={`Field for ${h}`}
                      value={mapping[h] ?? 'ignore'}
                      onChange={(e) => setMapping({ ...mapping, [h]: e.target.value })}
                    >
                      <option value="ignore">keep as attribute</option>
                      {FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {f}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{preview.rows[0]?.[i] ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember for
            this supplier
          </label>
          <div className="actions">
            <button type="button" onClick={start}>
              Start import
            </button>
            <button type="button" className="secondary" onClick={onDone}>
              Dismiss
            </button>
          </div>
        </>
      )}
    </section>
  );
}
