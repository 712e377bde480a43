import { realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute } from 'node:path';
import type { PickPurpose } from '../../../preload/contract/channels.ts';
import type { DialogPort, FileFilter } from '../../ports.ts';
import { IpcError, type Handlers } from '../router.ts';

const CSV: FileFilter[] = [{ name: 'CSV files and Excel workbooks', extensions: ['csv', 'tsv', 'txt', 'xlsx'] }];
const TITLES: Record<PickPurpose, string> = {
  import: 'Import a supplier price list',
  catalog: 'Import a reference catalog',
};
/** What a picked or dropped file may be: the text formats an import reads. */
export const IMPORTABLE = /\.(csv|tsv|txt|xlsx)$/i;

export interface Pickers {
  handlers: Pick<Handlers, 'app:pickFile' | 'app:pickSavePath'>;
  /**
   * The path an export may write: one the save dialog gave this session (used once), or undefined for the default
   * exports folder. Anything else the window sends is refused: it never names a file for main to write.
   */
  exportTarget(path: string | undefined): string | undefined;
  /** Whether main wrote `path` where the user chose (so the window may reveal it). */
  wrote(path: string): boolean;
  /** Records a finished export at a chosen path. */
  recordWrite(path: string): void;
}

/** Checks that a path names an existing CSV file; the message says what is wrong in plain words. */
export async function assertImportableFile(path: string): Promise<void> {
  if (!isAbsolute(path)) throw new IpcError('INVALID_INPUT', 'The file path must be absolute.');
  const s = await stat(path).catch(() => null);
  if (!s) throw new IpcError('BAD_FILE', `"${path}" does not exist.`);
  if (!s.isFile()) throw new IpcError('BAD_FILE', `"${path}" is not a file.`);
  if (!IMPORTABLE.test(path))
    throw new IpcError('BAD_FILE', `"${path}" is not a CSV file or an Excel workbook (.csv, .tsv, .txt or .xlsx).`);
}

/** The native open and save dialogs behind the contract, and the save paths they grant. */
export function createPickers(dialog: DialogPort | undefined): Pickers {
  const granted = new Set<string>();
  const written = new Set<string>();
  return {
    handlers: {
      'app:pickFile': async ({ purpose }) => {
        if (!dialog?.pickFile) throw new IpcError('NOT_FOUND', 'Choosing files is only available in the desktop app.');
        const path = await dialog.pickFile({ title: TITLES[purpose], filters: CSV });
        if (path === null) return { path: null };
        // The dialog may offer "All files": what was picked is checked as a dropped file is.
        await assertImportableFile(path);
        return { path };
      },
      'app:pickSavePath': async ({ defaultName }) => {
        if (!dialog?.pickSavePath)
          throw new IpcError('NOT_FOUND', 'Choosing where to save is only available in the desktop app.');
        const name = extname(defaultName) ? defaultName : `${defaultName}.csv`;
        const picked = await dialog.pickSavePath({ title: 'Export products', defaultName: name, filters: CSV });
        if (picked === null) return { path: null };
        if (!isAbsolute(picked))
          throw new IpcError('INVALID_INPUT', 'The save dialog gave a path that is not absolute.');
        // Some dialogs (GTK) add no extension: the file is named as the default name is (.csv, or a list's .xlsx).
        const path = extname(picked) ? picked : `${picked}${extname(name)}`;
        const folder = await realpath(dirname(path)).catch(() => null);
        if (!folder) throw new IpcError('BAD_FILE', `The folder ${dirname(path)} does not exist.`);
        granted.add(path);
        return { path };
      },
    },
    exportTarget(path) {
      if (path === undefined) return undefined;
      if (!granted.delete(path))
        throw new IpcError('FORBIDDEN', 'Exports are written where you chose in the save dialog; choose again.');
      return path;
    },
    wrote: (path) => written.has(path),
    recordWrite: (path) => void written.add(path),
  };
}
