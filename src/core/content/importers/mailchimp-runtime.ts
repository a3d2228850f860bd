/**
 * Mailchimp merge-tag semantics as plain functions (see the header of mailchimp.ts for the
 * sources and for which rules are documented and which are assumptions). Registered as Liquid
 * filters in compat-filters.ts.
 */

/** `*|IF:FIELD|*` is true when "a value for FIELD is provided": not missing, not "", not [], not false. */
export function mcPresent(value: unknown): boolean {
  if (value == null || value === false || value === '') return false;
  if (Array.isArray(value) && value.length === 0) return false;
  return true;
}

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/;
const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return null;
};

/**
 * `*|IF:FIELD op VALUE|*`. A missing value makes every comparison false (documented for `=`),
 * except `!=`, which is then true. When both sides read as numbers they compare as numbers
 * (so 9 < 10); otherwise as text, case-sensitively (Mailchimp: "Conditional merge tags are case
 * sensitive").
 */
export function mcCompare(value: unknown, op: string, literal: string): boolean {
  if (!mcPresent(value)) return op === '!=';
  const a = asNumber(value);
  const b = asNumber(literal);
  let cmp: number;
  if (a !== null && b !== null) cmp = a === b ? 0 : a < b ? -1 : 1;
  else {
    const s = String(value);
    cmp = s === literal ? 0 : s < literal ? -1 : 1;
  }
  switch (op) {
    case '=': return cmp === 0;
    case '!=': return cmp !== 0;
    case '>': return cmp > 0;
    case '<': return cmp < 0;
    case '>=': return cmp >= 0;
    case '<=': return cmp <= 0;
    default: return false;
  }
}

/** `*|TITLE:FIELD|*`: every word capitalised, the rest lower-cased ("ana MARÍA" → "Ana María"). */
export function mcTitle(value: unknown): string {
  if (value == null) return '';
  return String(value).toLowerCase().replace(/(^|\s)(\S)/gu, (_m, sp: string, ch: string) => sp + ch.toUpperCase());
}
