// The native-module ABI rule in plain CommonJS, so it runs where no TypeScript loader does: worker threads of the
// booted main (Node 20 threads do not inherit tsx's hooks) and eval workers (which can only require()). Typed by
// abi-core.d.cts, re-exported by abi.ts. Electron refuses a `.node` file built for another NODE_MODULE_VERSION exactly
// like Node does.
/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: eval workers can only require() */
'use strict';
const { Buffer } = require('node:buffer');
const { copyFileSync, existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const process = require('node:process');

const ELECTRON_DIR = join(__dirname, '../../../node_modules/electron/');

const ELECTRON_ABI = Number(readFileSync(`${ELECTRON_DIR}abi_version`, 'utf8').trim());
const ELECTRON_VERSION = JSON.parse(readFileSync(`${ELECTRON_DIR}package.json`, 'utf8')).version;

const TAG = /node_register_module_v(\d+)/;
const tagCache = new Map();

function moduleVersionOf(file) {
  let tag = tagCache.get(file);
  if (tag === undefined) {
    // latin1 keeps one char per byte, so the regex sees the symbol table as text.
    const m = TAG.exec(readFileSync(file).toString('latin1'));
    tag = m ? Number(m[1]) : null;
    tagCache.set(file, tag);
  }
  return tag;
}

function abiError(file, found) {
  const error = new Error(
    `The module '${file}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${found}. This version of Node.js requires\nNODE_MODULE_VERSION ${ELECTRON_ABI}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
  );
  error.code = 'ERR_DLOPEN_FAILED';
  return error;
}

const INSTALLED = Symbol.for('pallet.electron-double.abi');

function installAbiRule() {
  if (process[INSTALLED]) return;
  process[INSTALLED] = true;
  const dlopen = process.dlopen.bind(process);
  // Node refuses an explicit undefined mode, so pass flags on only when given.
  const original = (module, filename, flags) =>
    flags === undefined ? dlopen(module, filename) : dlopen(module, filename, flags);
  process.dlopen = (module, filename, flags) => {
    let found;
    try {
      found = moduleVersionOf(filename);
    } catch {
      // An unreadable file: the real dlopen reports it with its own message.
      return original(module, filename, flags);
    }
    if (found === null) return original(module, filename, flags);
    if (found !== ELECTRON_ABI) throw abiError(filename, found);
    // Tagged for Electron: it cannot run under Node, so load the host build it stands in for.
    const sidecar = `${filename}.host`;
    if (!existsSync(sidecar) || !readFileSync(sidecar, 'utf8').trim()) {
      throw new Error(
        `electron-double: '${filename}' is built for Electron (NODE_MODULE_VERSION ${ELECTRON_ABI}) and has no '${sidecar}' sidecar naming a host build to load in its place (see makeElectronStandIn)`,
      );
    }
    return original(module, readFileSync(sidecar, 'utf8').trim(), flags);
  };
}

function makeElectronStandIn(hostBinary, dest) {
  const text = readFileSync(hostBinary).toString('latin1');
  const m = TAG.exec(text);
  if (!m)
    throw new Error(
      `makeElectronStandIn: ${hostBinary} has no node_register_module_v<N> symbol (an N-API module needs no stand-in)`,
    );
  const from = `node_register_module_v${m[1]}`;
  const to = `node_register_module_v${ELECTRON_ABI}`;
  // Same length, so offsets inside the ELF stay valid.
  if (from.length !== to.length) throw new Error(`makeElectronStandIn: cannot retag ${from} as ${to} (lengths differ)`);
  copyFileSync(hostBinary, dest);
  writeFileSync(dest, Buffer.from(text.split(from).join(to), 'latin1'));
  writeFileSync(`${dest}.host`, hostBinary);
  tagCache.delete(dest);
}

function applyElectronVersions() {
  // Electron reports its own version and its own NODE_MODULE_VERSION (prebuilt-binary pickers read the latter).
  for (const [key, value] of [
    ['electron', ELECTRON_VERSION],
    ['modules', String(ELECTRON_ABI)],
  ]) {
    Object.defineProperty(process.versions, key, { value, writable: false, enumerable: true, configurable: true });
  }
}

module.exports = {
  ELECTRON_ABI,
  ELECTRON_VERSION,
  moduleVersionOf,
  installAbiRule,
  makeElectronStandIn,
  applyElectronVersions,
};
