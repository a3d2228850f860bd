import { parse, type CsvError, type Parser } from 'csv-parse';
import { TailorError } from '../core/errors.ts';
import { HeaderShaper, type HeaderOptions } from './header-shaper.ts';
import { MAX_RECORD_BYTES, type RowDecoder, type SourceRow } from './source-row.ts';

/**
 * CSV (or tab-separated) records through csv-parse. A record csv-parse cannot read (a quote never
 * closed) is skipped with its raw text and becomes a reject; the lines it swallowed are in that raw
 * text, so nothing disappears unreported. A record beyond MAX_RECORD_BYTES stops the import:
 * csv-parse cannot resume after it.
 */
export class CsvDecoder implements RowDecoder {
  private rows: SourceRow[] = [];
  private fatal: Error | undefined;
  private readonly parser: Parser;
  private readonly shaper: HeaderShaper;

  constructor(opts: HeaderOptions & { delimiter: string }) {
    this.shaper = new HeaderShaper(opts);
    this.parser = parse({
      delimiter: opts.delimiter,
      bom: true,
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
    this.parser.on('data', (r: { record: string[]; raw: string }) => {
      const row = this.shaper.shape(r.record, stripEol(r.raw));
      if (row) this.rows.push(row);
    });
    this.parser.on('skip', (err: CsvError, raw: string | undefined) => {
      if (err.code === 'CSV_MAX_RECORD_SIZE' || this.shaper.awaitingHeader) {
        this.fatal ??= new TailorError('unsupported_format', `CSV cannot be read past line ${err.lines ?? '?'}: ${err.message}`);
        return;
      }
      this.rows.push({ row: this.shaper.nextRow(), raw: stripEol(raw ?? ''), error: `CSV syntax error: ${err.message}` });
    });
    this.parser.on('error', (e: Error) => {
      this.fatal ??= e;
    });
  }

  push(chunk: Buffer): void {
    this.parser.write(chunk);
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      this.parser.once('end', resolve);
      this.parser.once('close', resolve);
      this.parser.once('error', () => resolve());
      this.parser.end();
    });
  }

  take(): SourceRow[] {
    if (this.fatal) throw this.fatal;
    const r = this.rows;
    this.rows = [];
    return r;
  }
}

/** csv-parse's raw text keeps stray CR/LF at its ends (a CR of CRLF, the newline of a blank line before). */
function stripEol(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 13 || s.charCodeAt(a) === 10)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 13 || s.charCodeAt(b - 1) === 10)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
