import { compareCodePoints } from '../features/code-point-order.ts';
import type { Op } from '../schemas/segment-rule.ts';

/** The value at a dot path through objects (never into arrays); undefined when absent. */
export function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const missing = (x: unknown): boolean => x === undefined || x === null;

/** Same JSON type and equal. */
export function sameValue(x: unknown, v: unknown): boolean {
  if (typeof x !== typeof v) return false;
  return typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean' ? x === v : false;
}

/** -1/0/1 when x and v are both numbers or both strings; undefined otherwise. */
function order(x: unknown, v: unknown): number | undefined {
  if (typeof x === 'number' && typeof v === 'number') return x < v ? -1 : x > v ? 1 : 0;
  if (typeof x === 'string' && typeof v === 'string') return compareCodePoints(x, v);
  return undefined;
}

/** One comparison, as SEMANTICS.md defines it. */
export function compareValue(x: unknown, op: Op, v: unknown): boolean {
  switch (op) {
    case 'exists': return !missing(x);
    case 'notExists': return missing(x);
    case 'eq': return sameValue(x, v);
    case 'neq': return !sameValue(x, v);
    case 'in': return (v as unknown[]).some((e) => sameValue(x, e));
    case 'nin': return !(v as unknown[]).some((e) => sameValue(x, e));
    case 'gt': { const c = order(x, v); return c !== undefined && c > 0; }
    case 'gte': { const c = order(x, v); return c !== undefined && c >= 0; }
    case 'lt': { const c = order(x, v); return c !== undefined && c < 0; }
    case 'lte': { const c = order(x, v); return c !== undefined && c <= 0; }
    case 'between': {
      const [lo, hi] = v as [unknown, unknown];
      const a = order(x, lo);
      const b = order(x, hi);
      return a !== undefined && b !== undefined && a >= 0 && b <= 0;
    }
    case 'contains':
      if (typeof x === 'string') return typeof v === 'string' && x.includes(v);
      return Array.isArray(x) && x.some((e) => sameValue(e, v));
    case 'startsWith': return typeof x === 'string' && typeof v === 'string' && x.startsWith(v);
  }
}
