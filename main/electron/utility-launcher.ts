import { utilityProcess } from 'electron';
import { createInterface } from 'node:readline';
import { utilityExecArgv, type LaunchSpec, type ProcessLauncher, type WorkerProcess } from '../workers/launcher.ts';

/** Where the launcher writes what workers print and why they died. */
export interface WorkerLog {
  /** One line a worker printed, already split. */
  line(worker: string, line: string, stream: 'stdout' | 'stderr'): void;
  error(message: string): void;
}

const consoleLog: WorkerLog = { line: (w, l) => console.error(`[${w}] ${l}`), error: (m) => console.error(m) };

/** Launches workers as Electron utility processes: the app's adapter for the ProcessLauncher port. */
export function createUtilityLauncher(log: WorkerLog = consoleLog): ProcessLauncher {
  return {
    launch(spec: LaunchSpec): WorkerProcess {
      const { execArgv, dropped } = utilityExecArgv(spec);
      if (dropped.length) log.error(`[${spec.name}] a utility process ignores ${dropped.join(' ')}`);
      // Piped, so a worker's output reaches the log file, not only a terminal nobody sees in an installed app.
      const child = utilityProcess.fork(spec.entry, spec.args ?? [], {
        env: spec.env,
        execArgv,
        serviceName: spec.name,
        stdio: 'pipe',
      });
      const pipe = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
        if (stream)
          createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => log.line(spec.name, l, name));
      };
      pipe(child.stdout, 'stdout');
      pipe(child.stderr, 'stderr');
      // A V8 fatal error (out of memory, say) is reported here, then 'exit' follows: the supervisor restarts the worker
      // from the exit. Without a listener Electron's emitter would throw it into main as an uncaught exception.
      child.on('error', (type, location) =>
        log.error(`[${spec.name}] ${type} at ${location}; the worker ends and restarts`),
      );
      return {
        get pid() {
          return child.pid;
        },
        postMessage: (m) => {
          // The process may have just exited; its exit event settles the runs.
          try {
            child.postMessage(m);
          } catch {
            /* ignored on purpose */
          }
        },
        onMessage: (l) => void child.on('message', l),
        onExit: (l) => void child.on('exit', (code) => l(code, null)),
        kill: () => void child.kill(),
      };
    },
  };
}
