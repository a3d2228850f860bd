import { LineSplitter } from './line-splitter.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';
import type { TextEncoding } from './text-encoding.ts';

/** A decoder for line-based formats: subclasses turn one line into zero or one row. */
export abstract class LineDecoder implements RowDecoder {
  protected rows: SourceRow[] = [];
  private readonly lines: LineSplitter;
  private readonly onLine = (line: string, lineNo: number, notText?: string) => this.line(line, lineNo, notText);

  constructor(encoding: TextEncoding = 'utf8') {
    this.lines = new LineSplitter(encoding);
  }

  /** `notText`: the line's bytes are not text in the file's encoding, and why (the row is a reject). */
  protected abstract line(line: string, lineNo: number, notText: string | undefined): void;

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
