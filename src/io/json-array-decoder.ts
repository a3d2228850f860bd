import { StringDecoder } from 'node:string_decoder';
import { TailorError } from '../core/errors.ts';
import { jsonRow } from './json-row.ts';
import { MAX_RECORD_BYTES, type RowDecoder, type SourceRow } from './source-row.ts';
import { decodeLatin1, type TextEncoding } from './text-encoding.ts';

const REPLACEMENT = Buffer.from('\ufffd');

// Where the scanner is: before the opening bracket, among the elements, or after the closing one.
const BEFORE = 0;
const INSIDE = 1;
const AFTER = 2;

/**
 * A top-level JSON array, streamed: a small scanner finds where each element starts and ends
 * (tracking strings, escapes and nesting), and only that element's text is parsed. Memory holds one
 * element at a time, whatever the file size.
 *
 * Kept hand-written rather than stream-json: stream-json was several times slower, driven
 * synchronously or as a Node-stream pipeline. It also stops at the first syntax error, so one
 * malformed element would end the import, where this scanner makes it a reject and reads on ("a bad
 * row never stops an import"), and it loses a truncated tail's text.
 * Measurements: BENCHMARKS.md, Ingest, "Import decoders (2026-12-04)".
 */
export class JsonArrayDecoder implements RowDecoder {
  private rows: SourceRow[] = [];
  private readonly decoder = new StringDecoder('utf8');
  /**
   * Bytes that are not UTF-8 have been read (decoded as U+FFFD). An element with U+FFFD is then a
   * reject: its text was damaged. Told apart from a U+FFFD the file really holds by counting.
   */
  private sawInvalid = false;
  /** Line breaks outside strings so far, and the line where the current element starts. */
  private lines = 0;
  private startLine = 1;
  private buf = '';
  private pos = 0;
  /** Where the current element starts in `buf`, or -1 between elements. */
  private start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private state: number = BEFORE;
  private n = 0;

  constructor(private readonly encoding: TextEncoding = 'utf8') {}

  push(chunk: Buffer): void {
    if (this.encoding === 'latin1') {
      this.scan(decodeLatin1(chunk));
      return;
    }
    const text = this.decoder.write(chunk);
    if (!this.sawInvalid && text.includes('\ufffd')) this.sawInvalid = count(text, '\ufffd') > countBytes(chunk, REPLACEMENT);
    this.scan(text);
  }

  end(): void {
    this.scan(this.decoder.end());
    if (this.state === INSIDE) {
      const tail = this.start >= 0 ? this.buf.slice(this.start).trim() : '';
      if (tail) this.rows.push({ row: ++this.n, raw: tail, error: 'the JSON array ends early: the file is truncated' });
      else throw new TailorError('unsupported_format', 'the JSON array is not closed: the file is truncated');
    }
  }

  take(): SourceRow[] {
    const r = this.rows;
    this.rows = [];
    return r;
  }

  private emit(end: number): void {
    const text = this.buf.slice(this.start, end);
    if (this.sawInvalid && text.includes('\ufffd')) {
      this.rows.push({ row: ++this.n, raw: text, error: `line ${this.startLine + 1} is not valid UTF-8: the JSON element that starts there has bytes that are not text (if the file is Latin-1 or Windows-1252, import it with --encoding latin1)` });
    } else {
      this.rows.push(jsonRow(++this.n, text, 'element'));
    }
    this.start = -1;
  }

  private scan(text: string): void {
    if (this.buf === '' && this.state === BEFORE && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.buf += text;
    const s = this.buf;
    for (let i = this.pos; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true; // backslash
        else if (c === 34) this.inString = false; // quote
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        if (c === 10) this.lines++;
        continue;
      }
      if (this.state === BEFORE) {
        if (c !== 91) throw new TailorError('unsupported_format', 'a .json file must hold one array of objects (use .jsonl for one object per line)');
        this.state = INSIDE;
        continue;
      }
      if (this.state === AFTER) throw new TailorError('unsupported_format', 'unexpected data after the end of the JSON array');
      if (this.depth > 0) {
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.depth++;
        else if (c === 125 || c === 93) {
          if (--this.depth === 0) this.emit(i + 1);
        }
        continue;
      }
      // Between elements, or inside a scalar element (which becomes a reject).
      if (c === 44 || c === 93) { // , or ]
        if (this.start >= 0) this.emit(i);
        if (c === 93) this.state = AFTER;
        continue;
      }
      if (this.start < 0) {
        this.start = i;
        this.startLine = this.lines;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth = 1;
    }
    // Keep only the element being read.
    if (this.start >= 0) {
      this.buf = s.slice(this.start);
      this.pos = this.buf.length;
      this.start = 0;
      if (this.buf.length > MAX_RECORD_BYTES) throw new TailorError('unsupported_format', `a JSON element is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
    } else {
      this.buf = '';
      this.pos = 0;
    }
  }
}

function count(s: string, what: string): number {
  let n = 0;
  for (let i = s.indexOf(what); i !== -1; i = s.indexOf(what, i + 1)) n++;
  return n;
}

function countBytes(b: Buffer, what: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(what); i !== -1; i = b.indexOf(what, i + 1)) n++;
  return n;
}
