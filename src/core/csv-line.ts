import { stringify } from 'csv-stringify/sync';

/** A value of an exported row: null and undefined are empty cells, numbers are written as JavaScript prints them. */
export type CsvValue = string | number | null | undefined;

/** One CSV cell, RFC 4180 quoting only (a comma, quote, CR or LF quotes it; quotes are doubled). */
export const csvCell = (s: string): string => stringify([[s]], { eof: false });

// LF line ends; quote_record_delimiter keeps a lone CR quoted too (given a record_delimiter,
// csv-stringify would otherwise quote only that delimiter).
const LINE = { escape_formulas: true, record_delimiter: '\n', quote_record_delimiter: true } as const;

/**
 * One CSV line of exported values, LF-terminated, through csv-stringify's synchronous API (pure
 * string code, no streams). A string a spreadsheet would run as a formula (=, +, -, @, tab or CR
 * first, and their full-width forms) gets a leading apostrophe, as OWASP's CSV-injection advice
 * says: exports are opened in spreadsheets, and identifiers come from anyone who can send an
 * event. Numbers are left alone, so -3 stays a number.
 */
export function csvLine(values: readonly CsvValue[]): string {
  return stringify([values as CsvValue[]], LINE);
}
