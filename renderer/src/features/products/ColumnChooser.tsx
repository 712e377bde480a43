import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { COLUMN_BY_ID } from './columns.tsx';
import { DEFAULT_LAYOUT, type ColumnLayout } from './prefs.ts';

/**
 * "Columns": a popover listing every column with a checkbox (shown or not) and Move up / Move down buttons. All of it
 * is buttons and checkboxes in tab order, so it works by keyboard as it does by mouse; Esc closes it and gives the
 * focus back to its button. (A non-modal dialog rather than role="menu": each entry holds three controls.)
 */
export function ColumnChooser({ layout, onChange }: { layout: ColumnLayout; onChange(next: ColumnLayout): void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const refocus = useRef<string | null>(null);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLInputElement>('input')?.focus();
    const away = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  // A moved entry's DOM node is re-inserted, which drops the focus: put it back on the same button.
  useEffect(() => {
    if (refocus.current) panel.current?.querySelector<HTMLButtonElement>(`[data-move="${refocus.current}"]`)?.focus();
    refocus.current = null;
  }, [layout]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  };
  const toggle = (col: string) =>
    onChange({
      ...layout,
      hidden: layout.hidden.includes(col) ? layout.hidden.filter((h) => h !== col) : [...layout.hidden, col],
    });
  const move = (col: string, by: -1 | 1) => {
    const order = [...layout.order];
    const i = order.indexOf(col);
    const j = i + by;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j]!, order[i]!];
    refocus.current = `${col}:${by}`;
    onChange({ ...layout, order });
  };
  const shown = layout.order.filter((c) => !layout.hidden.includes(c)).length;
  return (
    <div className="popover-anchor">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => (open ? close() : setOpen(true))}
      >
        Columns ({shown})
      </button>
      {open && (
        <div ref={panel} id={id} className="popover chooser" role="dialog" aria-label="Columns" onKeyDown={onKey}>
          <ul>
            {layout.order.map((col, i) => {
              const c = COLUMN_BY_ID.get(col)!;
              const name = c.title ?? c.label;
              return (
                <li key={col}>
                  <label>
                    <input type="checkbox" checked={!layout.hidden.includes(col)} onChange={() => toggle(col)} />
                    {name}
                  </label>
                  <button
                    type="button"
                    className="ghost icon"
                    data-move={`${col}:-1`}
                    aria-label={`Move ${name} up`}
                    disabled={i === 0}
                    onClick={() => move(col, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="ghost icon"
                    data-move={`${col}:1`}
                    aria-label={`Move ${name} down`}
                    disabled={i === layout.order.length - 1}
                    onClick={() => move(col, 1)}
                  >
                    ↓
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="popover-foot">
            <button type="button" className="ghost" onClick={() => onChange(DEFAULT_LAYOUT)}>
              Reset to default
            </button>
            <button type="button" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
