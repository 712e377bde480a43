import Papa from 'papaparse';

/**
 * Formats rows as CSV text for spreadsheets. Cells starting with `= + - @`, tab or CR are neutralized (prefixed
 * with `'`) so a spreadsheet never runs a formula a supplier file smuggled in; numbers stay numbers.
 */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  if (rows.length === 0) return '';
  return (
    Papa.unparse(rows as (string | number | null)[][], { escapeFormulae: true, newline: '\r\n', quotes: false }) +
    '\r\n'
  );
}
