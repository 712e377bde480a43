// Where an import keeps its files beside the database. Each database gets folders named for its own file, so two
// databases in one folder (a CLI `--db` beside the app's, a copy kept for testing) never write over each other's
// reports or staging files. The full file name is used, extension included: `a.db` and `a.sqlite` differ too.
import { basename, dirname, join } from 'node:path';

/** The folder of database `dbPath`'s import reports: `<folder>/<file name>.reports`. */
export function reportsDir(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath)}.reports`);
}

/** The report of import `importId` of database `dbPath` (its rejected rows, duplicates and warnings). */
export function reportPath(dbPath: string, importId: number): string {
  return join(reportsDir(dbPath), `import-${importId}.csv`);
}

/**
 * The folder earlier versions wrote reports to, shared by every database in the folder: reports recorded there
 * (their path is stored per import) still open.
 */
export function legacyReportsDir(dbPath: string): string {
  return join(dirname(dbPath), 'reports');
}

/** The folder of database `dbPath`'s import staging databases: `<folder>/<file name>.staging`. */
export function stagingDir(dbPath: string): string {
  return join(dirname(dbPath), `${basename(dbPath)}.staging`);
}

/** The folder earlier versions kept staging databases in, shared by every database in the folder. */
export function legacyStagingDir(dbPath: string): string {
  return join(dirname(dbPath), 'staging');
}
