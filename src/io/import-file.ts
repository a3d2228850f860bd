import { randomUUID } from 'node:crypto';
import { isTailorError, TailorError, type ErrorCode } from '../core/errors.ts';
import { Columns } from '../core/imports/column-map.ts';
import { OrderGrouper, type GroupedOrder } from '../core/imports/group-orders.ts';
import { mapEvent } from '../core/imports/map-event.ts';
import { mapOrderLine } from '../core/imports/map-order-line.ts';
import { mapProduct } from '../core/imports/map-product.ts';
import { mapProfile } from '../core/imports/map-profile.ts';
import type { MapContext, Mapped } from '../core/imports/types.ts';
import type { Message } from '../core/schemas/segment-message.ts';
import type { IngestResult } from '../core/ingest/ingest-messages.ts';
import type { Tailor } from '../main.ts';
import type { ImportRunCounts, ImportRunStatus } from '../core/imports/ports.ts';
import { ImportChunk, isRowLevelError } from './import-chunk.ts';
import { resolveImportOptions, type ImportOptions, type ResolvedImport } from './import-options.ts';
import type { InputFormat } from './input-format.ts';
import { openInput } from './open-input.ts';
import { rawText, RejectsFile, type Reject } from './rejects-file.ts';
import { readRows } from './row-reader.ts';
import type { SourceRow } from './source-row.ts';

export type { ImportOptions, ImportProgress } from './import-options.ts';

/**
 * What an import did. Units: `rowsRead` and `rejected` count file rows; the others count what was
 * written: events (or new profiles, or products), so an order of five line items is one insert.
 *  - inserted: new events (events, orders), new profiles (profiles), new products (products)
 *  - updated: profiles that existed before the chunk and whose traits changed (any kind; a profile
 *    the same chunk created is inserted, not updated), products whose content changed (products)
 *  - merged: profiles merged because a row tied two of them together
 *  - duplicates: messages or products already stored unchanged (a re-import counts everything here)
 */
export interface ImportSummary extends ImportRunCounts {
  runId: string;
  kind: string;
  file: string;
  format: InputFormat;
  gzip: boolean;
  status: ImportRunStatus;
  profilesCreated: number;
  /** The rejects file, when there were rejects. */
  rejectsFile: string | null;
  durationMs: number;
  rowsPerSecond: number;
}

/**
 * An import that failed as a whole: the file could not be read to its end (an unclosed CSV quote,
 * corrupt gzip data, a header that is not text), or no row of it could be used (every row rejected:
 * a binary file, the wrong format or encoding). The run is recorded as failed; the rejects file and
 * import_rejects hold what was rejected, and `summary` what the run did before it stopped.
 */
export class ImportFailedError extends TailorError {
  constructor(code: ErrorCode, message: string, readonly summary: ImportSummary) {
    super(code, message, 'file');
    this.name = 'ImportFailedError';
  }
}

/**
 * The import use case: streams a file, maps each row to a message (or product), and writes a chunk per
 * transaction through the ingest pipeline, which resolves identities, skips stored messageIds and
 * keeps the change log. Bad rows become rejects (file + import_rejects) and never stop the import;
 * the run and its counters are kept in import_runs after every chunk. A file that cannot be read to
 * its end, or that has rows and none of them usable, fails with an ImportFailedError after the rows
 * read before it are written and the run is recorded as failed.
 */
