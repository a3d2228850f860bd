import { jsonRow } from './json-row.ts';
import { LineDecoder } from './line-decoder.ts';

/** JSON Lines: one JSON object per line; blank lines are skipped, a bad line is a reject. */
export class JsonlDecoder extends LineDecoder {
  private n = 0;

  protected line(line: string): void {
    if (line.trim() === '') return;
    this.rows.push(jsonRow(++this.n, line, 'line'));
  }
}
