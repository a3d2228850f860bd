import { parse, type CsvError, type Parser } from 'csv-parse';
import { TailorError } from '../core/errors.ts';
import { HeaderShaper, type HeaderOptions } from './header-shaper.ts';
import { MAX_RECORD_BYTES, type RowDecoder, type SourceRow } from './source-row.ts';
import { decodeLatin1, notTextReason, type TextEncoding } from './text-encoding.ts';

// NUL is outside the range too: a record with one goes the slow way, where it is found not to be text.
const NOT_ASCII = /[^\x01-\x7f]/;

/**
 * CSV (or tab-separated) records through csv-parse.
 *
 * csv-parse reads the bytes as ISO 8859-1, one character per byte, so that nothing is lost before
 * this class decodes each record itself: a record whose bytes are not UTF-8 (a Latin-1 file, binary
 * data) becomes a reject naming its line instead of text with U+FFFD in it, and `--encoding latin1`
 * reads such a file as Windows-1252. An all-ASCII record, the common case, needs no decoding at all.
 *
 * Records may end in LF, CRLF or a lone CR, mixed in one file (csv-parse otherwise keeps the first
 * ending it sees and merges the rows that use another). Lines are counted here, from each record's
 * raw text, because csv-parse's own count is off for CRLF inside quoted fields.
 *
 * A quote that is never closed makes the rest of the file one field: that is a file error naming
 * the line where the quote opened, not a reject that hides the rows it swallowed. So is a record
 * beyond MAX_RECORD_BYTES (csv-parse cannot resume after it) and a header that is not text.
 */
export class CsvDecoder implements RowDecoder {
  private rows: SourceRow[] = [];
  private fatal: Error | undefined;
  private readonly parser: Parser;
  private readonly shaper: HeaderShaper;
  private readonly encoding: TextEncoding;
  private readonly delimiter: string;
  /** Line breaks in the raw text of the records so far: the next record starts after them. */
  private breaks = 0;
  private bomChecked = false;
  private head: Buffer | undefined;

  constructor(opts: HeaderOptions & { delimiter: string; encoding?: TextEncoding | undefined }) {
    this.shaper = new HeaderShaper(opts);
    this.encoding = opts.encoding ?? 'utf8';
    this.delimiter = opts.delimiter;
    this.parser = parse({
      delimiter: opts.delimiter,
      encoding: 'latin1',
      // The BOM is skipped in push(): csv-parse would switch to UTF-8 decoding on seeing it.
      bom: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      raw: true,
      relax_column_count: true,
      // A stray quote inside a field (12" vinyl) is kept as text: strict quoting would make csv-parse
      // re-read the following lines as part of the broken record and reject good rows with it.
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_BYTES,
    });
    // In flowing mode csv-parse hands records over synchronously inside write(); take() sees them at once.
    this.parser.on('data', (r: { record: string[]; raw: string }) => this.record(r.record, r.raw));
    this.parser.on('skip', (err: CsvError, raw: string | undefined) => this.skip(err, raw ?? ''));
    this.parser.on('error', (e: Error) => {
      this.fatal ??= e;
    });
  }

  push(chunk: Buffer): void {
    if (this.bomChecked) {
      this.parser.write(chunk);
      return;
    }
    const b = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    if (b.length < 3) {
      this.head = b;
      return;
    }
    this.head = undefined;
    this.bomChecked = true;
    this.parser.write(b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b);
  }

  end(): Promise<void> {
    if (this.head) this.parser.write(this.head);
    this.head = undefined;
    return new Promise((resolve) => {
      this.parser.once('end', resolve);
      this.parser.once('close', resolve);
      this.parser.once('error', () => resolve());
      this.parser.end();
    });
  }

  /** The rows decoded so far; once they are all taken, the file error if there is one. */
  take(): SourceRow[] {
    if (this.fatal && this.rows.length === 0) throw this.fatal;
    const r = this.rows;
    this.rows = [];
    return r;
  }

