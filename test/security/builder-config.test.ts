import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const config = load(
  readFileSync(fileURLToPath(new URL('../../electron-builder.yml', import.meta.url)), 'utf8'),
) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('sets the fuses that close Node-level backdoors and check the asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('packs into an asar but keeps better-sqlite3 (a native module) unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/sharp/**', 'node_modules/@img/**']),
    );
  });

  it('builds AppImage + deb, NSIS and DMG (+ the zip macOS updates from), and opens .csv files', () => {
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg', 'zip']);
    expect(config.fileAssociations).toContainEqual(expect.objectContaining({ ext: 'csv', mimeType: 'text/csv' }));
  });

  it('keeps native code and every process entry out of the archive, and never rebuilds node_modules in place', () => {
    // test/unit/build/packaging.test.ts checks file by file what lands where.
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['dist/native/**', 'dist/node/**']));
    expect(config.npmRebuild).toBe(false);
  });
});
