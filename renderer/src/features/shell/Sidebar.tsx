import type { ThemeChoice } from '../../theme/theme.ts';

/** The views of the window, in sidebar order; the shortcut is ⌘/Ctrl + its position. */
export const VIEWS = [
  { id: 'lists', label: 'Lists' },
  { id: 'products', label: 'Products' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'analysis', label: 'Analysis' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

const THEME_LABEL: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** The left sidebar: one button per view with its live count, the theme toggle and the shortcuts help. */
export function Sidebar({
  view,
  onView,
  counts,
  theme,
  onTheme,
  onHelp,
}: {
  view: ViewId;
  onView(v: ViewId): void;
  /** A number (or null for none) beside each view; `live` marks work in progress. */
  counts: Partial<Record<ViewId, { n: number; live?: boolean; label: string } | null>>;
  theme: ThemeChoice;
  onTheme(): void;
  onHelp(): void;
}) {
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1 className="brand-name">Pallet</h1>
      </div>
      <nav className="nav" aria-label="Views">
        {VIEWS.map((v) => {
          const c = counts[v.id];
          return (
            <button
              key={v.id}
              type="button"
              aria-current={view === v.id ? 'page' : undefined}
              onClick={() => onView(v.id)}
              data-testid={`nav-${v.id}`}
            >
              <span>{v.label}</span>
              {c && (
                <span className={`count${c.live ? ' live' : ''}`} aria-label={c.label}>
                  {c.n.toLocaleString('en-US')}
                </span>
              )}
            </button>
          );
        })}
      </nav>
      <div className="sidebar-foot">
        <button type="button" onClick={onTheme} aria-label={`Theme: ${THEME_LABEL[theme]} (change)`}>
          Theme: {THEME_LABEL[theme]}
        </button>
        <button type="button" onClick={onHelp} aria-keyshortcuts="Shift+?">
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </div>
    </aside>
  );
}
