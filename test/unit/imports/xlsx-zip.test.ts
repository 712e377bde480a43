// A workbook's parts read from its zip: inflated whole and equal to what was written, refused clearly when damaged,
// and a part left half-read (the planner reads the first rows only) closes its file.
import { readdirSync, readFileSync, readlinkSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openZip } from '../../../main/imports/xlsx/zip.ts';
import { BadFileError } from '../../../main/imports/sniff.ts';

const SHEET = 'xl/worksheets/sheet1.xml';
const openFds = () => readdirSync('/proc/self/fd').length;

describe('reading a workbook zip', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-zip-'));
    path = join(dir, 'wb.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const ws = wb.addWorksheet('Price list');
    for (let i = 0; i < 20_000; i++) ws.addRow([36000291452 + i, `Item ${i}`, i / 3]).commit();
    ws.commit();
    await wb.commit();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Where the sheet's compressed bytes start in the file, and how many there are. */
  async function sheetData(): Promise<{ start: number; size: number }> {
    const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
    try {
      const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
        zip.on('entry', (e: yauzl.Entry) => (e.fileName === SHEET ? resolve(e) : zip.readEntry()));
        zip.once('end', () => reject(new Error(`no ${SHEET}`)));
        zip.readEntry();
      });
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      return { start: fileDataStart, size: entry.compressedSize };
    } finally {
      zip.close();
    }
  }

  /** Writes `bytes` as a workbook named `name` and reads its sheet: what reading threw (undefined if nothing). */
  async function sheetError(name: string, bytes: Buffer): Promise<unknown> {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const zip = await openZip(file);
    try {
      return await zip.text(SHEET).then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      zip.close();
    }
  }

  it('closing resolves once the file is closed (and again for a second close)', async () => {
    const onPath = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      }).length;
    const zip = await openZip(path);
    expect(onPath()).toBe(1);
    await zip.close();
    expect(onPath()).toBe(0);
    await zip.close();
  });

  it('inflates a part whole, as many bytes as the archive states', async () => {
    const zip = await openZip(path);
    try {
      const xml = await zip.text(SHEET);
      expect(Buffer.byteLength(xml)).toBe(zip.sizeOf(SHEET));
      expect(xml).toContain('<v>36000311451</v>');
      expect(xml.trimEnd().endsWith('</worksheet>')).toBe(true);
    } finally {
      zip.close();
    }
  });

  it('closes the file of a part left half-read', async () => {
    const zip = await openZip(path);
    try {
      const before = openFds();
      for (let k = 0; k < 5; k++) {
        const stream = await zip.open(SHEET);
        for await (const chunk of stream) {
          expect((chunk as Buffer).length).toBeGreaterThan(0);
          break; // leaving the loop destroys the stream
        }
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(openFds()).toBeLessThanOrEqual(before);
    } finally {
      zip.close();
    }
  });

  it('refuses a part whose compressed bytes are damaged, naming it', async () => {
    const { start, size } = await sheetData();
    const bytes = readFileSync(path);
    for (let i = start + Math.floor(size / 3); i < start + Math.floor(size / 3) + 64; i++) bytes[i]! ^= 0x5a;
    const err = await sheetError('damaged.xlsx', bytes);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as Error).message).toMatch(/part "xl\/worksheets\/sheet1\.xml" cannot be read/);
  });

  it('refuses a part holding another size than the archive states', async () => {
    const bytes = readFileSync(path);
    // The central directory's record of the sheet: its uncompressed size (offset 24) said one byte larger.
    const name = Buffer.from(SHEET);
    let at = bytes.length;
    do at = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at - 1);
    while (at >= 0 && !bytes.subarray(at + 46, at + 46 + name.length).equals(name));
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt32LE(bytes.readUInt32LE(at + 24) + 1, at + 24);
    const err = await sheetError('wrong-size.xlsx', bytes);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as Error).message).toMatch(/sheet1\.xml" cannot be read \(it holds \d+ bytes, not \d+\)/);
  });

  it('reads a part stored without compression', async () => {
    const zip = new JSZip();
    const xml = `<worksheet><sheetData>${'<row><c><v>1</v></c></row>'.repeat(50_000)}</sheetData></worksheet>`;
    zip.file('xl/worksheets/sheet1.xml', xml, { compression: 'STORE' });
    const stored = join(dir, 'stored.zip');
    writeFileSync(stored, await zip.generateAsync({ type: 'nodebuffer' }));
    const archive = await openZip(stored);
    try {
      expect(await archive.text('xl/worksheets/sheet1.xml')).toBe(xml);
    } finally {
      archive.close();
    }
  });
});
