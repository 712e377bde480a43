import { utilityProcess } from 'electron';
import type { LaunchSpec, ProcessLauncher, WorkerProcess } from '../workers/launcher.ts';

/** Launches workers as Electron utility processes: the app's adapter for the ProcessLauncher port. */
export function createUtilityLauncher(): ProcessLauncher {
  return {
    launch(spec: LaunchSpec): WorkerProcess {
      const child = utilityProcess.fork(spec.entry, spec.args ?? [], { env: spec.env, execArgv: spec.execArgv, serviceName: spec.name, stdio: 'inherit' });
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
