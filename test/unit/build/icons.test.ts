// The committed icons (made by build/scripts/icons.ts from build/icon.svg): sizes, formats, template images.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { root } from './vite-build.ts';

const file = (rel: string) => join(root, rel);

async function pixels(rel: string) {
  const { data, info } = await sharp(file(rel)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

describe('icons', () => {
  it('build/icon.png is a 1024×1024 PNG with transparency around the tile', async () => {
    const meta = await sharp(file('build/icon.png')).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 1024, 1024, true]);
    const { data } = await pixels('build/icon.png');
    expect(data[3]).toBe(0); // the corner is outside the rounded tile
    expect(data[(512 * 1024 + 100) * 4 + 3]).toBe(255); // the tile itself is opaque
  });

  it('build/icon.icns and build/icon.ico exist and start with their magic bytes', () => {
    const icns = readFileSync(file('build/icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const ico = readFileSync(file('build/icon.ico'));
    expect([...ico.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // reserved 0, type 1 = icon
    // Windows wants 16…256 in one file; png2icons writes 16, 24, 32, 48, 64, 72, 96, 128, 256.
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });

  it.each([
    ['resources/tray/trayTemplate.png', 16],
    ['resources/tray/trayTemplate@2x.png', 32],
    ['resources/tray/tray.png', 16],
    ['resources/tray/tray@2x.png', 32],
  ])('%s is %i×%i', async (rel, size) => {
    const meta = await sharp(file(rel)).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', size, size, true]);
  });

  it.each(['resources/tray/trayTemplate.png', 'resources/tray/trayTemplate@2x.png'])(
    '%s is a macOS template image: black pixels, the glyph in alpha only',
    async (rel) => {
      const { data } = await pixels(rel);
      let visible = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        visible++;
        expect([data[i], data[i + 1], data[i + 2]]).toEqual([0, 0, 0]);
      }
      // A glyph, neither empty nor a filled square.
      expect(visible / (data.length / 4)).toBeGreaterThan(0.2);
      expect(visible / (data.length / 4)).toBeLessThan(0.8);
    },
  );

  it('the Windows/Linux tray icon is coloured with a light outline (reads on light and dark bars)', async () => {
    const { data } = await pixels('resources/tray/tray@2x.png');
    let dark = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! < 200) continue;
      const luma = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      if (luma < 140 && data[i + 1]! > data[i]!) dark++; // the teal glyph
      if (luma > 230) light++; // the outline
    }
    expect(dark).toBeGreaterThan(100);
    expect(light).toBeGreaterThan(50);
  });
});
