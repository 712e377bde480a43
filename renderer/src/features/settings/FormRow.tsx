import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

type FieldProps = { id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean };

/**
 * One aligned form row: label column, the field between its units, then a hint and the field's own error. The units
 * are part of the field's accessible name ("Prep per unit ($)") and shown beside it ($ before, "per lb" after), so
 * every field starts on the same edge whether or not it has a prefix.
 */
export function FormRow({
  label,
  prefix,
  suffix,
  hint,
  error,
  wide,
  children,
}: {
  label: string;
  /** Shown before the field ($). */
  prefix?: string;
  /** Shown after the field (%, days, per lb). */
  suffix?: string;
  hint?: ReactNode;
  /** Why the last value was refused; shown next to the field and announced. */
  error?: string | null;
  wide?: boolean;
  children: ReactElement<FieldProps>;
}) {
  const id = useId();
  const unit = [prefix, suffix].filter(Boolean).join(' ');
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className={`form-row${wide ? ' wide' : ''}${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {unit && <span className="visually-hidden"> ({unit})</span>}
      </label>
      <span className="field">
        {prefix && (
          <span className="unit before" aria-hidden="true">
            {prefix}
          </span>
        )}
        {cloneElement(children, {
          id,
          'aria-describedby': described || undefined,
          'aria-invalid': error ? true : undefined,
        })}
        {suffix && (
          <span className="unit after" aria-hidden="true">
            {suffix}
          </span>
        )}
      </span>
      {(hint || error) && (
        <span className="form-notes">
          {error && (
            <small id={`${id}-error`} className="field-error" role="alert">
              {error}
            </small>
          )}
          {hint && <small id={`${id}-hint`}>{hint}</small>}
        </span>
      )}
    </div>
  );
}

/** A checkbox row: the box and its sentence in the field column, a hint below. */
export function CheckRow({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string;
  error?: string | null;
  children: ReactElement<FieldProps>;
}) {
  const id = useId();
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="form-row check">
      <label>
        {cloneElement(children, { 'aria-describedby': described || undefined })}
        {label}
      </label>
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}
