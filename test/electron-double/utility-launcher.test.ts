// Pallet's utility-process launcher (main/electron/utility-launcher.ts) under the strict double: a worker's V8 fatal
// error goes to the log and the exit (the supervisor restarts from it), never into main as an uncaught exception; the
// heap limit is applied through --js-flags; a worker's output reaches the log line by line.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootMain, type MainDriver } from '../support/electron-double/boot.ts';

const ENTRY = fileURLToPath(new URL('../support/electron-double/fixtures/launcher-main.ts', import.meta.url));

async function withMain(mode: string, body: (d: MainDriver) => Promise<void>): Promise<void> {
  const d = await bootMain({ entry: ENTRY, env: { PALLET_FIXTURE_MODE: mode } });
  try {
    await body(d);
  } finally {
    d.kill();
    await d.exited;
    for (const dir of [d.appData, d.home, d.resourcesPath]) rmSync(dir, { recursive: true, force: true });
  }
}

describe('createUtilityLauncher under the strict double', () => {
  it("listens for 'error': a worker's V8 fatal error is logged and ends in an exit, not in an uncaught exception in main", async () => {
    await withMain('oom', async (d) => {
      const s = await d.waitFor((x) => x.utilityProcesses[0]?.exited === true, 60_000);
      expect(s.uncaughtErrors).toEqual([]);
      expect(s.dialogs.errorBoxes).toEqual([]);
      // The 16 MiB heap was really applied (a bare --max-old-space-size would have been dropped and the child would
      // have grown far past it): the limit reached is the one the launcher passed.
      expect(s.utilityProcesses[0]).toMatchObject({
        serviceName: 'hog',
        droppedExecArgv: [],
        effectiveExecArgv: expect.arrayContaining(['--max-old-space-size=16']),
        errors: [{ type: 'FatalError' }],
      });
      const events = (await d.invoke('events')) as string[];
      expect(events.find((e) => e.startsWith('error:'))).toMatch(
        /^error:\[hog\] FatalError at .+; the worker ends and restarts$/,
      );
      expect(events.at(-1)).toMatch(/^exit:\d+$/);
    });
  }, 90_000);

  it("pipes a worker's stdout and stderr into the log, a line at a time, with the worker's name", async () => {
    await withMain('print', async (d) => {
      await d.waitFor((x) => x.utilityProcesses[0]?.spawned === true, 30_000);
      const deadline = Date.now() + 20_000;
      let events: string[] = [];
      while (Date.now() < deadline && events.length < 2) {
        events = (await d.invoke('events')) as string[];
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(events.sort()).toEqual(['stderr:hog:to stderr', 'stdout:hog:to stdout']);
      expect((await d.state()).utilityProcesses[0]!.stdio).toEqual(['ignore', 'pipe', 'pipe']);
    });
  }, 60_000);
});
