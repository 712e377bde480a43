// Development and tests only: runs a worker thread's TypeScript entry through tsx (threads do not inherit loaders).
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
