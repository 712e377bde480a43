import { fileURLToPath } from 'node:url';
import { allowlistEnv } from '../../main/workers/launcher.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { createSupervisor, type SupervisorOptions } from '../../main/workers/supervisor.ts';
import { tsxLoader } from '../../main/workers/entry-path.ts';

/** A supervisor over a real child process running test/support/test-worker.ts. */
export function testSupervisor(overrides: Partial<SupervisorOptions> = {}, env: NodeJS.ProcessEnv = process.env) {
  return createSupervisor({
    launcher: createNodeLauncher(),
    spec: {
      name: 'test-worker',
      entry: fileURLToPath(new URL('./test-worker.ts', import.meta.url)),
      execArgv: ['--import', tsxLoader()],
      env: { ...allowlistEnv(env), PALLET_HEARTBEAT_MS: '100' },
    },
    heartbeatTimeoutMs: 2_000,
    restartBaseMs: 50,
    ...overrides,
  });
}

/** Resolves when `check` is true, polling; rejects with `what` after the timeout. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
