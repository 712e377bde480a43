// Streaming XML of the workbook's parts (see xml-scan.ts): events are handled as they come, nothing is kept whole.
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

/** Parses a whole stream; `each` runs after every chunk (return true to stop early, a promise to wait for it). */
export async function parseXmlStream(
  part: string,
  stream: Readable,
  h: XmlHandlers,
  each?: (bytesRead: number) => boolean | void | Promise<void>,
): Promise<{ stopped: boolean }> {
  const parser = createXmlParser(part, h);
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      parser.write(decoder.write(chunk as Buffer));
      const next = each?.(bytes);
      // A promise: the caller's consumer is behind; the next chunk waits for it (bounded memory end to end).
      if (next instanceof Promise) await next;
      else if (next) return { stopped: true };
    }
    parser.write(decoder.end());
    parser.end();
    return { stopped: false };
  } finally {
    stream.destroy();
  }
}
