import { bad, ok, type Mapped } from './types.ts';

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Thousands separators only in groups of three, so "1,234.50" is read but "12,50" (a decimal comma,
// or a typo) is rejected rather than guessed.
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const CURRENCY = /^[$£€¥]\s*|\s*[$£€¥]$/g;

/** A number from a cell: plain decimals, thousands separators, a currency sign, accounting negatives "(12.50)". */
export function parseNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  let s = v.trim();
  if (PLAIN.test(s)) return finite(Number(s));
  let sign = 1;
  if (s.startsWith('(') && s.endsWith(')')) {
    sign = -1;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-')) {
    sign = -sign;
    s = s.slice(1);
  }
  s = s.replace(CURRENCY, '');
  if (PLAIN.test(s)) return finite(sign * Number(s));
  if (GROUPED.test(s)) return finite(sign * Number(s.replace(/,/g, '')));
  return undefined;
}

/**
 * A money amount. Float noise from the exporting tool (22.200000000000003) is rounded away at the
 * sixth decimal, which keeps every real currency precision (0, 2 or 3 decimals) intact.
 */
export function parseAmount(v: unknown, field: string): Mapped<number> {
  const n = parseNumber(v);
  if (n === undefined) return bad(`${field} is not a number: ${JSON.stringify(v)}`);
  return ok(Math.abs(n) < 1e9 ? Math.round(n * 1e6) / 1e6 : n);
}

export function parseQuantity(v: unknown, field: string): Mapped<number> {
  const n = parseNumber(v);
  if (n === undefined) return bad(`${field} is not a number: ${JSON.stringify(v)}`);
  return ok(n);
}

const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);