export async function importFile(t: Tailor, opts: ImportOptions): Promise<ImportSummary> {
  const o = resolveImportOptions(opts);
  const input = await openInput(o.file);
  const began = performance.now();
  const runId = randomUUID();
  const ctx: MapContext = {
    now: t.clock.now(), source: 'import', dateFormat: o.dateFormat,
    inferTypes: o.format !== 'json' && o.format !== 'jsonl', currency: o.currency,
  };
  try {
    await t.imports.start({ id: runId, kind: o.kind, file: o.file, startedAt: ctx.now });
  } catch (e) {
    input.stream.destroy();
    throw e;
  }

  const counts: ImportRunCounts = { rowsRead: 0, inserted: 0, updated: 0, merged: 0, duplicates: 0, rejected: 0 };
  let profilesCreated = 0;
  const rejects = new RejectsFile(o.rejectsPath);
  const chunk = new ImportChunk();
  const handle = rowHandler(o, ctx, chunk);

  const addIngest = (r: IngestResult) => {
    profilesCreated += r.profilesCreated;
    counts.merged += r.merges;
    counts.duplicates += r.duplicates;
    // Profiles, not trait values: three traits set on a new profile are one insert and no update.
    counts.updated += r.touched.filter((p) => !p.created && p.traits.length > 0).length;
    counts.inserted += o.kind === 'profiles' ? r.profilesCreated : r.stored;
  };

  // A chunk the store refuses because of its data is halved until the guilty messages are alone.
  const ingest = async (messages: Message[], refs: SourceRow[][]): Promise<void> => {
    try {
      addIngest(await t.ingest(messages));
    } catch (e) {
      if (!isRowLevelError(e)) throw e;
      if (messages.length === 1) {
        for (const r of refs[0]!) chunk.reject(r, (e as Error).message);
        return;
      }
      const half = messages.length >> 1;
      await ingest(messages.slice(0, half), refs.slice(0, half));
      await ingest(messages.slice(half), refs.slice(half));
    }
  };

  const flush = async (finish?: { status: ImportRunStatus }) => {
    const w = chunk.takeWrites();
    if (w.messages.length) await ingest(w.messages, w.refs);
    if (w.products.length) {
      const r = await t.products.upsert(w.products, ctx.now);
      counts.inserted += r.inserted;
      counts.updated += r.updated;
      counts.duplicates += r.unchanged;
    }
    const rj = chunk.takeRejects();
    firstReject ??= rj[0];
    counts.rejected += rj.length;
    rejects.write(rj);
    await t.imports.progress(runId, counts, rj.map((r) => ({ row: r.row, reason: r.reason, raw: rawText(r.raw) })),
      finish && { status: finish.status, finishedAt: t.clock.now(), rejectsFile: rejects.written ? rejects.path : null });
  };

  let status: ImportRunStatus = 'completed';
  let checked = !ctx.inferTypes;
  let firstReject: Reject | undefined;
  // An error reading the file ends the reading, not the import: the rows before it are sound and
  // are written, then the run fails. (An error writing them stops everything, below.)
  let readError: unknown;
  async function* reading() {
    try {
      yield* readRows(input.stream, { format: o.format, header: o.header, columns: o.columns, encoding: o.encoding });
    } catch (e) {
      readError = readFailure(e, input.gzip);
    }
  }
  try {
    for await (const batch of reading()) {
      if (!checked) checked = checkMappedColumns(o, batch);
      counts.rowsRead += batch.length;
      // The chunk is flushed as soon as it is full, not once per read batch: a 256 KB read of short
      // rows is tens of thousands of rows, and one ingest transaction that size runs PostgreSQL out of
      // shared memory (lock table), whatever --chunk-size said.
      for (const row of batch) {
        if (row.error !== undefined) chunk.reject(row, row.error);
        else handle.row(row);
        if (chunk.size >= o.chunkSize) await flush();
      }
      opts.onProgress?.({ rowsRead: counts.rowsRead, rejected: counts.rejected + chunk.rejects.length, bytesRead: input.bytesRead(), totalBytes: input.totalBytes });
    }
    handle.end();
    await flush();
    if (readError !== undefined || (counts.rowsRead > 0 && counts.rejected >= counts.rowsRead)) status = 'failed';
    await t.imports.progress(runId, counts, [], { status, finishedAt: t.clock.now(), rejectsFile: rejects.written ? rejects.path : null });
  } catch (e) {
    status = 'failed';
    try {
      // Rows read but not written are dropped: writing them could fail the same way. The run says failed.
      chunk.takeWrites();
      await flush({ status });
    } catch {
      // The original error matters more than a failure to record it.
    }
    throw e;
  } finally {
    rejects.close();
    input.stream.destroy();
  }
  const durationMs = performance.now() - began;
  const summary: ImportSummary = {
    runId, kind: o.kind, file: o.file, format: o.format, gzip: input.gzip, status, ...counts, profilesCreated,
    rejectsFile: rejects.written ? rejects.path : null,
    durationMs: Math.round(durationMs),
    rowsPerSecond: Math.round(counts.rowsRead / Math.max(durationMs / 1000, 1e-3)),
  };
  if (readError !== undefined) {
    if (!isTailorError(readError)) throw readError;
    throw new ImportFailedError(readError.code, readError.message, summary);
  }
  if (status === 'failed') {
    const where = summary.rejectsFile ? `; the rejects are in ${summary.rejectsFile}` : '';
    throw new ImportFailedError('validation_failed',
      `no row could be imported: all ${counts.rowsRead} rows were rejected (row ${firstReject?.row}: ${firstReject?.reason})${where}`, summary);
  }
  return summary;
}

