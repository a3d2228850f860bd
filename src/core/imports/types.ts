/** Shared shapes of the import mappers: a source row in, a message (or a reason to reject it) out. */

export const IMPORT_KINDS = ['profiles', 'events', 'orders', 'products'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const isImportKind = (s: string): s is ImportKind => (IMPORT_KINDS as readonly string[]).includes(s);

/** One source row as the reader decoded it: strings for CSV/whitespace files, JSON values for JSON files. */
export type RowValues = Record<string, unknown>;

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Mapped<T> => ({ ok: true, value });
export const bad = <T = never>(reason: string): Mapped<T> => ({ ok: false, reason });

/** `auto`: ISO, YYYYMMDD, epoch and month-first M/D/YYYY (the US and UCI convention); `dmy` reads slashed dates day-first. */
export type DateFormat = 'auto' | 'mdy' | 'dmy';

/** What every mapper needs besides the row; all time comes from here, so mapping stays pure. */
export interface MapContext {
  /** When the import started (epoch ms): receivedAt, and the timestamp of rows without a timestamp column. */
  now: number;
  source: string;
  dateFormat: DateFormat;
  /** Text formats (CSV, whitespace) carry only strings, so numbers and booleans are inferred for traits and properties. */
  inferTypes: boolean;
  /** Default currency for orders and products without a currency column (ISO 4217). */
  currency?: string | undefined;
}
