// utilityProcess in the double: real Node children with Electron's child-side surface, exit codes, fatal errors and
// Electron's execArgv filtering (only --js-flags reaches V8).
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_ABI, ELECTRON_VERSION } from '../support/electron-double/abi.ts';
import { bootMain } from '../support/electron-double/boot.ts';
import { getDouble, type UtilityProcess } from '../support/electron-double/double.ts';

const { electron, control } = getDouble();
const fixture = (name: string) => new URL(`../support/electron-double/fixtures/${name}`, import.meta.url).pathname;
const CHILD = fixture('utility-child.ts');

interface Hello {
  hello: true;
  type: string;
  electron: string;
  modules: string;
  hasSend: string;
  hasParentPort: boolean;
  heapLimitMb: number;
  env: string[];
  argv: string[];
}

const children: UtilityProcess[] = [];
function fork(args: string[], options: Parameters<typeof electron.utilityProcess.fork>[2] = {}): UtilityProcess {
  const child = electron.utilityProcess.fork(CHILD, args, options);
  children.push(child);
  return child;
}
const firstMessage = async <T>(child: UtilityProcess) => (await once(child, 'message'))[0] as T;
const exitCode = async (child: UtilityProcess) => (await once(child, 'exit'))[0] as number;

beforeAll(() => control.emitReady());
afterAll(() => {
  for (const c of children) c.kill();
});

