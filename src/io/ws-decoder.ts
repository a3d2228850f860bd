import { HeaderShaper, type HeaderOptions } from './header-shaper.ts';
import { LineSplitter } from './line-splitter.ts';
import type { RowDecoder, SourceRow } from './source-row.ts';

const WS = /\s+/;

/**
 * Whitespace-separated columns (CDNOW_master.txt: " 00001 19970101  1   11.77"): any run of spaces or
 * tabs separates fields, leading and trailing blanks are ignored. Fields cannot contain spaces.
 */
export class WsDecoder implements RowDecoder {
  private rows: SourceRow[] = [];
  private readonly lines = new LineSplitter();
  private readonly shaper: HeaderShaper;
  private readonly onLine = (line: string) => {
    const t = line.trim();
    if (t === '') return;
    const row = this.shaper.shape(t.split(WS), line);
    if (row) this.rows.push(row);
  };

  constructor(opts: HeaderOptions) {
    this.shaper = new HeaderShaper(opts);
  }

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
