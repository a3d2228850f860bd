import type { Dialect } from './database.ts';

/** Converting values across the dialect traps: time, JSON and int8-as-string. */
export const toTs = (dialect: Dialect, ms: number): number | Date => (dialect === 'sqlite' ? ms : new Date(ms));

export function fromTs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number(v);
}

export const fromTsOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : fromTs(v));

export const toJson = (v: unknown): string => JSON.stringify(v ?? null);

/** Both dialects hand JSON back as text (see the jsonb type parser in database.ts). */
export function fromJson<T = unknown>(v: unknown): T {
  return (v === null || v === undefined ? null : JSON.parse(v as string)) as T;
}

/** `pg` returns int8 and COUNT(*) as strings. */
export const toInt = (v: unknown): number => (typeof v === 'string' ? Number.parseInt(v, 10) : Number(v ?? 0));
