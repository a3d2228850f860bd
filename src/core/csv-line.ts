/** One CSV cell (RFC 4180 quoting). */
export const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * One CSV line of exported values. A value that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR first) gets a leading apostrophe: exports are opened in spreadsheets, and identifiers
 * come from anyone who can send an event.
 */
export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map((v) => (v === null ? '' : csvCell(typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v)))).join(',')}\n`;
}
