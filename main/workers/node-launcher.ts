import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LaunchSpec, ProcessLauncher, WorkerProcess } from './launcher.ts';

/** Where a worker's output lines go, as the app's utility launcher hands them to the log. */
export type WorkerOutput = (worker: string, line: string, stream: 'stdout' | 'stderr') => void;

/**
 * Launches workers as Node child processes (tests, CLI, benchmarks), with structured-clone messaging. Their output is
 * inherited (the terminal), or split into lines for `output` when given.
 */
export function createNodeLauncher(output?: WorkerOutput): ProcessLauncher {
  return {
    launch(spec: LaunchSpec): WorkerProcess {
      const child = fork(spec.entry, spec.args ?? [], {
        env: spec.env,
        execArgv: [...(spec.v8Flags ?? []), ...(spec.execArgv ?? [])],
        serialization: 'advanced',
        stdio: ['ignore', output ? 'pipe' : 'inherit', output ? 'pipe' : 'inherit', 'ipc'],
      });
      if (output)
        for (const stream of ['stdout', 'stderr'] as const) {
          const s = child[stream];
          if (s) createInterface({ input: s, crlfDelay: Infinity }).on('line', (l) => output(spec.name, l, stream));
        }
      // A child can die between our check and the write (EPIPE); its exit handler settles the runs, so a failed
      // send is expected and must not surface as an uncaught 'error' event.
      // A spawn failure reports 'error' and no 'exit': surface it as an exit so the supervisor restarts.
      const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
      child.on('error', () => {
        if (child.pid === undefined) exitListeners.forEach((l) => l(null, null));
      });
      return {
        get pid() {
          return child.pid;
        },
        postMessage: (m) => {
          if (child.connected) child.send(m as never, () => {});
        },
        onMessage: (l) => void child.on('message', l),
        onExit: (l) => {
          exitListeners.push(l);
          child.on('exit', (code, signal) => l(code, signal));
        },
        kill: () => void child.kill('SIGKILL'),
      };
    },
  };
}
