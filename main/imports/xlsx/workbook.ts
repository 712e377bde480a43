// An .xlsx workbook opened for reading: its sheets, the styles that mark dates, and the shared strings.
import { posix } from 'node:path';
import { BadFileError } from '../sniff.ts';
import { isDateFormat } from './cells.ts';
import { isZipFile } from './detect.ts';
import { createStringTable, type StringTable } from './shared-strings.ts';
import { parseXmlStream } from './xml.ts';
import { openZip, type ZipArchive } from './zip.ts';

/** A worksheet of the workbook, in the workbook's order. */
export interface SheetInfo {
  name: string;
  /** Its part in the archive, e.g. `xl/worksheets/sheet1.xml`. */
  part: string;
  hidden: boolean;
}

/** A workbook ready to stream its sheets. */
export interface Workbook {
  zip: ZipArchive;
  sheets: SheetInfo[];
  date1904: boolean;
  /** For each cell style index: does its number format show a date? */
  dateStyles: boolean[];
  /** The shared strings, loaded on first use (once). */
  strings(): Promise<StringTable>;
  /** Closes the file and the strings' temporary file; resolves once both are closed. */
  close(): Promise<void>;
}

const NOT_WORKBOOK =
  'This is a zip archive, not an Excel workbook (.xlsx). Open the file and save it as .xlsx or CSV, then import that.';

const relTarget = (base: string, target: string) =>
  target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(posix.dirname(base), target));

async function relationships(zip: ZipArchive, relsPart: string, base: string) {
  const rels = new Map<string, { target: string; type: string }>();
  if (!zip.has(relsPart)) return rels;
  await parseXmlStream(relsPart, await zip.open(relsPart), {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target && a.TargetMode !== 'External')
        rels.set(a.Id, { target: relTarget(base, a.Target), type: a.Type ?? '' });
    },
  });
  return rels;
}

/** Opens an .xlsx file; a zip that is no workbook, or a damaged one, is a BadFileError saying so. */
export async function openWorkbook(path: string): Promise<Workbook> {
  const zip = await openZip(path);
  try {
    if (!zip.has('[Content_Types].xml')) throw new BadFileError('binary', NOT_WORKBOOK);
    const root = await relationships(zip, '_rels/.rels', '');
    const office = [...root.values()].find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
    if (!zip.has(office)) throw new BadFileError('binary', NOT_WORKBOOK);
    const relsPart = posix.join(posix.dirname(office), '_rels', `${posix.basename(office)}.rels`);
    const rels = await relationships(zip, relsPart, office);

    const sheets: SheetInfo[] = [];
    let date1904 = false;
    await parseXmlStream(office, await zip.open(office), {
      open(name, a) {
        if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
        if (name !== 'sheet') return;
        const rel = rels.get(a['r:id'] ?? a.id ?? '');
        // Chart sheets and dialog sheets hold no cells.
        if (!rel || !rel.type.endsWith('/worksheet') || !zip.has(rel.target)) return;
        const hidden = (a.state ?? 'visible') !== 'visible';
        sheets.push({ name: a.name ?? `Sheet${sheets.length + 1}`, part: rel.target, hidden });
      },
    });
    if (sheets.length === 0)
      throw new BadFileError('empty', 'The workbook has no worksheet: there is nothing to import.');

    const relOf = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix))?.target;
    const dateStyles = await readDateStyles(zip, relOf('/styles'));
    const sstPart = relOf('/sharedStrings');
    let table: Promise<StringTable> | null = null;
    return {
      zip,
      sheets,
      date1904,
      dateStyles,
      strings: () => (table ??= readSharedStrings(zip, sstPart)),
      close: async () => {
        const closed = zip.close();
        // The table's temporary file goes with the workbook (a table that failed to load has none).
        await table?.then(
          (t) => t.close(),
          () => {},
        );
        await closed;
      },
    };
  } catch (err) {
    void zip.close();
    throw err;
  }
}

async function readDateStyles(zip: ZipArchive, part: string | undefined): Promise<boolean[]> {
  const out: boolean[] = [];
  if (!part || !zip.has(part)) return out;
  const codes = new Map<number, string>();
  let inCellXfs = false;
  await parseXmlStream(part, await zip.open(part), {
    open(name, a) {
      if (name === 'numFmt') codes.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        out.push(isDateFormat(id, codes.get(id)));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return out;
}

/** Streams the shared-string table: rich text joins its runs; phonetic guides (rPh) are left out. */
async function readSharedStrings(zip: ZipArchive, part: string | undefined): Promise<StringTable> {
  const table = createStringTable();
  if (!part || !zip.has(part)) return table;
  try {
    await readStringsInto(table, zip, part);
  } catch (err) {
    table.close();
    throw err;
  }
  return table;
}

async function readStringsInto(table: StringTable, zip: ZipArchive, part: string): Promise<void> {
  let inT = false;
  let inRph = false;
  let current = '';
  await parseXmlStream(part, await zip.open(part), {
    open(name) {
      if (name === 't' && !inRph) inT = true;
      else if (name === 'rPh') inRph = true;
      else if (name === 'si') current = '';
    },
    text(t) {
      if (inT) current += t;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') inRph = false;
      else if (name === 'si') table.push(current);
    },
  });
}

/**
 * Opens `path` ahead of its import, with its shared strings loaded, when it is a zip (a workbook's first bytes); null
 * for any other file, or one that fails to open — never throws: the import itself reports what is wrong with it.
 */
export async function openWorkbookAhead(path: string): Promise<Workbook | null> {
  let wb: Workbook | null = null;
  try {
    if (!(await isZipFile(path))) return null;
    wb = await openWorkbook(path);
    await wb.strings();
    return wb;
  } catch {
    await wb?.close();
    return null;
  }
}
