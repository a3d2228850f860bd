import { jsonRow } from './json-row.ts';
import { LineDecoder } from './line-decoder.ts';

/**
 * JSON Lines: one JSON object per line; blank lines are skipped, a bad line is a reject.
 *
 * Kept rather than stream-chain's JSONL parser (which stream-json 3 delegates JSON Lines to): it was
 * slower, and its line splitter has no length limit, so a file without newlines takes memory in
 * proportion to its size, where this one stops with a clear error (MAX_RECORD_BYTES). It also rejects
 * whitespace-only lines, which are skipped here. What is hand-written is the line split, shared with
 * the whitespace format. Measurements: BENCHMARKS.md, Ingest, "Import decoders (2026-12-04)".
 */
export class JsonlDecoder extends LineDecoder {
  private n = 0;

  protected line(line: string, _lineNo: number, notText: string | undefined): void {
    if (line.trim() === '') return;
    this.rows.push(notText ? { row: ++this.n, raw: line, error: notText } : jsonRow(++this.n, line, 'line'));
  }
}
