import fs from 'node:fs';
import path from 'node:path';
import { csvCell } from '../core/csv-line.ts';

export interface Reject {
  row: number;
  reason: string;
  /** The line's text (text formats) or the decoded object (JSON). */
  raw: unknown;
}

export const rawText = (raw: unknown): string => (typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '');

/**
 * The rejects file a user fixes and re-imports from: JSON lines `{row, reason, raw}`, or CSV
 * `row,reason,raw` when the path ends in .csv. It is created on the first reject only, so a clean
 * import leaves no empty file behind; writes are synchronous and per chunk, off the per-row path.
 */
export class RejectsFile {
  private fd: number | undefined;
  private closed = false;
  readonly csv: boolean;

  constructor(readonly path: string) {
    this.csv = /\.csv$/i.test(path);
  }

  get written(): boolean {
    return this.fd !== undefined;
  }

  write(rejects: Reject[]): void {
    if (rejects.length === 0) return;
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(path.resolve(this.path)), { recursive: true });
      this.fd = fs.openSync(this.path, 'w');
      if (this.csv) fs.writeSync(this.fd, 'row,reason,raw\n');
    }
    const text = rejects.map((r) => (this.csv
      ? `${r.row},${csvCell(r.reason)},${csvCell(rawText(r.raw))}\n`
      : `${JSON.stringify({ row: r.row, reason: r.reason, raw: r.raw })}\n`)).join('');
    fs.writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd !== undefined && !this.closed) fs.closeSync(this.fd);
    this.closed = true;
  }
}

