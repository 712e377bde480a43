import { useState, type FormEvent } from 'react';
import type { ProductFilters } from '../../../../preload/contract/channels.ts';
import { presetFilters, usePresets } from './prefs.ts';

/** Saved filter presets: pick one to apply it; "Save current filters as…" names the filters as they are. */
export function PresetPicker({ filters, onApply }: { filters: ProductFilters; onApply(f: ProductFilters): void }) {
  const { presets, save, remove } = usePresets();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const current = JSON.stringify(presetFilters(filters));
  const active = presets.find((p) => JSON.stringify(presetFilters(p.filters)) === current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const why = save(name, filters);
    setProblem(why);
    if (!why) {
      setNaming(false);
      setName('');
    }
  };
  return (
    <div className="presets">
      <label>
        Preset
        <select
          value={active?.name ?? ''}
          onChange={(e) => {
            const p = presets.find((x) => x.name === e.target.value);
            onApply(p ? p.filters : {});
          }}
        >
          <option value="">{active || current === '{}' ? 'All products' : 'Custom filters'}</option>
          {presets.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {active && !active.builtIn && (
        <button type="button" className="ghost" onClick={() => remove(active.name)}>
          Delete preset
        </button>
      )}
      {naming ? (
        <form onSubmit={submit} className="preset-form">
          <label>
            Preset name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoFocus />
          </label>
          <button type="submit">Save</button>
          <button type="button" className="ghost" onClick={() => (setNaming(false), setProblem(null))}>
            Cancel
          </button>
          {problem && <span role="alert">{problem}</span>}
        </form>
      ) : (
        <button type="button" className="ghost" onClick={() => setNaming(true)} disabled={current === '{}'}>
          Save current filters as…
        </button>
      )}
    </div>
  );
}
