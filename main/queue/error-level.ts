// A job's recorded problems are errors or warnings. The level follows from the code rather than a column of its
// own, so the job_errors table needs no migration: a code ending in `_warning` (an import's `row_warning`, a row
// imported with something to check) is a warning, every other code an error.

/** How serious a recorded problem is: `warning` for a row kept with a note, `error` otherwise. */
export type JobErrorLevel = 'error' | 'warning';

/** The level of a job error with code `code` (codes ending in `_warning` are warnings). */
export function jobErrorLevel(code: string): JobErrorLevel {
  return code.endsWith('_warning') ? 'warning' : 'error';
}
