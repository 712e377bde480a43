/** A child process speaking the worker protocol; Electron's utilityProcess and Node's fork both fit. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Ends the process at once (SIGKILL where the platform has it). */
  kill(): void;
}

export interface LaunchSpec {
  /** Absolute path of the worker entry module. */
  entry: string;
  args?: string[];
  /** The complete environment: built from an allowlist, never process.env wholesale. */
  env: Record<string, string>;
  /** Node-only: flags such as a TypeScript loader when running from source. */
  execArgv?: string[];
  name: string;
}

/** The port through which the supervisor starts workers. */
export interface ProcessLauncher {
  launch(spec: LaunchSpec): WorkerProcess;
}

const DEFAULT_ENV_ALLOW = ['PATH', 'HOME', 'USERPROFILE', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'NODE_ENV'];

/** Builds a worker environment from an allowlist (plus PALLET_* settings); secrets and unrelated variables stay out. */
export function allowlistEnv(source: NodeJS.ProcessEnv, extraAllowed: readonly string[] = []): Record<string, string> {
  const allowed = new Set([...DEFAULT_ENV_ALLOW, ...extraAllowed]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined) continue;
    if (allowed.has(k) || (k.startsWith('PALLET_') && !/SECRET|TOKEN|PASSWORD|KEY/i.test(k))) out[k] = v;
  }
  return out;
}
