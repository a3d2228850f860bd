import { LineSplitter } from './line-splitter.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';

/** A decoder for line-based formats: subclasses turn one line into zero or one row. */
export abstract class LineDecoder implements RowDecoder {
  protected rows: SourceRow[] = [];
  private readonly lines = new LineSplitter();
  private readonly onLine = (line: string) => this.line(line);

  protected abstract line(line: string): void;

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
