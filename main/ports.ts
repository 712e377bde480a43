// Interfaces for everything platform-shaped. Electron adapters (main/electron) implement them in the app; recording
// fakes implement them in tests and the e2e harness. Nothing here imports Electron.
import type { AppEvent } from '../preload/contract/channels.ts';

export interface WindowPort {
  show(): void;
  hide(): void;
  focus(): void;
  isVisible(): boolean;
  isFocused(): boolean;
  /** Pushes an event to the renderer (no-op while the window does not exist). */
  send(event: AppEvent): void;
  /** The user closed the window; `preventDefault` keeps it alive (hidden to the tray). */
  onClose(listener: (e: { preventDefault(): void }) => void): void;
}

export type TrayActionId = 'open' | 'pauseAll' | 'resumeAll' | 'quit' | `job:${number}`;

export interface TrayMenuItem {
  id?: TrayActionId;
  label: string;
  enabled: boolean;
}

export interface TrayModel {
  tooltip: string;
  items: TrayMenuItem[];
}

export interface TrayPort {
  update(model: TrayModel): void;
  onAction(listener: (id: TrayActionId) => void): void;
}

export interface Notice {
  title: string;
  body: string;
  jobId: number | null;
}

export interface NotifierPort {
  show(notice: Notice, onClick: () => void): void;
}

/** Keeps the machine awake while jobs run. */
export interface PowerPort {
  preventSleep(): void;
  allowSleep(): void;
  /** The machine woke from sleep: leases may have run out meanwhile. */
  onResume(listener: () => void): void;
}

export interface DialogPort {
  /** Asks whether to quit while jobs run; true = quit (jobs stop and resume next start). */
  confirmQuit(running: number): Promise<boolean>;
  /** The OS's open-file dialog; the chosen path, or null when cancelled. Absent where there is no desktop. */
  pickFile?(o: { title: string; filters: FileFilter[] }): Promise<string | null>;
  /** The OS's save dialog, starting at `defaultName` in the user's Downloads; null when cancelled. */
  pickSavePath?(o: { title: string; defaultName: string; filters: FileFilter[] }): Promise<string | null>;
  /**
   * Says the database file cannot be used and asks what to do; nothing has been changed yet. Absent (no desktop):
   * the start fails with the message instead, and the file stays as it is.
   */
  databaseDamaged?(problem: DamagedDatabaseProblem): Promise<DamagedDatabaseChoice>;
}

/** A database file Pallet cannot use, as the start-up dialog tells it. */
export interface DamagedDatabaseProblem {
  reason: 'not_a_database' | 'truncated' | 'corrupt';
  /** What happened, in plain words (names the file). */
  message: string;
  /** The newest backup not tried yet, if any: "restore" is only offered with one. */
  latestBackup: { path: string; takenAt: number } | null;
}

/**
 * restore: put the latest backup in place (the current file is kept aside); fresh: keep the damaged file aside as
 * `<name>.damaged-<time>` and start with an empty database; quit: change nothing.
 */
export type DamagedDatabaseChoice = 'restore' | 'fresh' | 'quit';

/** A file type offered by an open or save dialog: extensions without the dot. */
export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface AppLifecyclePort {
  quit(): void;
  onSecondInstance(listener: (argv: readonly string[]) => void): void;
  /** macOS "open with Pallet". */
  onOpenFile(listener: (path: string) => void): void;
  onBeforeQuit(listener: (e: { preventDefault(): void }) => void): void;
  /** macOS: the Dock icon was clicked (or the app launched again) — bring the window back from the tray. */
  onActivate(listener: () => void): void;
}

export interface NetworkPort {
  isOnline(): boolean;
  onChange(listener: (online: boolean) => void): void;
}

// Preferences: declared with the settings (main/settings), which import nothing above them.
export type { SettingsStore } from './settings/store.ts';

/** Secrets encrypted by the OS (safeStorage in the app). */
export interface SecretsPort {
  /** Whether secrets can be stored safely here, and if not why. */
  availability(): { ok: true } | { ok: false; reason: string };
  set(name: string, value: string): void;
  get(name: string): string | null;
  has(name: string): boolean;
  delete(name: string): void;
}

/** Files the user asked to see: opened with their app, or shown in the file manager. */
export interface FilesPort {
  open(path: string): Promise<void>;
  showInFolder(path: string): void;
}

export interface Clock {
  now(): number;
}
