import readline from 'node:readline';
import { TailorError } from '../core/errors.ts';
import { parseDate } from '../core/identity/dates.ts';
import type { TransactionLog } from '../core/ml/clv/summary.ts';
import { openInput } from './open-input.ts';

/**
 * A plain transaction file for `tailor clv fit --transactions`: one purchase per line with a
 * customer id, a date and an amount. CSV (comma, semicolon or tab; double quotes allowed) or
 * whitespace-separated (CDNOW_master.txt); the header line is optional and detected; dates are
 * YYYYMMDD or ISO-8601 (date-times without an offset are UTC); gzip is read transparently.
 * Streamed line by line: only the three parsed columns are kept, in typed arrays.
 */

export type Delimiter = ',' | ';' | '\t' | 'whitespace';

export interface TransactionsFileOptions {
  /** "id,date,amount" as 0-based indices ("0,1,3") or header names ("customer_id,date,dollar_value"). */
  columns?: string;
  /** Bad rows tolerated before the read fails: this share of the data rows, but never fewer than `minBadRows`. */
  maxBadShare?: number;
  minBadRows?: number;
}

export interface BadRow { line: number; reason: string }

export interface TransactionsFile {
  log: TransactionLog;
  rows: number;
  bad: number;
  /** The first few bad rows, with their 1-based line numbers. */
  badExamples: BadRow[];
  delimiter: Delimiter;
  header: string[] | null;
  /** The 0-based indices used for id, date and amount. */
  columns: { id: number; date: number; amount: number };
  /** First and last transaction times (epoch ms). */
  firstAt: number;
  lastAt: number;
}

const EXAMPLES = 5;

export function detectDelimiter(line: string): Delimiter {
  if (line.includes('\t')) return '\t';
  if (line.includes(';')) return ';';
  if (line.includes(',')) return ',';
  return 'whitespace';
}

/** Splits one line; CSV fields may be double-quoted ("" is a quote inside). */
export function splitLine(line: string, d: Delimiter): string[] {
  if (d === 'whitespace') return line.trim().split(/\s+/);
  if (!line.includes('"')) return line.split(d).map((f) => f.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === d) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const parseTime = (s: string): number | undefined => {
  const r = parseDate(s);
  return r.ok ? r.value : undefined;
};

/** An amount; with a semicolon, tab or whitespace delimiter a decimal comma ("29,33") is accepted too. */
function parseAmount(s: string, d: Delimiter): number | undefined {
  const t = d !== ',' && /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Auto-detection on the first data row: id is column 0, date the first later column holding a
 * date, amount the last numeric column other than those two (CDNOW_master.txt: 0, 1, 3).
 */
function detectColumns(fields: string[], d: Delimiter): { id: number; date: number; amount: number } | undefined {
  const date = fields.findIndex((f, i) => i > 0 && parseTime(f) !== undefined);
  if (date < 0) return undefined;
  for (let i = fields.length - 1; i > 0; i--) {
    if (i !== date && parseAmount(fields[i]!, d) !== undefined) return { id: 0, date, amount: i };
  }
  return undefined;
}

function explicitColumns(spec: string, header: string[] | null): { id: number; date: number; amount: number } {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new TailorError('invalid_argument', `--columns must name three columns id,date,amount (indices such as 0,1,3 or header names), not '${spec}'`, 'columns');
  }
  const idx = parts.map((p) => {
    if (/^\d+$/.test(p)) return Number(p);
    const i = header ? header.findIndex((h) => h.toLowerCase() === p.toLowerCase()) : -1;
    if (i < 0) {
      throw new TailorError('invalid_argument', header ? `--columns: no column '${p}' in the header (${header.join(', ')})` : `--columns: '${p}' is a name but the file has no header; use 0-based indices`, 'columns');
    }
    return i;
  });
  return { id: idx[0]!, date: idx[1]!, amount: idx[2]! };
}

/** A header is a first line none of whose fields is a date: every data row has one. */
const isHeader = (fields: string[]): boolean => !fields.some((f) => parseTime(f) !== undefined);

export async function readTransactionsFile(file: string, opts: TransactionsFileOptions = {}): Promise<TransactionsFile> {
  const input = await openInput(file);
  const lines = readline.createInterface({ input: input.stream, crlfDelay: Infinity });
  let delimiter: Delimiter | undefined;
  let header: string[] | null = null;
  let cols: { id: number; date: number; amount: number } | undefined;
  const idIndex = new Map<string, number>();
  const ids: string[] = [];
  const customer: number[] = [];
  const at: number[] = [];
  const amount: number[] = [];
  const badExamples: BadRow[] = [];
  let bad = 0;
  let rows = 0;
  let lineNo = 0;
  let firstAt = Infinity;
  let lastAt = -Infinity;
  const reject = (reason: string) => {
    bad++;
    if (badExamples.length < EXAMPLES) badExamples.push({ line: lineNo, reason });
  };
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    if (delimiter === undefined) {
      delimiter = detectDelimiter(line);
      const fields = splitLine(line, delimiter);
      if (isHeader(fields)) {
        header = fields;
        if (opts.columns !== undefined) cols = explicitColumns(opts.columns, header);
        continue;
      }
      cols = opts.columns !== undefined ? explicitColumns(opts.columns, null) : detectColumns(fields, delimiter);
      if (!cols) throw new TailorError('invalid_argument', `${file}: cannot find a date and an amount column on line ${lineNo}; give --columns id,date,amount`, 'columns');
    }
    const fields = splitLine(line, delimiter);
    if (!cols) {
      cols = detectColumns(fields, delimiter);
      if (!cols) throw new TailorError('invalid_argument', `${file}: cannot find a date and an amount column on line ${lineNo}; give --columns id,date,amount`, 'columns');
    }
    rows++;
    const need = Math.max(cols.id, cols.date, cols.amount);
    if (fields.length <= need) {
      reject(`${fields.length} columns, expected at least ${need + 1}`);
      continue;
    }
    const id = fields[cols.id]!;
    const t = parseTime(fields[cols.date]!);
    const v = parseAmount(fields[cols.amount]!, delimiter);
    if (id === '') reject('empty customer id');
    else if (t === undefined) reject(`date '${fields[cols.date]}' is neither YYYYMMDD nor ISO-8601`);
    else if (v === undefined) reject(`amount '${fields[cols.amount]}' is not a number`);
    else {
      let k = idIndex.get(id);
      if (k === undefined) {
        k = ids.length;
        idIndex.set(id, k);
        ids.push(id);
      }
      customer.push(k);
      at.push(t);
      amount.push(v);
      if (t < firstAt) firstAt = t;
      if (t > lastAt) lastAt = t;
    }
  }
  const good = customer.length;
  const limit = Math.max(opts.minBadRows ?? 10, Math.floor((opts.maxBadShare ?? 0.01) * rows));
  if (bad > limit) {
    const first = badExamples[0]!;
    throw new TailorError('invalid_argument', `${file}: ${bad} of ${rows} rows are bad (more than ${limit}); first at line ${first.line}: ${first.reason}`, 'transactions');
  }
  if (good === 0) throw new TailorError('invalid_argument', `${file}: no transactions (customer id, date, amount) found`, 'transactions');
  return {
    log: { ids, customer: Int32Array.from(customer), at: Float64Array.from(at), amount: Float64Array.from(amount) },
    rows, bad, badExamples, delimiter: delimiter!, header, columns: cols!, firstAt, lastAt,
  };
}
