import { LineSplitter } from './line-splitter.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';
import { jsonRow } from './json-row.ts';

/** JSON Lines: one JSON object per line; blank lines are skipped, a bad line is a reject. */
export class JsonlDecoder implements RowDecoder {
  private rows: SourceRow[] = [];
  private n = 0;
  private readonly lines = new LineSplitter();
  private readonly onLine = (line: string) => {
    if (line.trim() === '') return;
    this.rows.push(jsonRow(++this.n, line, 'line'));
  };

  push(chunk: Buffer): void {
    this.lines.push(chunk, this.onLine);
  }

  end(): void {
    this.lines.end(this.onLine);
  }

  take(): SourceRow[] {
    const r = this.rows;
    this.rows = [];
    return r;
  }
}
