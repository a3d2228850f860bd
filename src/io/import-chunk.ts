import { isTailorError } from '../core/errors.ts';
import type { ProductRecord } from '../core/imports/map-product.ts';
import type { Message } from '../core/schemas/segment-message.ts';
import type { Reject } from './rejects-file.ts';
import type { SourceRow } from './source-row.ts';

/** What one transaction will write: messages (with the rows they came from) or products, and the chunk's rejects. */
export class ImportChunk {
  messages: Message[] = [];
  /** Per message, its source rows: an order has one per line item. */
  refs: SourceRow[][] = [];
  products: ProductRecord[] = [];
  rejects: Reject[] = [];

  get size(): number {
    return this.messages.length + this.products.length;
  }

  reject(row: SourceRow, reason: string): void {
    this.rejects.push({ row: row.row, reason, raw: row.raw });
  }

  /** Hands over the pending writes; rejects stay, as writing may add some (see isRowLevelError). */
  takeWrites(): { messages: Message[]; refs: SourceRow[][]; products: ProductRecord[] } {
    const w = { messages: this.messages, refs: this.refs, products: this.products };
    this.messages = [];
    this.refs = [];
    this.products = [];
    return w;
  }

  takeRejects(): Reject[] {
    const r = this.rejects;
    this.rejects = [];
    return r;
  }
}

/**
 * Whether a failed write is about the data rather than the database: such a chunk is split to find
 * the guilty rows, which become rejects. Anything else (connection lost, disk full) stops the import.
 * PostgreSQL class 22 is "data exception" (e.g. a value out of range); 54000 an index row too large.
 */
export function isRowLevelError(e: unknown): boolean {
  if (isTailorError(e)) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '54000' || code === 'SQLITE_TOOBIG');
}
