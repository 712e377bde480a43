// Where a supplier's table starts and ends. Price lists arrive with a company name, a "Price list effective …" line
// and blank rows above the column names, and "Total items: 40" / "Thank you" / "Page 1 of 1" below the last product.
// Pure functions over rows of cells, shared by the CSV import and the spreadsheet reader.
import { describeMapping, proposeMapping } from './mapping.ts';

/** The rows a header search looks at, at most (the caller passes the first rows of a file or sheet). */
export const HEADER_SEARCH_ROWS = 50;

const filledOf = (row: readonly string[]): string[] => {
  const out: string[] = [];
  for (const c of row) {
    const t = c.trim();
    if (t !== '') out.push(t);
  }
  return out;
};

// A cell that is a number, an amount or a date rather than a word: `12.50`, `$1,200`, `(3.00)`, `40`, `1/3/2024`,
// `12,5 €`, `15%`. Headers are words; data rows hold some of these.
const NUMERIC = /^[+\-(]?\s*[$€£¥]?\s*\d[\d\s.,'/:-]*\)?\s*(%|[$€£¥]|usd|eur|gbp|chf)?$/i;
const isNumeric = (cell: string): boolean => NUMERIC.test(cell);

// 8 to 14 digits (spaces or dashes allowed between groups): a UPC, EAN or GTIN, as a product row carries.
const isBarcodeLike = (cell: string): boolean => {
  if (!/^[\d\s-]+$/.test(cell)) return false;
  const digits = cell.replace(/[\s-]/g, '').length;
  return digits >= 8 && digits <= 14;
};

interface RowShape {
  filled: string[];
  /** Enough filled cells for the table's width: not a title, not a merged heading. */
  wide: boolean;
  headerLike: boolean;
  dataLike: boolean;
}

/** How many product fields a row's cells name, by the import's header synonyms; and which cells. */
function knownColumns(row: readonly string[]): string[] {
  return Object.values(describeMapping(row, proposeMapping(row)));
}

/**
 * The 0-based index of the header row among a file's first rows, and why in plain words (the preview shows it).
 * Title rows (a company name, "Price list effective …", merged headings: one filled cell in a wide table), short
 * key/value rows and blank rows are passed over. Each wide, mostly wordy row is scored by the known column names it
 * holds (header synonyms) and by whether a data row follows it; the best wins, the earliest on a tie. A two-line
 * header thus resolves to the line that names the columns Pallet knows (the one just above the data).
 */
export function findHeaderRow(rows: readonly (readonly string[])[]): { index: number; reason: string } {
  const window = rows.slice(0, HEADER_SEARCH_ROWS);
  const filled = window.map(filledOf);
  const maxFilled = Math.max(0, ...filled.map((f) => f.length));
  const minWide = Math.max(2, Math.ceil(maxFilled / 2));
  const shapes: RowShape[] = filled.map((f) => {
    const wide = f.length >= minWide;
    const numeric = f.filter(isNumeric).length;
    return {
      filled: f,
      wide,
      // Mostly distinct words (a repeated or empty column name happens; a row of repeats is a merged heading).
      headerLike: wide && numeric <= f.length / 4 && new Set(f.map((c) => c.toLowerCase())).size * 4 >= f.length * 3,
      dataLike: wide && numeric > 0,
    };
  });
  const nextFilled = (i: number): number => {
    for (let j = i + 1; j < shapes.length; j++) if (shapes[j]!.filled.length > 0) return j;
    return -1;
  };

  let best: { index: number; score: number; known: string[]; dataFollows: boolean } | null = null;
  for (let i = 0; i < shapes.length; i++) {
    if (!shapes[i]!.headerLike) continue;
    const known = knownColumns(window[i]!);
    const next = nextFilled(i);
    const dataFollows = next >= 0 && shapes[next]!.dataLike;
    const score = 3 * known.length + (dataFollows ? 2 : 0);
    if (!best || score > best.score) best = { index: i, score, known, dataFollows };
  }

  if (!best) {
    const first = filled.findIndex((f) => f.length > 0);
    const index = Math.max(0, first);
    return {
      index,
      reason: `No row looks clearly like column names, so row ${index + 1}, the first with anything in it, is used as the header.`,
    };
  }
  const { index, known, dataFollows } = best;
  const names = known.length
    ? `it names ${known.length === 1 ? 'a column' : 'columns'} Pallet knows (${listOf(known)})`
    : 'it is the first row of words as wide as the table';
  const why = `Row ${index + 1} holds the column names: ${names}${dataFollows ? ' and data rows follow it' : ''}.`;
  if (index === 0) return { index, reason: why };
  const blanks = filled.slice(0, index).filter((f) => f.length === 0).length;
  const skipped =
    blanks === index
      ? `${index === 1 ? 'The blank row' : `The ${index} blank rows`} above it ${index === 1 ? 'was' : 'were'} skipped.`
      : `${index === 1 ? 'Row 1' : `Rows 1–${index}`} above it (${blanks === 0 ? 'a title' : 'a title and blank rows'}) ${index === 1 ? 'was' : 'were'} skipped.`;
  return { index, reason: `${why} ${skipped}` };
}

function listOf(names: readonly string[]): string {
  const shown = names.slice(0, 4).map((n) => (n.length > 40 ? `${n.slice(0, 40)}…` : n));
  return names.length > 4 ? `${shown.join(', ')}…` : shown.join(', ');
}

// Words that may follow "Total" in a summary line: "Total items: 40", "Grand total (excl. VAT) 1,234.56". Any other
// word makes it a name ("Total Gym Pro"), so the row stays data.
const SUMMARY_WORDS = new Set(
  (
    'items item products product skus sku lines line rows row records record articles article units unit pieces ' +
    'pcs qty quantity quantities amount value cost costs price prices sum count due excl excluding incl including ' +
    'ex inc net gross vat tax taxes gst usd eur gbp chf of in for the this list page order invoice'
  ).split(' '),
);
const TOTAL =
  /^(grand|sub|net|gross|order|invoice|page|report|overall|list)?[\s-]*(totals?|summe|gesamtsumme|totaal)\b/;

/** A summary line: "Total", "Subtotal", "Grand total", "Total items: 40" (and a few other languages' words). */
function isTotal(text: string): boolean {
  const m = TOTAL.exec(text);
  if (!m) return false;
  const rest = text.slice(m[0].length).match(/[a-z]+/g) ?? [];
  return rest.every((w) => SUMMARY_WORDS.has(w));
}

// Lines that end a printed or exported list, lower-cased.
const FOOTER_PHRASES: readonly RegExp[] = [
  /^thank(s| you)\b/,
  /^page\s*:?\s*\d+(\s*(of|\/)\s*\d+)?$/,
  /^prices?\b.*\b(subject to|may) change/,
  /^all prices\b/,
  /^e\.?\s*&\s*o\.?\s*e\b/,
  /^errors and omissions excepted\b/,
  /^(printed|generated|exported|created|run)\s*(on|at|by|:)/,
  /^end of (the )?(report|list|file|data|price ?list|catalog(ue)?)\b/,
  /^(number|no\.?|count) of (items|products|lines|skus|records|rows|articles)\b/,
  /^(item|line|product|record|sku|article) count\b/,
  /^confidential\b/,
];

const isFooterText = (cell: string): boolean => {
  const t = cell.toLowerCase().replace(/\s+/g, ' ');
  return isTotal(t) || FOOTER_PHRASES.some((re) => re.test(t));
};

/**
 * A row after the data that is not data: totals, "Thank you for your business", "Page 1 of 3", "Prices subject to
 * change…", "E&OE", "Printed on …". Conservative: at most three filled cells, the first a footer phrase, the others
 * footer phrases or plain numbers (a count or a sum), and none like a barcode — "Total Gym Pro" with a barcode, or
 * any name that is not a summary ("Totally Nuts 200g"), is data. (The import also keeps as data a row with a cost in
 * its cost column: only it knows the columns.)
 */
export function isFooterRow(row: readonly string[]): boolean {
  const filled = filledOf(row);
  if (filled.length === 0 || filled.length > 3) return false;
  if (filled.some(isBarcodeLike)) return false;
  if (!isFooterText(filled[0]!)) return false;
  return filled.slice(1).every((c) => isNumeric(c) || isFooterText(c));
}
