// Credentials main handed this worker over the protocol: memory only, never in env, payloads or logs.
let values: Readonly<Record<string, string>> = {};

/** Replaces the worker's credentials (main sends them after every start and when they change). */
export function setWorkerSecrets(next: Record<string, string>): void {
  values = Object.freeze({ ...next });
}

/** One credential, or null when main has none. */
export function workerSecret(name: string): string | null {
  return values[name] ?? null;
}
