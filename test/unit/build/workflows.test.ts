// The GitHub workflows cannot run here; this checks they are wired to what the repository really has.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, root)), 'utf8');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  strategy?: { matrix?: { os?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => load(read(`.github/workflows/${name}`)) as Workflow;
const ci = workflow('ci.yml');
const release = workflow('release.yml');
const runs = (w: Workflow) =>
  Object.values(w.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ''))
    .join('\n');

/** Every npm script a shell line calls: `npm run X`, `npm X` (test, start… are `npm run` shorthands). */
function npmScripts(script: string): string[] {
  const called: string[] = [];
  for (const m of script.matchAll(/\bnpm\s+(?:run(?:-script)?\s+([\w:.-]+)|([\w:.-]+))/g)) {
    if (m[1]) called.push(m[1]);
    else if (m[2] && m[2] !== 'ci') called.push(m[2]);
  }
  return called;
}

describe('GitHub workflows', () => {
  // Read at test time: others add scripts (rebuild:electron, smoke) while this is written.
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it.each([
    ['ci.yml', ci],
    ['release.yml', release],
  ])('%s calls only npm scripts that package.json defines', (_name, w) => {
    const called = npmScripts(runs(w));
    expect(called.length).toBeGreaterThan(0);
    // npm ci is npm's own command; everything else must be a script (npm test is `npm run test`).
    expect(called.filter((s) => !(s in scripts))).toEqual([]);
  });

  it('finds the npm calls it is meant to check', () => {
    expect(
      npmScripts('npm ci && npm test -- --x && npm run rebuild:electron && npm run build\nxvfb-run -a npm run smoke'),
    ).toEqual(['test', 'rebuild:electron', 'build', 'smoke']);
  });

  it('CI runs on Linux, Windows and macOS with Node 22 and the Electron binary', () => {
    const job = Object.values(ci.jobs)[0]!;
    expect(job.strategy?.matrix?.os).toEqual(
      expect.arrayContaining(['ubuntu-latest', 'windows-latest', 'macos-latest']),
    );
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(String((setupNode as { with?: { 'node-version'?: unknown } }).with?.['node-version'])).toMatch(/^22/);
    const env = JSON.stringify([
      (ci as { env?: unknown }).env,
      ...Object.values(ci.jobs).flatMap((j) => [(j as { env?: unknown }).env, ...j.steps.map((s) => s.env)]),
    ]);
    expect(env + runs(ci)).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
  });

  it('CI tests, runs the real-Electron suite and smoke-starts the app (under Xvfb on Linux)', () => {
    const steps = Object.values(ci.jobs)[0]!.steps;
    const text = runs(ci);
    expect(text).toMatch(/^npm ci$/m);
    expect(text).toMatch(/sudo apt-get install -y chromium/);
    expect(text).toMatch(/^npm test\b/m);
    expect(text).toContain('npm run rebuild:electron && npm run build');
    const linux = steps.filter((s) => s.if === "runner.os == 'Linux'").map((s) => s.run ?? '');
    expect(linux).toEqual(
      expect.arrayContaining(['xvfb-run -a npx vitest run test/electron', 'xvfb-run -a npm run smoke']),
    );
    expect(steps.filter((s) => s.if === "runner.os != 'Linux'").map((s) => s.run)).toEqual(
      expect.arrayContaining(['npx vitest run test/electron', 'npm run smoke']),
    );
    // The Electron build of better-sqlite3 must exist before anything starts Electron.
    const order = (needle: string) => steps.findIndex((s) => s.run?.includes(needle));
    expect(order('rebuild:electron')).toBeLessThan(order('vitest run test/electron'));
    expect(order('rebuild:electron')).toBeLessThan(order('npm run smoke'));
  });

  it('CI packages the app (npm run dist -- --dir) after the Electron build exists', () => {
    const steps = Object.values(ci.jobs)[0]!.steps;
    const pack = steps.findIndex((s) => s.run?.includes('test/unit/build/dist-dir.test.ts'));
    expect(pack).toBeGreaterThan(steps.findIndex((s) => s.run?.includes('rebuild:electron')));
    expect(steps[pack]!.env?.PALLET_TEST_DIST).toBe('1');
  });

  it('the smoke script starts the real app in --smoke mode', () => {
    expect(scripts.smoke).toBe('electron . --smoke');
  });

  it('releases run on v* tags only, on every OS, and publish installers with the update feed', () => {
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.on.push).toEqual({ tags: ['v*'] });
    const job = Object.values(release.jobs).find((j) => j.strategy?.matrix?.os)!;
    expect(job.strategy?.matrix?.os).toEqual(
      expect.arrayContaining(['ubuntu-latest', 'windows-latest', 'macos-latest']),
    );
    const text = job.steps.map((s) => s.run ?? '').join('\n');
    expect(text).toMatch(/npm ci[\s\S]*npm run dist -- --publish always/);
    // dist must produce the app's Electron build of better-sqlite3 before packaging (electron-builder won't).
    expect(scripts.dist).toMatch(/npm run rebuild:electron && .*electron-builder/);
    const publish = job.steps.find((s) => s.run?.includes('--publish always'))!;
    expect(publish.env?.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact')) as { with: { path: string } };
    for (const pattern of ['out/*.dmg', 'out/*.exe', 'out/*.AppImage', 'out/*.deb', 'out/latest*.yml'])
      expect(upload.with.path).toContain(pattern);
  });
});
