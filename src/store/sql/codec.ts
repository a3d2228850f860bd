import type { Dialect } from './sql-runner.ts';

/** Converting values across the dialect traps: time, JSON and int8-as-string. */
export const toTs = (dialect: Dialect, ms: number): number | Date => (dialect === 'sqlite' ? ms : new Date(ms));

export function fromTs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number(v);
}

export const fromTsOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : fromTs(v));

const ESCAPED_SURROGATE = /\\ud[89a-f]/i;
const wellFormed = (_k: string, x: unknown) => (typeof x === 'string' ? x.toWellFormed() : x);

/**
 * JSON.stringify writes a lone UTF-16 surrogate as an escape that PostgreSQL's jsonb rejects;
 * such strings (only ever from broken clients) are stored with U+FFFD in its place, on both dialects.
 */
export function toJson(v: unknown): string {
  const s = JSON.stringify(v ?? null);
  return ESCAPED_SURROGATE.test(s) ? JSON.stringify(v ?? null, wellFormed) : s;
}

/** Both dialects hand JSON back as text (see the jsonb type parser in database.ts). */
export function fromJson<T = unknown>(v: unknown): T {
  return (v === null || v === undefined ? null : JSON.parse(v as string)) as T;
}

/** `pg` returns int8 and COUNT(*) as strings. */
export const toInt = (v: unknown): number => (typeof v === 'string' ? Number.parseInt(v, 10) : Number(v ?? 0));
