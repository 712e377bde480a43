import { useEffect, useState } from 'react';

/** The seller's choice of theme: follow the OS, or always light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'pallet.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The saved choice; 'system' when none was saved or storage is unavailable. */
export function readTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return CHOICES.find((c) => c === v) ?? 'system';
  } catch {
    return 'system';
  }
}

/** Puts a choice on <html> (tokens.css reads `data-theme`); 'system' leaves it to prefers-color-scheme. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** The theme choice, applied to the page and kept across restarts. */
export function useTheme(): [ThemeChoice, (c: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(readTheme);
  useEffect(() => {
    applyTheme(choice);
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Storage refused (private profile): the choice lasts for this window only.
    }
  }, [choice]);
  return [choice, setChoice];
}

/** The next choice in the cycle the toggle walks: system → light → dark → system. */
export function nextTheme(c: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(c) + 1) % CHOICES.length]!;
}
