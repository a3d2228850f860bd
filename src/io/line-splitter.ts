import { TailorError } from '../core/errors.ts';
import { MAX_RECORD_BYTES } from './source-row.ts';
import { decodeLatin1, isUtf8Text, notTextReason, type TextEncoding } from './text-encoding.ts';

/**
 * Receives each line: its text, its number in the file (from 1, blank lines counted), and, when its
 * bytes are not text in the file's encoding, why (the text is then read leniently, for the rejects file).
 */
export type OnLine = (line: string, lineNo: number, notText?: string) => void;

const LF = 10;
const CR = 13;

/**
 * Splits a byte stream into lines ending in LF, CRLF or a lone CR, in any mix (files pasted
 * together from several systems have all three), and decodes them. It works on bytes up to the last
 * line break of what has arrived, so a character split across chunks is never decoded in halves,
 * and each line's bytes can be checked: the common case, a whole valid UTF-8 piece, is checked and
 * decoded in one call; only a piece with bad bytes is decoded line by line to find them.
 */
export class LineSplitter {
  private carry: Buffer | undefined;
  private first = true;
  /** The last piece ended in CR: an LF starting the next chunk is the rest of that CRLF. */
  private afterCr = false;
  private lineNo = 0;

  constructor(private readonly encoding: TextEncoding = 'utf8') {}

  push(chunk: Buffer, onLine: OnLine): void {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (this.afterCr && buf.length > 0) {
      this.afterCr = false;
      if (buf[0] === LF) buf = buf.subarray(1);
    }
    if (this.first) {
      if (buf.length < 3) {
        this.carry = buf;
        return;
      }
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const cut = Math.max(buf.lastIndexOf(LF), buf.lastIndexOf(CR));
    if (cut === -1) {
      this.keep(buf);
      return;
    }
    this.afterCr = cut === buf.length - 1 && buf[cut] === CR;
    this.lines(buf.subarray(0, cut + 1), onLine);
    if (cut + 1 < buf.length) this.keep(buf.subarray(cut + 1));
  }

  end(onLine: OnLine): void {
    const rest = this.carry;
    this.carry = undefined;
    if (!rest?.length) return;
    let bytes = rest;
    if (this.first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    this.first = false;
    // The last line has no line break: give it one, and the usual path reads it.
    this.lines(Buffer.concat([bytes, Buffer.from([LF])]), onLine);
  }

  private keep(bytes: Buffer): void {
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new TailorError('unsupported_format', `line ${this.lineNo + 1} is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB: is this a text file?`);
    }
    this.carry = bytes;
  }

  /** `piece` ends with a line break. */
  private lines(piece: Buffer, onLine: OnLine): void {
    if (this.encoding === 'latin1') {
      if (piece.indexOf(0) === -1) this.splitText(decodeLatin1(piece), onLine);
      else this.splitBytes(piece, onLine);
    } else if (isUtf8Text(piece)) {
      this.splitText(piece.toString('utf8'), onLine);
    } else {
      this.splitBytes(piece, onLine);
    }
  }

  /** Text that ends with a line break. indexOf finds LFs fast; a CR inside a line is rare, and splits it. */
  private splitText(s: string, onLine: OnLine): void {
    let start = 0;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
      this.segment(s, start, i > start && s.charCodeAt(i - 1) === CR ? i - 1 : i, onLine);
      start = i + 1;
    }
    // What follows the last LF ends in a lone CR.
    if (start < s.length) this.segment(s, start, s.length - 1, onLine);
  }

  private segment(s: string, a: number, b: number, onLine: OnLine): void {
    const line = s.slice(a, b);
    if (line.indexOf('\r') === -1) {
      onLine(line, ++this.lineNo);
      return;
    }
    for (const part of line.split('\r')) onLine(part, ++this.lineNo);
  }

  /** The slow path, for a piece with bytes that are not text: line by line, each checked. */
  private splitBytes(piece: Buffer, onLine: OnLine): void {
    let start = 0;
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i];
      if (c !== LF && c !== CR) continue;
      const bytes = piece.subarray(start, i);
      const n = ++this.lineNo;
      const why = notTextReason(bytes, n, this.encoding);
      onLine(this.encoding === 'latin1' ? decodeLatin1(bytes) : bytes.toString('utf8'), n, why);
      if (c === CR && piece[i + 1] === LF) i++;
      start = i + 1;
    }
  }
}