/** A read error as the import reports it: corrupt gzip data is the file's fault, said so in one line. */
function readFailure(e: unknown, gzip: boolean): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
    return new TailorError('unsupported_format', `the gzip data cannot be read (${(e as Error).message}): is the file damaged or cut short?`);
  }
  return e;
}

/**
 * A mapped column missing from a CSV or whitespace header is a typo that would reject every row:
 * stop at once instead. (JSON objects may legitimately omit keys, so they are not checked.)
 */
function checkMappedColumns(o: ResolvedImport, batch: SourceRow[]): boolean {
  const first = batch.find((r) => r.values !== undefined)?.values;
  if (!first) return false;
  for (const [target, source] of Object.entries(o.map)) {
    if (!(source in first)) {
      throw new TailorError('invalid_argument', `--map ${target}=${source}: the file has no column '${source}' (it has: ${Object.keys(first).join(', ')})`, 'map');
    }
  }
  return true;
}

interface RowHandler {
  row(row: SourceRow & { values: NonNullable<SourceRow['values']> }): void;
  /** End of file: emits what is still buffered (the last order). */
  end(): void;
}

/** The per-row path for each kind: pure mapping from src/core/imports, results into the chunk. */
function rowHandler(o: ResolvedImport, ctx: MapContext, chunk: ImportChunk): RowHandler {
  const cols = new Columns(o.kind, o.map);
  const message = (map: (v: NonNullable<SourceRow['values']>) => Mapped<Message>): RowHandler => ({
    row: (row) => {
      const m = map(row.values);
      if (m.ok) {
        chunk.messages.push(m.value);
        chunk.refs.push([row]);
      } else chunk.reject(row, m.reason);
    },
    end: () => {},
  });
  switch (o.kind) {
    case 'profiles': return message((v) => mapProfile(v, cols, ctx));
    case 'events': return message((v) => mapEvent(v, cols, ctx));
    case 'products': return {
      row: (row) => {
        const p = mapProduct(row.values, cols, ctx);
        if (p.ok) chunk.products.push(p.value);
        else chunk.reject(row, p.reason);
      },
      end: () => {},
    };
    case 'orders': {
      const grouper = new OrderGrouper<SourceRow>(ctx, o.orderId === 'column');
      const take = (out: GroupedOrder<SourceRow>[]) => {
        for (const g of out) {
          if (g.ok) {
            chunk.messages.push(g.message);
            chunk.refs.push(g.refs);
          } else for (const r of g.rejects) chunk.reject(r.ref, r.reason);
        }
      };
      return {
        row: (row) => take(grouper.add(mapOrderLine(row.values, row.row, cols, ctx, o.orderId), row)),
        end: () => take(grouper.end()),
      };
    }
  }
}
