// Streaming XML of the workbook's parts (see xml-scan.ts): events are handled as they come, nothing is kept whole.
import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { BadFileError } from '../sniff.ts';
import { createXmlScanner, XmlSyntaxError, type XmlHandlers } from './xml-scan.ts';

export type { XmlHandlers } from './xml-scan.ts';

/** A scanner bound to handlers; `write` feeds it text, `end` closes it. Malformed XML is a BadFileError. */
export function createXmlParser(part: string, h: XmlHandlers) {
  const scanner = createXmlScanner(h);
  const guard = (f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof XmlSyntaxError)
        throw new BadFileError('binary', `The workbook's part "${part}" is not valid XML (${err.message}).`);
      throw err;
    }
  };
  return {
    write(text: string): void {
      guard(() => scanner.write(text));
    },
    end(): void {
      guard(() => scanner.end());
    },
  };
}

// Text goes to the scanner in strings of at most 64 KiB: V8 makes a string of 128 KiB or more in its large-object
// space, ~15 times slower to create (an 83 MiB sheet as 128 KiB strings: 450–630 ms; as 64 KiB strings: ~30 ms).
const TEXT_PIECE_BYTES = 64 * 1024;

/** Parses a whole stream; `each` runs after every chunk (return true to stop early, a promise to wait for it). */
export async function parseXmlStream(
  part: string,
  stream: Readable,
  h: XmlHandlers,
  each?: (bytesRead: number) => boolean | void | Promise<void>,
): Promise<{ stopped: boolean }> {
  const parser = createXmlParser(part, h);
  const text = createUtf8Text();
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const piece = chunk as Buffer;
      bytes += piece.length;
      for (let at = 0; at < piece.length; at += TEXT_PIECE_BYTES)
        parser.write(text.write(piece.subarray(at, at + TEXT_PIECE_BYTES)));
      const next = each?.(bytes);
      // A promise: the caller's consumer is behind; the next chunk waits for it (bounded memory end to end).
      if (next instanceof Promise) await next;
      else if (next) return { stopped: true };
    }
    parser.write(text.end());
    parser.end();
    return { stopped: false };
  } finally {
    stream.destroy();
  }
}

/**
 * A UTF-8 decoder for a part read in pieces. A sheet's XML is ASCII but for its text: a piece that is all ASCII, with
 * no character left open by the one before, is copied byte for byte (a tenth of the cost of decoding, which was ~8%
 * of reading a sheet); any other piece goes through StringDecoder, which joins characters cut between pieces.
 */
export function createUtf8Text() {
  const decoder = new StringDecoder('utf8');
  // True while the decoder holds no bytes of a character cut at the end of the last piece it took.
  let clean = true;
  return {
    write(piece: Buffer): string {
      if (clean && isAscii(piece)) return piece.toString('latin1');
      const out = decoder.write(piece);
      clean = endsWhole(piece);
      return out;
    },
    end(): string {
      return decoder.end();
    },
  };
}

/**
 * Whether a piece ends with a whole character (or bytes no character can complete), so a decoder keeps none of it.
 * Unsure (only continuation bytes at its end): false, and the next piece goes through the decoder too.
 */
export function endsWhole(b: Buffer): boolean {
  const n = b.length;
  for (let k = 1; k <= 4 && k <= n; k++) {
    const c = b[n - k]!;
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    if (c < 0x80) return k === 1;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return k >= need;
  }
  return false;
}
