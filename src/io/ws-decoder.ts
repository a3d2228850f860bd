import { HeaderShaper, type HeaderOptions } from './header-shaper.ts';
import { LineDecoder } from './line-decoder.ts';

const WS = /\s+/;

/**
 * Whitespace-separated columns (CDNOW_master.txt: " 00001 19970101  1   11.77"): any run of spaces or
 * tabs separates fields, leading and trailing blanks are ignored. Fields cannot contain spaces.
 */
export class WsDecoder extends LineDecoder {
  private readonly shaper: HeaderShaper;

  constructor(opts: HeaderOptions) {
    super();
    this.shaper = new HeaderShaper(opts);
  }

  protected line(line: string): void {
    const t = line.trim();
    if (t === '') return;
    const row = this.shaper.shape(t.split(WS), line);
    if (row) this.rows.push(row);
  }
}
