// Streaming XML of the workbook's parts through saxes: events are handled as they come, nothing is kept whole.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { BadFileError } from '../sniff.ts';

/** Handlers for one part's elements (names without their namespace prefix). */
export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

/** Local name of a possibly prefixed tag (`x:row` → `row`). */
const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** A saxes parser bound to handlers; `write` feeds it text, `end` closes it. */
export function createXmlParser(part: string, h: XmlHandlers) {
  const sax = new SaxesParser({ position: false });
  let failure: Error | null = null;
  sax.on('error', (err) => (failure ??= err));
  if (h.open) {
    const open = h.open;
    sax.on('opentag', (tag) => open(local(tag.name), (tag as SaxesTagPlain).attributes as Record<string, string>));
  }
  if (h.text) sax.on('text', h.text);
  if (h.close) {
    const close = h.close;
    sax.on('closetag', (tag) => close(local(tag.name)));
  }
  const check = () => {
    if (failure)
      throw new BadFileError('binary', `The workbook's part "${part}" is not valid XML (${failure.message}).`);
  };
  return {
    write(text: string): void {
      sax.write(text);
      check();
    },
    end(): void {
      sax.close();
      check();
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
