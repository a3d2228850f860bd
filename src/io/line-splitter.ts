import { StringDecoder } from 'node:string_decoder';
import { TailorError } from '../core/errors.ts';
import { MAX_RECORD_BYTES } from './source-row.ts';

/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 safely across chunk boundaries. */
export class LineSplitter {
  private carry = '';
  private first = true;
  private readonly decoder = new StringDecoder('utf8');

  push(chunk: Buffer, onLine: (line: string) => void): void {
    this.split(this.carry + this.decoder.write(chunk), onLine);
  }

  end(onLine: (line: string) => void): void {
    this.split(this.carry + this.decoder.end(), onLine);
    if (this.carry !== '') onLine(this.carry);
    this.carry = '';
  }

  private split(s: string, onLine: (line: string) => void): void {
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    let start = 0;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
      onLine(s.charCodeAt(i - 1) === 13 && i > start ? s.slice(start, i - 1) : s.slice(start, i));
      start = i + 1;
    }
    this.carry = start === 0 ? s : s.slice(start);
    if (this.carry.length > MAX_RECORD_BYTES) {
      throw new TailorError('unsupported_format', `a line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB: is this a text file?`);
    }
  }
}
