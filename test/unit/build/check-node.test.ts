// check-node.mjs, run with `node` as `npm start` runs it; PALLET_CHECK_NODE_VERSION fakes the version.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../build/scripts/check-node.mjs', import.meta.url));
const run = (version: string) =>
  spawnSync(process.execPath, [script], {
    env: { ...process.env, PALLET_CHECK_NODE_VERSION: version },
    encoding: 'utf8',
  });

describe('check-node.mjs', () => {
  it.each(['20.19.0', '22.11.0', 'v18.20.4'])('Node %s: exits 1 saying what to install', (version) => {
    const r = run(version);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "Pallet's `npm start` needs Node ≥ 22.12 (Electron 45 downloads its binary at first start and requires it)",
    );
    expect(r.stderr).toContain(`you have v${version.replace(/^v/, '')}.`);
    expect(r.stderr).toContain('Install Node 22 LTS from https://nodejs.org and run npm start again.');
  });

  it.each(['22.12.0', '22.20.1', 'v24.0.0', '25.1.0'])('Node %s: exits 0 quietly', (version) => {
    const r = run(version);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
