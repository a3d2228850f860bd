/**
 * Liquid's numbers, as Shopify's reference implementation (Ruby) has them: integers and floats
 * are different types. `{{ 9 | divided_by: 2 }}` is the integer 4, `{{ 5.0 }}` prints `5.0`,
 * `{{ 2.0 | plus: 1 }}` is `3.0`, and float arithmetic goes through BigDecimal (Liquid's
 * `Utils.to_number`), so `{{ 10.1 | minus: 2.2 }}` is `7.9`, not `7.8999999999999995`.
 *
 * JavaScript has one number type, so the float-ness of a value is kept this way: a number that
 * is not integral is a float; an integral float (a literal `5.0`, a result such as `3.0`) is a
 * `LiquidFloat`, an object that is a number to JavaScript (`valueOf`, and liquidjs' Comparable
 * interface, so comparisons and `contains` treat it as its number) and prints the Ruby way.
 * It is not a liquidjs Drop on purpose: liquidjs prints a Drop by its `valueOf` (`5`), any other
 * object by `String(…)`, which is `toString` here (`5.0`).
 *
 * Data cannot carry the difference: JSON's `5.0` is JavaScript's `5`, an integer here.
 * Written for Tailor (no library has Ruby's numeric tower for liquidjs); the behaviour follows
 * the Ruby reference (lib/liquid/standardfilters.rb and utils.rb, Liquid 5.5).
 */
export class LiquidFloat {
  constructor(readonly value: number) {}
  valueOf(): number { return this.value; }
  toString(): string { return formatFloat(this.value); }
  toJSON(): number { return this.value; }
  equals(other: unknown): boolean { return this.value === plainNumber(other); }
  gt(other: unknown): boolean { return this.value > (plainNumber(other) as number); }
  geq(other: unknown): boolean { return this.value >= (plainNumber(other) as number); }
  lt(other: unknown): boolean { return this.value < (plainNumber(other) as number); }
  leq(other: unknown): boolean { return this.value <= (plainNumber(other) as number); }
}

const plainNumber = (v: unknown): unknown => (v instanceof LiquidFloat ? v.value : v);

/** Ruby's Float#to_s for the values a template shows: `5.0`, `-0.0`, `7.9`; exponents past 1e16. */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n)) {
    if (Math.abs(n) >= 1e16) {
      const [m, e] = n.toExponential().split('e') as [string, string];
      return `${m.includes('.') ? m : `${m}.0`}e${e[0]}${e.slice(1).padStart(2, '0')}`;
    }
    return Object.is(n, -0) ? '-0.0' : `${n}.0`;
  }
  return String(n);
}

/** A number with its Liquid type. */
export interface Num { n: number; float: boolean }

const DECIMAL = /^-?\d+\.\d+$/;
const LEADING_INT = /^\s*[-+]?\d+/;

/** `Utils.to_number`: floats stay floats, a decimal string is a float, any other string its leading integer (`to_i`), anything else 0. */
export function toNum(v: unknown): Num {
  if (v instanceof LiquidFloat) return { n: v.value, float: true };
  if (typeof v === 'number') return Number.isFinite(v) ? { n: v, float: !Number.isInteger(v) } : { n: v, float: true };
  if (typeof v === 'string') {
    const s = v.trim();
    if (DECIMAL.test(s)) return { n: Number(s), float: true };
    const m = LEADING_INT.exec(v);
    return { n: m ? Number(m[0]) : 0, float: false };
  }
  if (v && typeof v === 'object' && typeof (v as { valueOf(): unknown }).valueOf === 'function') {
    const inner = (v as { valueOf(): unknown }).valueOf();
    if (inner !== v && (typeof inner === 'number' || typeof inner === 'string')) return toNum(inner);
  }
  return { n: 0, float: false };
}

/** The value a filter returns for a number: an integral float as a LiquidFloat, else the plain number. */
export function fromNum(x: Num): number | LiquidFloat {
  return x.float && Number.isInteger(x.n) ? new LiquidFloat(x.n) : x.float || Number.isInteger(x.n) ? x.n : Math.trunc(x.n);
}

/** Digits after the decimal point of the shortest representation (what Ruby's BigDecimal(float.to_s) keeps). */
function decimals(n: number): number {
  const s = String(n);
  const e = s.indexOf('e');
  if (e >= 0) {
    const exp = Number(s.slice(e + 1));
    const mant = s.slice(0, e);
    const dot = mant.indexOf('.');
    return Math.max(0, (dot >= 0 ? mant.length - dot - 1 : 0) - exp);
  }
  const dot = s.indexOf('.');
  return dot >= 0 ? s.length - dot - 1 : 0;
}

/** A float result rounded to the decimal places the exact decimal result has (BigDecimal arithmetic, then `to_f`). */
function exact(r: number, places: number): number {
  if (!Number.isFinite(r) || places > 20 || Math.abs(r) >= 1e15) return r;
  return Number(r.toFixed(places));
}

export class LiquidZeroDivisionError extends Error {
  constructor() { super('Liquid error: divided by 0'); }
}

export type Operation = '+' | '-' | '*' | '/' | '%';

/** `apply_operation` of the Ruby reference: Integer op Integer stays an Integer (division and modulo floored), else decimal. */
export function arithmetic(a: unknown, b: unknown, op: Operation): number | LiquidFloat {
  const x = toNum(a);
  const y = toNum(b);
  const float = x.float || y.float;
  if ((op === '/' || op === '%') && y.n === 0) throw new LiquidZeroDivisionError();
  if (!float) {
    switch (op) {
      case '+': return x.n + y.n;
      case '-': return x.n - y.n;
      case '*': return x.n * y.n;
      case '/': return Math.floor(x.n / y.n);
      case '%': return x.n - y.n * Math.floor(x.n / y.n);
    }
  }
  const dx = decimals(x.n);
  const dy = decimals(y.n);
  let r: number;
  switch (op) {
    case '+': r = exact(x.n + y.n, Math.max(dx, dy)); break;
    case '-': r = exact(x.n - y.n, Math.max(dx, dy)); break;
    case '*': r = exact(x.n * y.n, dx + dy); break;
    case '/': r = x.n / y.n; break;
    case '%': r = exact(x.n - y.n * Math.floor(x.n / y.n), Math.max(dx, dy)); break;
  }
  return fromNum({ n: r, float: true });
}

/** `round`: half away from zero on the decimal value; an Integer when no places are asked for (or the input is one). */
export function roundTo(v: unknown, places: unknown): number | LiquidFloat {
  const x = toNum(v);
  const p = Math.trunc(toNum(places).n);
  if (!x.float) {
    if (p >= 0) return x.n;
    const f = 10 ** -p;
    return Math.sign(x.n) * Math.round(Math.abs(x.n) / f) * f;
  }
  if (p === 0 || places === undefined || places === null) return Math.sign(x.n) * Math.round(Math.abs(x.n));
  const r = Number(`${Math.round(Number(`${Math.abs(x.n)}e${p}`))}e${-p}`) * Math.sign(x.n);
  return p < 0 ? r : fromNum({ n: r, float: true });
}
