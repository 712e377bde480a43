// The `--import` preload bootMain gives the booted main: `node --expose-gc --import tsx --import <this> <entry>`.
// Plain JavaScript because every worker thread of that process runs it too, and Node 20 threads do not inherit tsx's
// hooks (a .ts preload would stop every thread from starting). Threads get the ABI rule; the main thread loads
// register.ts (tsx is active there).
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';
import { applyElectronVersions, installAbiRule } from './abi-core.cjs';

installAbiRule();
// Threads of the booted main report Electron's versions too (register.ts does it for the main thread).
if (isMainThread) await import('./register.ts');
else if (process.env.PALLET_DOUBLE_MAIN_PID === String(process.pid)) applyElectronVersions();
