// Worker process entry: the task kinds this build ships. Later issues register import, lookup and analysis here.
import { startWorkerHost } from './host.ts';
import { noopTask } from './tasks/noop.ts';

startWorkerHost({ noop: noopTask });
