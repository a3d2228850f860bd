import path from 'node:path';
import { TailorError } from '../core/errors.ts';
import { parseColumnMap, type ColumnMap } from '../core/imports/column-map.ts';
import { ORDER_ID_STRATEGIES, type OrderIdStrategy } from '../core/imports/map-order-line.ts';
import { IMPORT_KINDS, isImportKind, type DateFormat, type ImportKind } from '../core/imports/types.ts';
import { detectFormat, INPUT_FORMATS, isInputFormat, type InputFormat } from './input-format.ts';
import { isTextEncoding, TEXT_ENCODINGS, type TextEncoding } from './text-encoding.ts';

export interface ImportProgress {
  rowsRead: number;
  rejected: number;
  /** Bytes read from disk (compressed bytes for .gz), against the file size: a bar that ends at 100%. */
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  kind: ImportKind | string;
  file: string;
  /** `target=source,…` or an object of the same: which column feeds which field. */
  map?: string | ColumnMap | undefined;
  /** Default: from the extension (after .gz). */
  format?: InputFormat | 'auto' | undefined;
  /** CSV, TSV and whitespace files: whether the first line names the columns (default true). */
  header?: boolean | undefined;
  /** Column names, required with header: false ("a,b,c" or a list). */
  columns?: string | string[] | undefined;
  /** Rejects file: default `<file name>.rejects.jsonl` in the working directory; `.csv` writes CSV. */
  rejects?: string | undefined;
  /** Messages (or products) per transaction. */
  chunkSize?: number | undefined;
  /** ISO 4217 code for orders and products that have no currency column. */
  currency?: string | undefined;
  dateFormat?: DateFormat | undefined;
  /** Orders only: `column` (default) or `row` (see map-order-line.ts). */
  orderId?: OrderIdStrategy | undefined;
  /** How the file's bytes become text: utf8 (default; rows that are not UTF-8 are rejects) or latin1 (Windows-1252). */
  encoding?: TextEncoding | string | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
}

export interface ResolvedImport {
  kind: ImportKind;
  file: string;
  format: InputFormat;
  map: ColumnMap;
  header: boolean;
  columns: string[] | undefined;
  rejectsPath: string;
  chunkSize: number;
  currency: string | undefined;
  dateFormat: DateFormat;
  orderId: OrderIdStrategy;
  encoding: TextEncoding;
}

export const DEFAULT_CHUNK_SIZE = 5000;
const MAX_CHUNK_SIZE = 100_000;

const arg = (message: string, field: string) => new TailorError('invalid_argument', message, field);

/** Checks every option before anything is opened or written, so that a bad flag costs nothing. */
export function resolveImportOptions(o: ImportOptions): ResolvedImport {
  if (!isImportKind(o.kind)) throw arg(`unknown import kind '${o.kind}' (expected one of: ${IMPORT_KINDS.join(', ')})`, 'kind');
  if (!o.file) throw arg('no file given', 'file');
  let format: InputFormat;
  if (o.format === undefined || o.format === 'auto') format = detectFormat(o.file);
  else if (isInputFormat(o.format)) format = o.format;
  else throw arg(`unknown format '${o.format}' (expected one of: ${INPUT_FORMATS.join(', ')})`, 'format');
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw arg(`chunk size must be an integer from 1 to ${MAX_CHUNK_SIZE}`, 'chunkSize');
  }
  const dateFormat = o.dateFormat ?? 'auto';
  if (!['auto', 'mdy', 'dmy'].includes(dateFormat)) throw arg(`unknown date format '${dateFormat}' (expected auto, mdy or dmy)`, 'dateFormat');
  const orderId = o.orderId ?? 'column';
  if (!ORDER_ID_STRATEGIES.includes(orderId)) throw arg(`unknown --order-id strategy '${orderId}' (expected ${ORDER_ID_STRATEGIES.join(' or ')})`, 'orderId');
  if (o.currency !== undefined && !/^[A-Za-z]{3}$/.test(o.currency)) throw arg(`currency must be a three-letter ISO 4217 code, not '${o.currency}'`, 'currency');
  const encoding = normalizeEncoding(o.encoding ?? 'utf8');
  if (!encoding) throw arg(`unknown encoding '${o.encoding}' (expected ${TEXT_ENCODINGS.join(' or ')})`, 'encoding');
  const columns = typeof o.columns === 'string' ? o.columns.split(',').map((c) => c.trim()) : o.columns;
  if (columns?.some((c) => c === '')) throw arg('--columns has an empty name', 'columns');
  const header = o.header ?? true;
  if (!header && !columns?.length && format !== 'json' && format !== 'jsonl') {
    throw arg('a file without a header needs --columns a,b,c', 'columns');
  }
  return {
    kind: o.kind,
    file: path.resolve(o.file),
    format,
    map: parseColumnMap(o.kind, o.map),
    header,
    columns,
    rejectsPath: path.resolve(o.rejects ?? `${path.basename(o.file)}.rejects.jsonl`),
    chunkSize,
    currency: o.currency?.toUpperCase(),
    dateFormat,
    orderId,
    encoding,
  };
}

/** The usual spellings of the two encodings: utf-8, UTF8, iso-8859-1, windows-1252, cp1252. */
function normalizeEncoding(e: string): TextEncoding | undefined {
  const k = e.toLowerCase().replace(/[-_ ]/g, '');
  if (isTextEncoding(k)) return k;
  return ['iso88591', 'windows1252', 'cp1252', 'latin'].includes(k) ? 'latin1' : undefined;
}
