// Telling a workbook from a text file by its first bytes, before the CSV sniffer would call it binary.
import { open } from 'node:fs/promises';
import { BadFileError } from '../sniff.ts';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Buffer, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * True when the file is a zip archive (an .xlsx is one; whether it is a workbook is checked when it is opened).
 * An old binary Excel file (.xls) is refused here with what to do; other files are left to the CSV sniffer.
 */
export async function isZipFile(path: string): Promise<boolean> {
  let bytes: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      bytes = Buffer.alloc(8);
      await fh.read(bytes, 0, 8, 0);
    } finally {
      await fh.close();
    }
  } catch {
    // The CSV sniffer says why the file cannot be read.
    return false;
  }
  if (startsWith(bytes, OLE))
    throw new BadFileError(
      'binary',
      'This is an old-style Excel workbook (.xls), which Pallet does not read. Open it in Excel and save it as .xlsx (or CSV), then import that.',
    );
  return startsWith(bytes, ZIP) || startsWith(bytes, EMPTY_ZIP);
}
