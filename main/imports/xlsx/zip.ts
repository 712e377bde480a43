// The workbook's zip container, read by its central directory (yauzl): parts are opened in any order, so the
// shared strings are loaded before the sheet streams, whatever order the writer stored them in.
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { BadFileError } from '../sniff.ts';

/** An open zip archive: its entries by name, each readable as a stream. */
export interface ZipArchive {
  has(name: string): boolean;
  /** Uncompressed size of an entry (0 when absent). */
  sizeOf(name: string): number;
  /** A stream of the entry's uncompressed bytes. */
  open(name: string): Promise<Readable>;
  /** The whole entry as text (small parts only: workbook, relationships, styles). */
  text(name: string): Promise<string>;
  close(): void;
}

/** Opens a zip archive and lists its entries; a damaged archive is a BadFileError. */
export async function openZip(path: string): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: true });
  } catch (err) {
    throw new BadFileError(
      'binary',
      `This file looks like a zip archive but cannot be opened (${(err as Error).message}). If it is an Excel workbook, open it in Excel and save it again as .xlsx.`,
    );
  }
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      // Part names are case-insensitive in OOXML; some writers vary the case.
      entries.set(e.fileName.replace(/^\//, '').toLowerCase(), e);
      zip.readEntry();
    });
    zip.once('end', resolve);
    zip.once('error', (err: Error) =>
      reject(new BadFileError('binary', `The zip archive is damaged (${err.message}); it cannot be read.`)),
    );
    zip.readEntry();
  });
  const entry = (name: string) => entries.get(name.toLowerCase());
  const open = async (name: string): Promise<Readable> => {
    const e = entry(name);
    if (!e) throw new BadFileError('binary', `The workbook has no part "${name}": it is damaged or incomplete.`);
    try {
      return Readable.from(checked(await zip.openReadStreamPromise(e), name));
    } catch (err) {
      throw new BadFileError('binary', `The workbook's part "${name}" cannot be read (${(err as Error).message}).`);
    }
  };
  return {
    has: (name) => entry(name) !== undefined,
    sizeOf: (name) => entry(name)?.uncompressedSize ?? 0,
    open,
    async text(name) {
      const parts: Buffer[] = [];
      for await (const chunk of await open(name)) parts.push(chunk as Buffer);
      return Buffer.concat(parts).toString('utf8');
    },
    close: () => zip.close(),
  };
}

/** A part's bytes as yauzl inflates them; damage found on the way (bad deflate data, a wrong size) is a BadFileError. */
async function* checked(stream: Readable, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw new BadFileError('binary', `The workbook's part "${name}" cannot be read (${(err as Error).message}).`);
  } finally {
    stream.destroy();
  }
}
