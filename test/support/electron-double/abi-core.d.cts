// Types for abi-core.cjs (plain JavaScript so threads without a TypeScript loader can run it).

/** Electron's NODE_MODULE_VERSION, from node_modules/electron/abi_version (150 for Electron 45). */
export declare const ELECTRON_ABI: number;
/** Electron's version, from node_modules/electron/package.json. */
export declare const ELECTRON_VERSION: string;
/** The NODE_MODULE_VERSION a binary registers under, or null for N-API-only modules (no versioned symbol). */
export declare function moduleVersionOf(file: string): number | null;
/** Wraps this thread's `process.dlopen` with Electron's ABI check; idempotent. */
export declare function installAbiRule(): void;
/** Copies a Node build of an addon to `dest`, retagged for Electron's ABI, with a `.host` sidecar naming the original. */
export declare function makeElectronStandIn(hostBinary: string, dest: string): void;
/** Sets process.versions.electron and process.versions.modules (Electron's ABI) on this thread, as Electron reports them. */
export declare function applyElectronVersions(): void;
