/** Encodes text as a spreadsheet would save it, for tests of what Pallet reads. */
export function encode(
  text: string,
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252',
): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'windows-1252': {
      // The few Windows-1252 characters outside Latin-1 that supplier files use; the rest of Latin-1 is byte = code.
      const extra: Record<string, number> = {
        '€': 0x80,
        '…': 0x85,
        '‘': 0x91,
        '’': 0x92,
        '“': 0x93,
        '”': 0x94,
        '–': 0x96,
        '—': 0x97,
        Œ: 0x8c,
        œ: 0x9c,
        '™': 0x99,
      };
      return Buffer.from([...text].map((c) => extra[c] ?? (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : 0x3f)));
    }
  }
}
