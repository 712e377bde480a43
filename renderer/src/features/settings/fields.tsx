// The settings form's fields: each saves its one setting on blur (or change, for boxes and lists), shows the
// server's refusal beside itself, and leaves what was saved as it was.
import type { Settings } from '../../../../preload/contract/channels.ts';
import { CheckRow, FormRow } from './FormRow.tsx';

type Key = keyof Settings;
/** The settings whose values are of type V (numbers, booleans). */
type KeysOf<V> = { [K in Key]: Settings[K] extends V ? K : never }[Key];

/** What a field needs of the form: the saved settings, refusals per setting, and a way to save one. */
export interface SettingsForm {
  settings: Settings;
  errors: Partial<Record<Key, string>>;
  /** Saves one setting; a refusal shows beside its field and the saved value stays. */
  save<K extends Key>(key: K, value: Settings[K], label: string): void;
  /** Shows a refusal found before asking main (not a number). */
  refuse(key: Key, message: string): void;
  /** Forgets a refusal (the field holds the saved value again). */
  clear(key: Key): void;
}

/** A number setting (or nullable number: empty means "none"), shown times `scale` (ROI as %). */
export function NumberField({
  form,
  name,
  label,
  prefix,
  suffix,
  hint,
  scale = 1,
  range,
  nullable = false,
}: {
  form: SettingsForm;
  name: KeysOf<number | null>;
  label: string;
  prefix?: string;
  suffix?: string;
  hint?: string;
  scale?: number;
  /** Bounds in shown units, checked here when the server's would read in other units (a fraction for a %). */
  range?: [number, number];
  /** Empty saves null ("none"), as for the rank target. */
  nullable?: boolean;
}) {
  const saved = form.settings[name];
  const shown = saved === null ? '' : String(Math.round(saved * scale * 100) / 100);
  const kept =
    saved === null ? 'none' : `${prefix ?? ''}${shown}${suffix ? (suffix === '%' ? '%' : ` ${suffix}`) : ''}`;
  const error = form.errors[name];
  return (
    <FormRow
      // A new saved value (from this field or elsewhere) resets what the field shows.
      key={`${name}-${shown}`}
      label={label}
      prefix={prefix}
      suffix={suffix}
      hint={hint}
      error={error && `${error} Saved value kept: ${kept}.`}
    >
      <input
        name={name}
        inputMode="decimal"
        autoComplete="off"
        defaultValue={shown}
        onBlur={(e) => {
          const text = e.target.value.trim();
          if (text === shown) return form.clear(name);
          if (text === '') {
            if (nullable) return form.save(name, null as never, label);
            return form.refuse(name, 'Enter a number.');
          }
          const n = Number(text.replace(',', '.'));
          if (!Number.isFinite(n)) return form.refuse(name, `"${text}" is not a number.`);
          if (range && (n < range[0] || n > range[1])) return form.refuse(name, `Between ${range[0]} and ${range[1]}.`);
          form.save(name, (n / scale) as never, label);
        }}
      />
    </FormRow>
  );
}

/** A yes/no setting as a checkbox with its sentence. */
export function CheckField({
  form,
  name,
  label,
  hint,
}: {
  form: SettingsForm;
  name: KeysOf<boolean>;
  label: string;
  hint?: string;
}) {
  return (
    <CheckRow label={label} hint={hint} error={form.errors[name]}>
      <input
        type="checkbox"
        name={name}
        checked={form.settings[name]}
        onChange={(e) => form.save(name, e.target.checked, label)}
      />
    </CheckRow>
  );
}

/** A text setting where empty means "none" (the seller id). */
export function TextField({
  form,
  name,
  label,
  hint,
  placeholder,
}: {
  form: SettingsForm;
  name: 'spapiSellerId';
  label: string;
  hint?: string;
  placeholder?: string;
}) {
  const shown = form.settings[name] ?? '';
  const error = form.errors[name];
  return (
    <FormRow
      key={`${name}-${shown}`}
      label={label}
      hint={hint}
      error={error && `${error} Saved value kept: ${shown || 'none'}.`}
      wide
    >
      <input
        name={name}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        defaultValue={shown}
        onBlur={(e) => {
          const text = e.target.value.trim();
          if (text === shown) return form.clear(name);
          form.save(name, text === '' ? null : text, label);
        }}
      />
    </FormRow>
  );
}
