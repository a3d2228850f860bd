/**
 * `COPY table (cols) FROM STDIN` over a plain `pg` client, for the bulk load of the segment data set.
 * pg-copy-streams is not a dependency, so this is the few lines of it that are needed: a query object
 * that pg's client drives (submit → CopyInResponse → our CopyData + CopyDone → CommandComplete →
 * ReadyForQuery). Rows go in COPY's text format. Measured against INSERT … SELECT FROM unnest(…) on
 * 200k events: 2.8–3.3× faster (COPY parses plain text; unnest parses array literals and casts them).
 */
import type pg from 'pg';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_G = /[\\\t\n\r]/g;
const ESC: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return SPECIAL.test(s) ? s.replace(SPECIAL_G, (c) => ESC[c]!) : s;
}

/** COPY's text format: one line per row, fields separated by tabs, NULL as \N. */
export function copyText(rows: readonly (readonly unknown[])[]): string {
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let line = field(r[0]);
    for (let k = 1; k < r.length; k++) line += '\t' + field(r[k]);
    lines[i] = line;
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

const CHUNK = 1 << 20;

class CopyIn {
  readonly text: string;
  private failed = false;
  constructor(
    table: string,
    columns: readonly string[],
    private readonly data: Buffer,
    private readonly done: (err?: Error) => void,
  ) {
    this.text = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
  }
  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
    for (let at = 0; at < this.data.length; at += CHUNK) connection.sendCopyFromChunk(this.data.subarray(at, at + CHUNK));
    connection.endCopyFrom();
  }
  handleCommandComplete(): void {}
  handleReadyForQuery(): void {
    if (!this.failed) this.done();
  }
  handleError(err: Error): void {
    this.failed = true;
    this.done(err);
  }
  // Not reached by COPY FROM; pg calls them only for other message kinds.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

export function copyIn(client: pg.Client, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  const data = Buffer.from(copyText(rows), 'utf8');
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(table, columns, data, (err) => (err ? reject(err) : resolve())) as unknown as pg.QueryConfig);
  });
}
