// Shared by the workbook XML tests: a workbook as a spreadsheet writes it, and the pieces its text is cut into.
import ExcelJS from 'exceljs';
import { openZip } from '../../main/imports/xlsx/zip.ts';

/** The parts of a sample workbook the XML tests read (those it has). */
export const SAMPLE_PARTS = [
  'xl/workbook.xml',
  'xl/styles.xml',
  'xl/sharedStrings.xml',
  'xl/worksheets/sheet1.xml',
  'xl/worksheets/sheet2.xml',
  'xl/_rels/workbook.xml.rels',
  '[Content_Types].xml',
];

/**
 * Writes a price list as a spreadsheet would — shared or inline strings, numbers (some UPCs typed as text), dates,
 * booleans, rich text, a formula, an error, a row far below, a second sheet — and returns its parts' text by name.
 */
export async function writeSampleWorkbook(path: string, shared: boolean): Promise<Record<string, string>> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: shared, useStyles: true });
  const ws = wb.addWorksheet('Price list');
  ws.addRow(['UPC', 'Name', 'Cost', 'Date', 'Flag']).commit();
  for (let i = 0; i < 400; i++)
    ws.addRow([
      i % 7 === 0 ? `0${36000291452 + i}` : 36000291452 + i,
      `Item <${i}> & "co" ’s`,
      1.25 + i / 7,
      new Date(Date.UTC(2026, 0, 1 + i)),
      i % 3 === 0,
    ]).commit();
  ws.addRow([{ richText: [{ text: 'Bold', font: { bold: true } }, { text: ' plain' }] }]).commit();
  ws.addRow([{ formula: 'SUM(C2:C4)', result: 7 }, null, { error: '#N/A' }]).commit();
  ws.getRow(420).getCell(3).value = 'far below';
  ws.commit();
  wb.addWorksheet('Notes').addRow(['line1\nline2']).commit();
  await wb.commit();
  const parts: Record<string, string> = {};
  const zip = await openZip(path);
  try {
    for (const name of SAMPLE_PARTS) if (zip.has(name)) parts[name] = await zip.text(name);
  } finally {
    zip.close();
  }
  return parts;
}

/** Seeded random piece lengths (1 to `max`) covering `length` characters. */
export function randomCuts(length: number, seed: number, max: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let left = length; left > 0;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + Math.floor((x / 2 ** 31) * max);
    out.push(n);
    left -= n;
  }
  return out;
}

/** Piece lengths: whole, one character at a time (short texts), and seeded random cuts small to large. */
export function pieceSplits(length: number, seed: number): number[][] {
  return [
    [],
    ...(length < 3000 ? [Array<number>(length).fill(1)] : []),
    randomCuts(length, seed, 7),
    randomCuts(length, seed, 50),
    randomCuts(length, seed, 4096),
  ];
}
