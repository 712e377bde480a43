// `pallet export-import IMPORT_ID --out FILE [--format csv|xlsx]`: an import's list back in its own shape, with
// Pallet's columns (main/imports/export-back.ts). Run in this process: the CLI has no window to keep responsive.
import { resolve } from 'node:path';
import { openDatabase } from '../db/open.ts';
import { ExportBackError, exportFormatOf, exportImportBack, type ExportFormat } from '../imports/export-back.ts';
import { UsageError } from './import-commands.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** Writes import `importId`'s rows to `--out` as CSV or XLSX; 1 with the reason when it cannot. */
export async function exportImportCommand(
  dbPath: string,
  importId: number,
  v: { out?: string; format?: string },
  o: Out,
): Promise<number> {
  if (v.out === undefined || v.out.trim() === '')
    throw new UsageError('"export-import" needs --out FILE (a .csv or .xlsx file to write).');
  let format: ExportFormat;
  try {
    format = exportFormatOf(v.out, v.format);
  } catch (err) {
    if (err instanceof ExportBackError) throw new UsageError(err.message);
    throw err;
  }
  const db = openDatabase(dbPath);
  try {
    const r = await exportImportBack(db, importId, resolve(v.out), { format });
    const missing = r.missing ? `, ${r.missing} no longer in the catalog` : '';
    o.out(
      o.json
        ? JSON.stringify({ importId, ...r })
        : `Wrote ${r.rows} rows of import #${importId} to ${r.path} (${format.toUpperCase()}): ${r.matched} with Pallet's figures, ${r.rejected} rejected by the import${missing}.`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ExportBackError) {
      o.err(`pallet: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}
