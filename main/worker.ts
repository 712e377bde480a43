// The worker process's composition root (a utility process in the app, a forked child under Node). The parent
// watch comes first and the task modules only then, by a dynamic import: loading them takes long enough (~1 s from
// source) that a parent dying meanwhile must already end this process.
import { watchParent } from './workers/runtime/parent-watch.ts';

watchParent();
const [{ workerTasks }, { startWorkerHost }] = await Promise.all([
  import('./worker-tasks.ts'),
  import('./workers/runtime/host.ts'),
]);
startWorkerHost(workerTasks());
