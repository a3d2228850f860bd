import { TailorError } from '../core/errors.ts';
import { HeaderShaper, type HeaderOptions } from './header-shaper.ts';
import { LineDecoder } from './line-decoder.ts';
import type { TextEncoding } from './text-encoding.ts';

const WS = /\s+/;

/**
 * Whitespace-separated columns (CDNOW_master.txt: " 00001 19970101  1   11.77"): any run of spaces or
 * tabs separates fields, leading and trailing blanks are ignored. Fields cannot contain spaces.
 */
export class WsDecoder extends LineDecoder {
  private readonly shaper: HeaderShaper;

  constructor(opts: HeaderOptions & { encoding?: TextEncoding | undefined }) {
    super(opts.encoding);
    this.shaper = new HeaderShaper(opts);
  }

  protected line(line: string, _lineNo: number, notText: string | undefined): void {
    const t = line.trim();
    if (t === '') return;
    if (notText) {
      if (this.shaper.awaitingHeader) throw new TailorError('unsupported_format', `the header: ${notText}`);
      this.rows.push({ row: this.shaper.nextRow(), raw: line, error: notText });
      return;
    }
    const row = this.shaper.shape(t.split(WS), line);
    if (row) this.rows.push(row);
  }
}
