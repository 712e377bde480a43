import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cellText, createXlsxWriter, MAX_CELL_CHARS, sheetName } from '../../../main/imports/xlsx/write.ts';

describe('xlsx writer', () => {
  it('makes texts a cell can hold: no lone surrogates or non-characters, at most 32767 characters', () => {
    expect(cellText('a\uD800b\uFFFEc')).toBe('a\uFFFDb\uFFFDc');
    expect(cellText('😀 ok')).toBe('😀 ok');
    expect(cellText('x'.repeat(MAX_CELL_CHARS + 10))).toHaveLength(MAX_CELL_CHARS);
  });

  it('names sheets as Excel allows', () => {
    expect(sheetName('Acme [2026]: prices/costs?')).toBe('Acme  2026   prices costs');
    expect(sheetName("'''")).toBe('Sheet1');
    expect(sheetName('a'.repeat(40))).toHaveLength(31);
  });

  it('writes text as text (never a formula), numbers as numbers, and closes the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-write-'));
    try {
      const path = join(dir, 'o.xlsx');
      const w = createXlsxWriter(await open(path, 'wx'), 'S');
      w.add(['A', 'B', 'C']);
      w.add(['=1+1', 3.5, null]);
      w.add(['@x', -2, 'x'.repeat(40_000)]);
      await w.finish();
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const ws = wb.getWorksheet('S')!;
      expect(ws.getRow(2).getCell(1).value).toBe('=1+1');
      expect(ws.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
      expect(ws.getRow(2).getCell(2).value).toBe(3.5);
      expect(ws.getRow(3).getCell(2).value).toBe(-2);
      expect(String(ws.getRow(3).getCell(3).value)).toHaveLength(MAX_CELL_CHARS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
