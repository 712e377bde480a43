import { useEffect, useRef } from 'react';

/** Every shortcut of the window, as the help overlay lists them. */
export const SHORTCUTS: readonly [keys: string, what: string][] = [
  ['Ctrl/⌘ O', 'Open a price list to import'],
  ['Ctrl/⌘ F', 'Search products'],
  ['Ctrl/⌘ 1 – 5', 'Go to Lists, Products, Jobs, Analysis, Settings'],
  ['J / K or ↓ / ↑', 'Next / previous product (in the table)'],
  ['J / K', 'Next / previous job (in Jobs); Enter opens its details'],
  ['Space', 'Select the product'],
  ['Enter', 'Open the product’s details'],
  ['Esc', 'Close details or this help'],
  ['?', 'Show this help'],
];

/** The shortcuts help: a native modal dialog, so focus stays in it and Esc closes it. */
export function HelpOverlay({ open, onClose }: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    // happy-dom and old engines lack showModal: fall back to the open attribute.
    if (open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
