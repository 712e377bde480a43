// Where the main window was and how big, kept between launches. Pure: the Electron adapter reads the displays and
// the window, this decides what to restore — a saved place on a display that is gone, or a damaged file, must never
// open the window off-screen or fail the start.
import { z } from 'zod';

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is saved: the window's normal (not maximized) bounds and whether it was maximized. */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 900, height: 600 } as const;
/** At least this much of the title bar must be on a display for a saved place to be used. */
const VISIBLE_PX = 80;

const coordinate = z.number().int().min(-100_000).max(100_000);
const savedSchema = z.object({
  bounds: z.object({
    x: coordinate,
    y: coordinate,
    width: z.number().int().positive().max(100_000),
    height: z.number().int().positive().max(100_000),
  }),
  maximized: z.boolean(),
});

/**
 * The bounds to open the window with: the saved ones when they are sound and enough of the window is on a display
 * (shrunk to fit that display's work area), else the default size centred (no x/y: Electron centres it).
 */
export function restoreWindowState(
  saved: unknown,
  workAreas: readonly Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  const parsed = savedSchema.safeParse(saved);
  if (!parsed.success) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const { bounds: b, maximized } = parsed.data;
  const area = workAreas.find(
    (a) =>
      overlap(b.x, b.x + b.width, a.x, a.x + a.width) >= VISIBLE_PX &&
      // The title bar (the top of the window) must be on this display's work area.
      b.y >= a.y - VISIBLE_PX / 2 &&
      b.y <= a.y + a.height - VISIBLE_PX / 2,
  );
  if (!area) {
    const size = { width: Math.max(MIN_SIZE.width, b.width), height: Math.max(MIN_SIZE.height, b.height) };
    const primary = workAreas[0];
    return {
      bounds: primary
        ? { width: Math.min(size.width, primary.width), height: Math.min(size.height, primary.height) }
        : size,
      maximized,
    };
  }
  const width = clamp(b.width, MIN_SIZE.width, area.width);
  const height = clamp(b.height, MIN_SIZE.height, area.height);
  return {
    bounds: {
      width,
      height,
      x: clamp(b.x, area.x, area.x + area.width - width),
      y: clamp(b.y, area.y, area.y + area.height - height),
    },
    maximized,
  };
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
