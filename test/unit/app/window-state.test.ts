import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, restoreWindowState } from '../../../main/app/window-state.ts';

const FULL_HD = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('restoreWindowState', () => {
  it('puts the window back where it was, maximized or not', () => {
    const saved = { bounds: { x: 100, y: 60, width: 1400, height: 900 }, maximized: true };
    expect(restoreWindowState(saved, [FULL_HD])).toEqual({ bounds: saved.bounds, maximized: true });
    const second = { bounds: { x: 2000, y: 100, width: 1600, height: 1000 }, maximized: false };
    expect(restoreWindowState(second, [FULL_HD, RIGHT])).toEqual({ bounds: second.bounds, maximized: false });
  });

  it('a place on a display that is gone opens on the first one, centred, at a size that fits', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 2400, height: 1300 }, maximized: false };
    expect(restoreWindowState(saved, [FULL_HD])).toEqual({
      bounds: { width: 1920, height: 1040 },
      maximized: false,
    });
  });

  it('a window hanging off an edge is pulled onto the display and shrunk to its work area', () => {
    const saved = { bounds: { x: 1500, y: -20, width: 3000, height: 500 }, maximized: false };
    expect(restoreWindowState(saved, [FULL_HD])).toEqual({
      bounds: { x: 0, y: 0, width: 1920, height: 600 },
      maximized: false,
    });
    // The title bar below the work area cannot be grabbed: not used.
    expect(
      restoreWindowState({ bounds: { x: 10, y: 1030, width: 1000, height: 700 }, maximized: false }, [FULL_HD]),
    ).toMatchObject({ bounds: { width: 1000, height: 700 } });
  });

  it('anything else in the file (damaged, from another version, absurd) gives the default size', () => {
    for (const saved of [
      undefined,
      null,
      'big',
      { bounds: { x: 0, y: 0, width: -5, height: 800 }, maximized: false },
      { bounds: { x: 0, y: 0, width: 1e9, height: 800 }, maximized: false },
      { bounds: { x: Number.NaN, y: 0, width: 1200, height: 800 }, maximized: false },
      { bounds: { x: 0, y: 0, width: 1200, height: 800 } },
    ])
      expect(restoreWindowState(saved, [FULL_HD])).toEqual({ bounds: { ...DEFAULT_SIZE }, maximized: false });
  });
});
