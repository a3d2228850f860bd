import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine } from './csv-line.ts';

// Guards the two properties of exported CSV: RFC 4180 quoting round-trips through a real parser,
// and every formula trigger OWASP lists (=, +, -, @, tab, CR) is defused with a leading apostrophe.
describe('csvLine', () => {
  it('quotes commas, quotes, CR and LF so that csv-parse reads the values back', () => {
    const values = ['a,b', 'say "hi"', 'line1\nline2', 'cr\rhere', 'plain', ''];
    const line = csvLine(values);
    expect(line.endsWith('\n')).toBe(true);
    expect(parse(line, { relax_column_count: false })).toEqual([values]);
  });

  it('defuses =, +, -, @, tab and CR at the start of a string, and leaves numbers alone', () => {
    const risky = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1'];
    const [row] = parse(csvLine([...risky, -3, 2.5, null])) as string[][];
    expect(row).toEqual([...risky.map((s) => `'${s}`), '-3', '2.5', '']);
    // Not at the start: nothing to defuse.
    expect(parse(csvLine(['a=1', 'b-2', 'c@d']))).toEqual([['a=1', 'b-2', 'c@d']]);
  });
});
