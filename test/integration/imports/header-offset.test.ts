import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headerByteOffset } from '../../../main/imports/header-offset.ts';
import { sniffFile } from '../../../main/imports/sniff.ts';
import { encode } from '../../support/encodings.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const HEADER = 'UPC,Désignation,Cost';
// A title with multi-byte characters and a quoted line break (one record over two lines), then a blank line.
const TEXT = ['"Société Générale — Tarifs\r\nédition 2024",,', 'Prix en €,,', '', HEADER, '036000291452,Pâté,2.50'];

describe('headerByteOffset', () => {
  it.each(['utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'] as const)(
    'finds where the header record starts in a %s file',
    async (encoding) => {
      for (const nl of ['\r\n', '\n']) {
        const bytes = encode(TEXT.join(nl), encoding);
        const sniffed = await sniffFile(tmp.file(`f.csv`, bytes));
        const at = headerByteOffset(sniffed, 4);
        const enc = encoding.startsWith('utf-8') ? 'utf-8' : encoding;
        // The bytes from that offset decode to the header line, first character included.
        const rest = new TextDecoder(enc).decode(bytes.subarray(at!));
        expect(rest.startsWith(HEADER + nl), `${encoding}, ${JSON.stringify(nl)}`).toBe(true);
        expect(headerByteOffset(sniffed, 1)).toBe(sniffed.bomLength);
      }
    },
  );

  it('is null when the sample does not reach the row (the import then reads from the top)', async () => {
    const sniffed = await sniffFile(tmp.file('short.csv', 'UPC,Cost\n036000291452,1\n'));
    expect(headerByteOffset(sniffed, 3)).toBeNull();
    expect(headerByteOffset(sniffed, 50)).toBeNull();
  });
});
