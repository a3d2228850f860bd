import { matrix, type Matrix } from './matrix.ts';

/**
 * Profiles (or CSV rows) as a numeric matrix, fitted on training rows and then applied unchanged to
 * the rows being scored, so that a model always sees the columns, medians, levels and scales it was
 * trained with.
 *
 * Policy (README "Models"):
 * - numbers: optional log1p (chosen automatically for skewed non-negative columns: sample skewness
 *   above 1), then scaling (standard: mean 0, sd 1; min-max: 0–1; none). A column with no spread
 *   is centred and not divided.
 * - missing values: null, undefined, a non-finite number, and a string that is empty or only
 *   whitespace, whatever the column's kind (IBM's Telco churn file writes a single space in 11
 *   TotalCharges cells; read as a value, it turned the column into 19 one-hot levels). A column's
 *   kind is decided by its non-missing values only.
 * - missing numbers: the training median (in the transformed units), plus
 *   an indicator column `<name>_missing` when any training row lacked the value. Trees and linear
 *   models can both use the indicator; imputing alone would hide "never ordered" in the median.
 * - categories: one-hot over the levels seen in training, the most frequent MAX_LEVELS first; rarer
 *   levels and levels first seen when scoring fall into `(other)`; a missing value is its own
 *   `(missing)` level.
 */
export type Scaling = 'standard' | 'minmax' | 'none';
export interface ColumnSpec { name: string; kind: 'number' | 'category'; log?: boolean }

interface NumericFit { name: string; log: boolean; median: number; center: number; scale: number; indicator: boolean }
interface CategoryFit { name: string; levels: string[] }

export interface FittedTransform {
  scaling: Scaling;
  numeric: NumericFit[];
  categories: CategoryFit[];
  /** The matrix's columns, in order. */
  featureNames: string[];
}

export type Row = Readonly<Record<string, unknown>>;

const MAX_LEVELS = 20;
const OTHER = '(other)';
const MISSING = '(missing)';

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Missing, for every column kind: see the policy above. */
export const isMissing = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')
  || (typeof v === 'number' && !Number.isFinite(v));

/**
 * Column kinds from the data: a column whose present values are all numbers (or numeric strings) is
 * numeric. `known` kinds (the feature catalog's) win over the data: a numeric feature that no
 * training row has yet (days_since_open before any email was tracked) stays numeric — imputed, with
 * its indicator — rather than becoming a one-level category that every later value falls out of.
 */
export function inferColumns(rows: readonly Row[], names: readonly string[], known: Readonly<Record<string, ColumnSpec['kind']>> = {}): ColumnSpec[] {
  return names.map((name) => {
    const present = rows.map((r) => r[name]).filter((v) => !isMissing(v));
    const kind = Object.hasOwn(known, name) ? known[name] : undefined;
    const numeric = kind === 'number' || (kind === undefined && present.length > 0 && present.every((v) => toNumber(v) !== null));
    if (!numeric) return { name, kind: 'category' as const };
    const xs = present.map((v) => toNumber(v)).filter((v): v is number => v !== null);
    return { name, kind: 'number' as const, log: xs.length > 0 && xs.every((x) => x >= 0) && skewness(xs) > 1 };
  });
}

function skewness(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 3) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const categoryOf = (v: unknown): string => (isMissing(v) ? MISSING : String(v));

export function fitTransform(rows: readonly Row[], columns: readonly ColumnSpec[], scaling: Scaling = 'standard'): FittedTransform {
  if (!rows.length) throw new RangeError('no rows to fit the feature matrix on');
  const numeric: NumericFit[] = [];
  const categories: CategoryFit[] = [];
  for (const c of columns) {
    if (c.kind === 'category') {
      const counts = new Map<string, number>();
      for (const r of rows) {
        const k = categoryOf(r[c.name]);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
      const levels = ranked.length > MAX_LEVELS ? [...ranked.slice(0, MAX_LEVELS - 1), OTHER] : ranked;
      categories.push({ name: c.name, levels });
      continue;
    }
    const log = c.log ?? false;
    const raw = rows.map((r) => toNumber(r[c.name]));
    const present = raw.filter((v): v is number => v !== null).map((v) => (log ? Math.log1p(Math.max(v, 0)) : v));
    const med = median(present);
    const filled = raw.map((v) => (v === null ? med : log ? Math.log1p(Math.max(v, 0)) : v));
    let center = 0;
    let scale = 1;
    if (scaling === 'standard') {
      center = filled.reduce((a, b) => a + b, 0) / filled.length;
      const sd = Math.sqrt(filled.reduce((a, b) => a + (b - center) ** 2, 0) / filled.length);
      scale = sd > 0 ? sd : 1;
    } else if (scaling === 'minmax') {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of filled) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      center = lo;
      scale = hi > lo ? hi - lo : 1;
    }
    const indicator = present.length < raw.length;
    numeric.push({ name: c.name, log, median: med, center, scale, indicator });
  }
  // Numeric columns (each followed by its indicator) first, then the one-hot blocks.
  return { scaling, numeric, categories, featureNames: orderNames(numeric, categories) };
}

function orderNames(numeric: NumericFit[], categories: CategoryFit[]): string[] {
  const out: string[] = [];
  for (const n of numeric) {
    out.push(n.name);
    if (n.indicator) out.push(`${n.name}_missing`);
  }
  for (const c of categories) for (const l of c.levels) out.push(`${c.name}=${l}`);
  return out;
}

export interface Transformed {
  /** What models see: transformed, imputed and scaled. */
  scaled: Matrix;
  /** The same columns in original units (imputed numbers, 0/1 indicators and one-hot), for cluster cards. */
  original: Matrix;
}

export function transform(t: FittedTransform, rows: readonly Row[]): Transformed {
  const cols = t.featureNames.length;
  const scaled = matrix(rows.length, cols);
  const original = matrix(rows.length, cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let j = i * cols;
    for (const n of t.numeric) {
      const v = toNumber(r[n.name]);
      const x = v === null ? n.median : n.log ? Math.log1p(Math.max(v, 0)) : v;
      scaled.data[j] = (x - n.center) / n.scale;
      original.data[j++] = v === null ? (n.log ? Math.expm1(n.median) : n.median) : v;
      if (n.indicator) {
        scaled.data[j] = original.data[j] = v === null ? 1 : 0;
        j++;
      }
    }
    for (const c of t.categories) {
      const k = categoryOf(r[c.name]);
      let at = c.levels.indexOf(k);
      if (at < 0) at = c.levels.indexOf(OTHER);
      if (at >= 0) scaled.data[j + at] = original.data[j + at] = 1;
      j += c.levels.length;
    }
  }
  return { scaled, original };
}
