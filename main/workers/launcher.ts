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
  /** Node-only: flags such as a TypeScript loader when running from source (a utility process drops them). */
  execArgv?: string[];
  /**
   * V8 flags (heap limits). Kept apart from execArgv because each launcher passes them its own way: Node's fork takes
   * them as execArgv, while a utility process ignores a bare `--max-old-space-size` and reads V8 flags only from
   * `--js-flags` (Electron's node_bindings.cc allowlist).
   */
  v8Flags?: string[];
  name: string;
}

/** The port through which the supervisor starts workers. */
export interface ProcessLauncher {
  launch(spec: LaunchSpec): WorkerProcess;
}

const DEFAULT_ENV_ALLOW = [
  'PATH',
  'HOME',
  'USERPROFILE',
  'TMPDIR',
  'TEMP',
  'TMP',
  'LANG',
  'LC_ALL',
  'TZ',
  'SystemRoot',
  'NODE_ENV',
];

/**
 * Settings that point the SP-API client at another server (test doubles, a sandbox). The client sends the LWA secret
 * and refresh token there, so an installed app must never honour them: anyone who can set an environment variable
 * would receive the seller's credentials.
 */
// PALLET_SPAPI_RATE_SCALE multiplies every usage plan for a fast test double (providers.ts rateScaleOf); it has no
// business in an installed app either.
export const DEVELOPMENT_ONLY_ENV = ['PALLET_LWA_URL', 'PALLET_SPAPI_ENDPOINT', 'PALLET_SPAPI_RATE_SCALE'] as const;

/**
 * Builds a worker environment from an allowlist (plus PALLET_* settings); secrets and unrelated variables stay out.
 * `packaged` (an installed app) also leaves out the development-only endpoints.
 */
export function allowlistEnv(
  source: NodeJS.ProcessEnv,
  extraAllowed: readonly string[] = [],
  opts: { packaged?: boolean } = {},
): Record<string, string> {
  const allowed = new Set([...DEFAULT_ENV_ALLOW, ...extraAllowed]);
  const denied = new Set<string>(opts.packaged ? DEVELOPMENT_ONLY_ENV : []);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || denied.has(k)) continue;
    if (allowed.has(k) || (k.startsWith('PALLET_') && !/SECRET|TOKEN|PASSWORD|KEY/i.test(k))) out[k] = v;
  }
  return out;
}

/** Node options a utility process passes on to Node (Electron's `IsAllowedOption`); it drops every other one. */
const UTILITY_NODE_OPTIONS = [
  '--diagnostic-dir',
  '--dns-result-order',
  '--no-deprecation',
  '--throw-deprecation',
  '--trace-deprecation',
  '--trace-warnings',
  '--no-experimental-global-navigator',
];

/**
 * The execArgv a utility process honours for this spec: V8 flags folded into one `--js-flags`, plus the Node options
 * Electron lets through. Everything else would be dropped silently by Electron, so it is returned as `dropped` for the
 * caller to log rather than pretend it applies.
 */
export function utilityExecArgv(spec: Pick<LaunchSpec, 'execArgv' | 'v8Flags'>): {
  execArgv: string[];
  dropped: string[];
} {
  const execArgv: string[] = [];
  const dropped: string[] = [];
  if (spec.v8Flags?.length) execArgv.push(`--js-flags=${spec.v8Flags.join(' ')}`);
  for (const arg of spec.execArgv ?? []) {
    if (UTILITY_NODE_OPTIONS.includes(arg.split('=')[0]!)) execArgv.push(arg);
    else dropped.push(arg);
  }
  return { execArgv, dropped };
}
