// The native-module ABI rule (see abi-core.cjs, plain JavaScript so worker threads can load it without tsx).
export {
  applyElectronVersions,
  ELECTRON_ABI,
  ELECTRON_VERSION,
  installAbiRule,
  makeElectronStandIn,
  moduleVersionOf,
} from './abi-core.cjs';
