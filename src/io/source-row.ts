import type { RowValues } from '../core/imports/types.ts';

/**
 * One record of an input file. `row` counts data records from 1 (a header line is not a row; blank
 * lines are skipped). `raw` is what the file held, for the rejects file: the line's text for text
 * formats, the decoded object for JSON. A record that could not be decoded has `error` instead of values.
 */
export type SourceRow =
  | { row: number; values: RowValues; raw: unknown; error?: undefined }
  | { row: number; values?: undefined; raw: unknown; error: string };

/** Turns chunks of bytes into records, synchronously: one await per chunk, not per row. */
export interface RowDecoder {
  push(chunk: Buffer): void;
  end(): Promise<void> | void;
  /** The records decoded since the last call. */
  take(): SourceRow[];
}

/** Longest record or line accepted; beyond it the file is taken to be broken (an unclosed quote, say). */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;
