// The UTF-8 text of a workbook part read in pieces: ASCII pieces are copied, the rest decoded, with the same text.
import { StringDecoder } from 'node:string_decoder';
import { describe, expect, it } from 'vitest';
import { createUtf8Text, endsWhole } from '../../../main/imports/xlsx/xml.ts';

/** A deterministic generator (the same pieces on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Cuts `b` at random places (pieces of 1 to `max` bytes, so cuts fall inside characters too). */
function cut(b: Buffer, rand: () => number, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length;) {
    const n = 1 + Math.floor(rand() * max);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

const decodeAll = (pieces: Buffer[]) => {
  const t = createUtf8Text();
  return pieces.map((p) => t.write(p)).join('') + t.end();
};

describe('reading a part as UTF-8 text, piece by piece', () => {
  it('gives the text of the whole for text mixing ASCII runs and 2-, 3- and 4-byte characters, cut anywhere', () => {
    const rand = rng(7);
    const alphabet = ['<c r="A1" t="s"><v>12</v></c>', 'é', '€', '😀', 'ü', '中文', ' ', '&amp;', '\n'];
    for (let round = 0; round < 400; round++) {
      let s = '';
      const len = 1 + Math.floor(rand() * 60);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const whole = Buffer.from(s, 'utf8');
      for (const max of [1, 2, 3, 5, 40]) expect(decodeAll(cut(whole, rand, max))).toBe(s);
    }
  });

  it('decodes malformed bytes as StringDecoder does over the same pieces', () => {
    const rand = rng(11);
    const bytes = [0x41, 0x3c, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0, 0x80, 0xbf];
    for (let round = 0; round < 400; round++) {
      const b = Buffer.from(
        Array.from({ length: 1 + Math.floor(rand() * 30) }, () => bytes[Math.floor(rand() * bytes.length)]!),
      );
      const pieces = cut(b, rand, 4);
      const ref = new StringDecoder('utf8');
      expect(decodeAll(pieces)).toBe(pieces.map((p) => ref.write(p)).join('') + ref.end());
    }
  });

  it('knows when a piece ends on a whole character, and says no when unsure', () => {
    const ends = (...b: number[]) => endsWhole(Buffer.from(b));
    expect(ends(0x41)).toBe(true);
    expect(ends(0x41, 0xc3, 0xa9)).toBe(true);
    expect(ends(0xe2, 0x82, 0xac)).toBe(true);
    expect(ends(0xf0, 0x9f, 0x98, 0x80)).toBe(true);
    expect(ends(0x41, 0xc3)).toBe(false);
    expect(ends(0xe2, 0x82)).toBe(false);
    expect(ends(0xf0, 0x9f, 0x98)).toBe(false);
    // Continuation bytes with no lead in sight: the decoder may still hold the start of their character.
    expect(ends(0x80)).toBe(false);
    expect(ends(0x82, 0xac)).toBe(false);
    expect(ends()).toBe(false);
  });
});
