// The `--import` preload of every utility process the double forks: Electron's child-side surface (process.parentPort,
// no process.send, process.type 'utility', process.versions.electron) and the native-module ABI rule. Plain JavaScript
// because the child's worker threads run it too and Node 20 threads have no TypeScript loader.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setImmediate } from 'node:timers';
import { isMainThread } from 'node:worker_threads';

const { applyElectronVersions, installAbiRule } = createRequire(import.meta.url)('./abi-core.cjs');

installAbiRule();

/** Electron's ParentPort: messages queue until the first 'message' listener starts it. */
class ParentPort extends EventEmitter {
  #queue = [];
  #started = false;
  #send;
  #channel;
  constructor(send, channel) {
    super();
    this.#send = send;
    this.#channel = channel;
    this.on('newListener', (event) => {
      if (event === 'message' && !this.#started) {
        this.#started = true;
        // A started port keeps the process alive; an idle utility process exits.
        this.#channel?.ref();
        setImmediate(() => this.#flush());
      }
    });
    this.on('removeListener', (event) => {
      if (event === 'message' && this.listenerCount('message') === 0) {
        this.#started = false;
        this.#channel?.unref();
      }
    });
  }
  #flush() {
    while (this.#started && this.#queue.length) this.emit('message', { data: this.#queue.shift(), ports: [] });
  }
  /** Delivers (or queues) a message from main. */
  deliver(data) {
    this.#queue.push(data);
    if (this.#started) this.#flush();
  }
  /** One argument, as Electron's parentPort.postMessage. */
  postMessage(message) {
    this.#send({ kind: 'pallet-utility-message', data: message });
  }
}

if (isMainThread && process.send) {
  const send = process.send.bind(process);
  const channel = process.channel;
  // Electron's utility process has no Node IPC of its own.
  delete process.send;
  const port = new ParentPort((m) => void send(m), channel);
  process.on('message', (msg) => {
    if (msg?.kind === 'pallet-utility-message') port.deliver(msg.data);
  });
  // After the listener above (which refs the channel): nothing but a started parentPort keeps the child alive.
  channel?.unref();
  // A Chromium child ends when the browser process's channel goes away; so no orphan outlives a killed main.
  process.on('disconnect', () => process.exit(0));
  Object.defineProperty(process, 'parentPort', { value: port, writable: false, enumerable: true, configurable: false });
}
// The child's threads report Electron's versions too; process.type is the process's, set on its main thread.
applyElectronVersions();
if (isMainThread) process.type = 'utility';
