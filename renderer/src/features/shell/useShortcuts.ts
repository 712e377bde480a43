import { useEffect, useRef } from 'react';

/** What the window-wide shortcuts do. */
export interface ShortcutActions {
  open(): void;
  search(): void;
  /** Go to the view at this position (0-based) in the sidebar. */
  view(index: number): void;
  help(): void;
}

/** Whether a key press goes to a text field (where `?` and letters are typing, not commands). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type);
}

/** ⌘/Ctrl+O open, ⌘/Ctrl+F search, ⌘/Ctrl+1–5 views, `?` help: listened for on the whole window. */
export function useShortcuts(actions: ShortcutActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = latest.current;
      const mod = e.metaKey || e.ctrlKey;
      if (mod && !e.altKey && !e.shiftKey) {
        const k = e.key.toLowerCase();
        if (k === 'o') return void (e.preventDefault(), a.open());
        if (k === 'f') return void (e.preventDefault(), a.search());
        if (/^[1-5]$/.test(k)) return void (e.preventDefault(), a.view(Number(k) - 1));
        return;
      }
      if (e.key === '?' && !mod && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        a.help();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
