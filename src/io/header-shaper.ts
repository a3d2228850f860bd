import { TailorError } from '../core/errors.ts';
import type { RowValues } from '../core/imports/types.ts';
import type { SourceRow } from './source-row.ts';

export interface HeaderOptions {
  /** Whether the first record names the columns (default true). */
  header: boolean;
  /** Column names: required without a header, and replace the header's names when both are given. */
  columns?: string[] | undefined;
}

/** Turns the field lists of CSV and whitespace files into named rows, using the header line or --columns. */
export class HeaderShaper {
  private names: string[] | undefined;
  private pendingHeader: boolean;
  private n = 0;

  constructor(opts: HeaderOptions) {
    if (!opts.header && !opts.columns?.length) {
      throw new TailorError('invalid_argument', 'a file without a header needs --columns a,b,c', 'columns');
    }
    this.names = opts.columns?.length ? opts.columns : undefined;
    this.pendingHeader = opts.header;
  }

  get awaitingHeader(): boolean {
    return this.pendingHeader;
  }

  /** The next row number, for records that failed before they had fields. */
  nextRow(): number {
    return ++this.n;
  }

  shape(fields: string[], raw: string): SourceRow | undefined {
    if (this.pendingHeader) {
      this.pendingHeader = false;
      this.names ??= fields.map((f, i) => f.trim() || `column${i + 1}`);
      return undefined;
    }
    const row = ++this.n;
    const names = this.names!;
    if (fields.length !== names.length) {
      return { row, raw, error: `row has ${fields.length} fields, the header has ${names.length}` };
    }
    const values: RowValues = {};
    for (let i = 0; i < names.length; i++) values[names[i]!] = fields[i];
    return { row, values, raw };
  }
}