describe('utilityProcess child', () => {
  it('has process.parentPort, no process.send, process.type utility and the Electron version; env replaces the environment', async () => {
    const child = fork(['echo', 'x'], {
      env: { ONLY: 'this', PATH: process.env.PATH ?? '' },
      serviceName: 'svc',
      stdio: 'pipe',
    });
    let pidAtSpawn: number | undefined;
    child.once('spawn', () => (pidAtSpawn = child.pid));
    const hello = await firstMessage<Hello>(child);
    expect(pidAtSpawn).toBeGreaterThan(0);
    expect(hello).toMatchObject({
      type: 'utility',
      hasSend: 'undefined',
      hasParentPort: true,
      argv: ['echo', 'x'],
      env: ['ONLY', 'PATH'],
    });
    expect(hello.electron).toBe(ELECTRON_VERSION);
    expect(hello.modules).toBe(String(ELECTRON_ABI));
    expect(control.state().utilityProcesses.at(-1)).toMatchObject({
      serviceName: 'svc',
      stdio: ['ignore', 'pipe', 'pipe'],
      envKeys: ['ONLY', 'PATH'],
    });
  });

  it('round-trips messages as { data, ports: [] } with structured clone', async () => {
    const child = fork([]);
    await firstMessage<Hello>(child);
    child.postMessage({ m: new Map([[1, 'one']]), d: new Date(0) });
    expect(await firstMessage(child)).toEqual({ echo: { m: new Map([[1, 'one']]), d: new Date(0) }, ports: 0 });
    child.postMessage('exit');
    expect(await exitCode(child)).toBe(0);
  });

  it('queues messages until the child listens', async () => {
    const child = fork(['late-listener']);
    await once(child, 'spawn');
    child.postMessage('early');
    const messages: unknown[] = [];
    child.on('message', (m) => messages.push(m));
    await new Promise<void>((resolve) => child.on('message', () => messages.length === 2 && resolve()));
    expect(messages[1]).toEqual({ echo: 'early', ports: 0 });
  });

  it('exit codes: process.exit(3) gives 3, kill() gives 0; kill() is false before spawn and after exit; postMessage after exit throws', async () => {
    const three = fork(['exit3']);
    expect(await exitCode(three)).toBe(3);
    expect(three.pid).toBeUndefined();
    expect(() => three.postMessage('late')).toThrow();

    const killed = fork([]);
    expect(killed.kill()).toBe(false);
    await once(killed, 'spawn');
    expect(killed.kill()).toBe(true);
    expect(await exitCode(killed)).toBe(0);
    expect(killed.kill()).toBe(false);
    expect(killed.stdout).toBeNull();
  });

  it('an idle child with no parentPort listener ends on its own', async () => {
    expect(await exitCode(fork(['idle']))).toBe(0);
  });

  it("stdio 'pipe' gives stdout and stderr streams", async () => {
    const child = fork(['print'], { stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    await firstMessage(child);
    child.postMessage('exit');
    await exitCode(child);
    expect(out).toContain('to stdout');
    expect(err).toContain('to stderr');
  });

  it("a V8 fatal error (heap exhausted under --js-flags) emits 'error' FatalError, then 'exit'", async () => {
    const child = fork(['oom'], { stdio: 'pipe', execArgv: ['--js-flags=--max-old-space-size=16'] });
    const events: unknown[][] = [];
    child.on('error', (...args: unknown[]) => events.push(['error', ...args]));
    // Not events.once: it would reject on the 'error' event this test waits through.
    await new Promise<void>((resolve) =>
      child.on('exit', (code: number) => {
        events.push(['exit', code]);
        resolve();
      }),
    );
    expect(events.map((e) => e[0])).toEqual(['error', 'exit']);
    const [, type, location, report] = events[0] as [string, string, string, string];
    expect(type).toBe('FatalError');
    expect(location).toMatch(/heap/i);
    expect(JSON.parse(report)).toMatchObject({ header: { trigger: 'FatalError' } });
    expect(events[1]![1]).not.toBe(0);
  }, 60_000);

  it('a bare --max-old-space-size is dropped; --js-flags=--max-old-space-size=N applies', async () => {
    const limit = async (execArgv: string[]) => {
      const child = fork([], { execArgv });
      const hello = await firstMessage<Hello>(child);
      child.postMessage('exit');
      await exitCode(child);
      return hello.heapLimitMb;
    };
    const baseline = await limit([]);
    const bare = await limit(['--max-old-space-size=48']);
    const viaJsFlags = await limit(['--js-flags=--max-old-space-size=48']);
    expect(bare).toBe(baseline);
    expect(viaJsFlags).toBeLessThan(baseline);
    expect(viaJsFlags).toBeLessThanOrEqual(128);
    const records = control.state().utilityProcesses.slice(-2);
    expect(records[0]).toMatchObject({
      execArgv: ['--max-old-space-size=48'],
      effectiveExecArgv: [],
      droppedExecArgv: ['--max-old-space-size=48'],
    });
    expect(records[1]).toMatchObject({ effectiveExecArgv: ['--max-old-space-size=48'], droppedExecArgv: [] });
  });

  it('allowlisted Node options pass, others are dropped silently', () => {
    const child = fork([], { execArgv: ['--trace-warnings', '--require=x', '--experimental-vm-modules'] });
    expect(child.record).toMatchObject({
      effectiveExecArgv: ['--trace-warnings'],
      droppedExecArgv: ['--require=x', '--experimental-vm-modules'],
    });
  });
});

describe("'error' with no listener", () => {
  it("throws into main (ERR_UNHANDLED_ERROR) as an uncaught exception, and 'exit' still follows", async () => {
    const d = await bootMain({ entry: fixture('oom-main.ts') });
    try {
      const s = await d.waitFor((x) => x.utilityProcesses[0]?.exited === true && x.uncaughtErrors.length > 0, 60_000);
      expect(s.uncaughtErrors[0]!.message).toBe("Unhandled error. ('FatalError')");
      expect(s.dialogs.errorBoxes[0]!.title).toBe('A JavaScript error occurred in the main process');
      expect(s.utilityProcesses[0]).toMatchObject({
        serviceName: 'hog',
        exited: true,
        errors: [{ type: 'FatalError' }],
      });
      expect(await d.invoke('events')).toEqual([`exit:${s.utilityProcesses[0]!.code}`]);
    } finally {
      d.kill();
      await d.exited;
      for (const dir of [d.appData, d.home, d.resourcesPath]) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
