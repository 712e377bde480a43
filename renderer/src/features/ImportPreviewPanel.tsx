import { useEffect, useState } from 'react';
import type { ImportPreview } from '../../../preload/contract/channels.ts';
import { FIELDS, type Field } from '../../../main/imports/fields.ts';
import { api, call } from '../api.ts';

// The contract takes fields, not strings: the select only offers FIELDS and 'ignore', anything else is ignored.
const asField = (v: string | undefined): Field | 'ignore' => FIELDS.find((f) => f === v) ?? 'ignore';

/** What the seller changed in the preview that changes how the file is read (each reads the preview again). */
interface ReadChoice {
  headerRow?: number;
  sheet?: string;
}

/**
 * What Pallet sees in a dropped file — encoding, delimiter, the line taken as the header, the sheet of a workbook,
 * the supplier, the proposed mapping — with a way to fix each and start.
 */
export function ImportPreviewPanel({ path, onDone }: { path: string; onDone: () => void }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState<ReadChoice>({});
  const [headerInput, setHeaderInput] = useState('');
  const [supplier, setSupplier] = useState('');

  useEffect(() => {
    setError(null);
    call(api!.imports.preview({ path, ...choice }))
      .then((p) => {
        setPreview(p);
        setHeaderInput(String(p.headerRow));
        setSupplier((cur) => cur || p.supplier || '');
        setMapping(Object.fromEntries(Object.entries(p.mapping).map(([field, header]) => [header, field])));
      })
      .catch((e: Error) => setError(e.message));
  }, [path, choice]);

  /** Reads the file again with the header on the line typed (a whole number from 1), or says what is wrong. */
  const applyHeader = () => {
    const n = Number(headerInput);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      setError('The header line is a whole number from 1 to 1000.');
      return;
    }
    if (n !== preview?.headerRow) setChoice((c) => ({ ...c, headerRow: n }));
    else setError(null);
  };

  const start = () => {
    const named = supplier.trim();
    call(
      api!.imports.start({
        path,
        mapping: Object.fromEntries(preview!.headers.map((h) => [h, asField(mapping[h])])),
        rememberMapping: remember,
        ...choice,
        ...(named ? { supplier: named } : {}),
      }),
    )
      .then(onDone)
      .catch((e: Error) => setError(e.message));
  };

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
          <div className="preview-choices">
            {preview.sheets.length > 1 && (
              <label>
                Sheet{' '}
                <select
                  value={choice.sheet ?? preview.sheet ?? ''}
                  onChange={(e) => setChoice((c) => ({ ...c, sheet: e.target.value, headerRow: undefined }))}
                >
                  {preview.sheets.map((sh) => (
                    <option key={sh} value={sh}>
                      {sh}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              Header on line{' '}
              <input
                type="number"
                min={1}
                max={1000}
                value={headerInput}
                onChange={(e) => setHeaderInput(e.target.value)}
                onBlur={applyHeader}
                onKeyDown={(e) => e.key === 'Enter' && applyHeader()}
                aria-describedby="header-reason"
              />
            </label>
            <small id="header-reason" className="hint">
              {preview.headerReason}
            </small>
            <label>
              Supplier{' '}
              <input
                type="text"
                maxLength={100}
                value={supplier}
                placeholder="Who sent this list"
                onChange={(e) => setSupplier(e.target.value)}
                aria-describedby="supplier-source"
              />
            </label>
            <small id="supplier-source" className="hint">
              {preview.supplierSource === 'remembered'
                ? 'Remembered with this column layout.'
                : preview.supplierSource === 'file name'
                  ? 'Taken from the file name: change it if that is wrong.'
                  : preview.supplier
                    ? ''
                    : 'Name the supplier to track its costs over time and see what changed in its next list.'}
            </small>
          </div>
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
            {/* A choice the file could not be read with (the alert above) is not started. */}
            <button type="button" onClick={start} disabled={error !== null}>
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
