import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where one image comes from: a web address, or a file on this computer. */
export type ImageSource =
  { kind: 'http'; ref: string } | { kind: 'file'; ref: string } | { kind: 'invalid'; ref: string; reason: string };

/** Most images per product: feeds with dozens of gallery shots gain nothing past the first few. */
export const MAX_IMAGES_PER_PRODUCT = 8;

/**
 * Splits an image cell into its sources. Feeds list several as `a | b`, `a, b` or one per line; a path that is not a
 * URL is a file relative to the CSV's folder (or absolute).
 */
export function parseImageCell(cell: string | null, baseDir: string | null): ImageSource[] {
  if (!cell || !cell.trim()) return [];
  const parts = cell
    .split(/\s*(?:\||;|\r?\n)\s*/)
    .flatMap(splitCommas)
    .filter(Boolean);
  const seen = new Set<string>();
  const out: ImageSource[] = [];
  for (const part of parts) {
    const source = toSource(part, baseDir);
    if (seen.has(source.ref)) continue;
    seen.add(source.ref);
    out.push(source);
    if (out.length >= MAX_IMAGES_PER_PRODUCT) break;
  }
  return out;
}

/** Splits at commas that separate sources, keeping a comma that belongs inside one (`…/a,b.jpg`). */
function splitCommas(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(',')) {
    const t = piece.trim();
    const prev = out.at(-1);
    const startsNew = /^(?:https?:\/\/|file:)/i.test(t) || (prev !== undefined && /\.[A-Za-z0-9]{2,5}$/.test(prev));
    if (prev === undefined || startsNew) out.push(t);
    else out[out.length - 1] = `${prev},${piece}`;
  }
  return out.map((s) => s.trim());
}

function toSource(text: string, baseDir: string | null): ImageSource {
  if (/^https?:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      return { kind: 'http', ref: url.href };
    } catch {
      return { kind: 'invalid', ref: text, reason: `"${text.slice(0, 200)}" is not a valid web address.` };
    }
  }
  if (/^file:/i.test(text)) {
    try {
      return { kind: 'file', ref: fileURLToPath(text) };
    } catch {
      return { kind: 'invalid', ref: text, reason: `"${text.slice(0, 200)}" is not a valid file address.` };
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(text))
    return {
      kind: 'invalid',
      ref: text,
      reason: `Only http(s) addresses and local files are fetched, not "${text.split(':')[0]}:".`,
    };
  if (/^data:/i.test(text))
    return {
      kind: 'invalid',
      ref: text.slice(0, 100),
      reason: 'Inline data: images are not supported; link the image file instead.',
    };
  if (isAbsolute(text) || /^[A-Za-z]:[\\/]/.test(text)) return { kind: 'file', ref: resolve(text) };
  if (!baseDir)
    return {
      kind: 'invalid',
      ref: text,
      reason: `"${text.slice(0, 200)}" is a relative path, but the CSV it came from is unknown.`,
    };
  return { kind: 'file', ref: resolve(baseDir, text) };
}