  private record(fields: string[], rawBytes: string): void {
    const start = this.breaks + 1 + leadingBreaks(rawBytes);
    this.breaks += countBreaks(rawBytes);
    if (this.fatal) return;
    const lenient = NOT_ASCII.test(rawBytes);
    if (!lenient) {
      const row = this.shaper.shape(fields, stripEol(rawBytes));
      if (row) this.rows.push(row);
      return;
    }
    const bytes = Buffer.from(stripEol(rawBytes), 'latin1');
    const why = notTextReason(bytes, start, this.encoding);
    if (why) {
      if (this.shaper.awaitingHeader) {
        this.fatal = new TailorError('unsupported_format', `the header: ${why}`);
        return;
      }
      this.rows.push({ row: this.shaper.nextRow(), raw: bytes.toString('utf8'), error: why });
      return;
    }
    const row = this.shaper.shape(fields.map((f) => this.text(f)), this.text(stripEol(rawBytes)));
    if (row) this.rows.push(row);
  }

  /** A field as csv-parse gave it (a character per byte) to the text its bytes are in the file's encoding. */
  private text(s: string): string {
    if (!NOT_ASCII.test(s)) return s;
    const bytes = Buffer.from(s, 'latin1');
    return this.encoding === 'latin1' ? decodeLatin1(bytes) : bytes.toString('utf8');
  }

  private skip(err: CsvError, raw: string): void {
    const start = this.breaks + 1 + leadingBreaks(raw);
    if (this.fatal) return;
    const text = stripLeadingEol(raw);
    const quote = openQuote(text, this.delimiter);
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' || (err.code === 'CSV_MAX_RECORD_SIZE' && quote !== undefined)) {
      const line = start + countBreaks(text.slice(0, quote ?? 0));
      const how = err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'is never closed' : `is not closed within ${MAX_RECORD_BYTES / 1024 / 1024} MB`;
      this.fatal = new TailorError('unsupported_format',
        `CSV line ${line}: a quote opens a field there and ${how}, so the rest of the file cannot be read as rows (close or remove that quote)`);
      return;
    }
    if (err.code === 'CSV_MAX_RECORD_SIZE' || this.shaper.awaitingHeader) {
      this.fatal = new TailorError('unsupported_format', `CSV cannot be read past line ${start}: ${err.message}`);
      return;
    }
    this.breaks += countBreaks(raw);
    this.rows.push({ row: this.shaper.nextRow(), raw: this.text(stripEol(raw)), error: `CSV syntax error: ${err.message}` });
  }
}

/** Line breaks in a record's raw text: CRLF, LF and a lone CR count one each. */
function countBreaks(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  for (let i = s.indexOf('\r'); i !== -1; i = s.indexOf('\r', i + 1)) if (s.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** Breaks before a record's first character: blank lines skipped before it end up in its raw text. */
function leadingBreaks(s: string): number {
  if (s.charCodeAt(0) !== 10 && s.charCodeAt(0) !== 13) return 0;
  let a = 0;
  while (a < s.length && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++;
  return countBreaks(s.slice(0, a));
}

function stripLeadingEol(s: string): string {
  let a = 0;
  while (a < s.length && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++;
  return a === 0 ? s : s.slice(a);
}

/**
 * Where the quote that is still open at the end of `raw` opened, by csv-parse's rules with
 * relax_quotes: a quote opens a field only at its start, `""` inside is a quote, and any other quote
 * closes it. Undefined when no quote is open.
 */
function openQuote(raw: string, delim: string): number | undefined {
  let open: number | undefined;
  let fieldStart = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (open !== undefined) {
      if (c !== '"') continue;
      if (raw[i + 1] === '"') i++;
      else open = undefined;
      continue;
    }
    if (c === '"' && fieldStart) open = i;
    fieldStart = c === '\n' || c === '\r' || raw.startsWith(delim, i);
  }
  return open;
}

/** csv-parse's raw text keeps stray CR/LF at its ends (a CR of CRLF, the newline of a blank line before). */
function stripEol(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 13 || s.charCodeAt(b - 1) === 10)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
