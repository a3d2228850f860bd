/**
 * Whether `Buffer.byteLength(JSON.stringify(v))` is certainly at most `limit`, found by a walk that
 * bounds the size from above without serialising: a string of n UTF-16 units takes at most 6n + 2
 * bytes (`\uXXXX` escapes), a number at most 25. Ingest checks every batch item against the 32 KB
 * message limit; typical items are far below it, so the walk settles them and only those near the
 * limit (or not plain JSON data) are serialised to be measured exactly.
 */
export function jsonFitsWithin(v: unknown, limit: number): boolean {
  return bound(v, limit, 0) <= limit;
}

const MAX_DEPTH = 32;
const OVER = Number.POSITIVE_INFINITY;

function bound(v: unknown, budget: number, depth: number): number {
  switch (typeof v) {
    case 'string':
      return 6 * v.length + 2;
    case 'number':
      return 25;
    case 'boolean':
      return 5;
    case 'undefined':
      return 4;
    case 'object': {
      if (v === null) return 4;
      if (depth >= MAX_DEPTH) return OVER;
      const proto = Object.getPrototypeOf(v);
      let n = 2;
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) return OVER;
        for (let i = 0; i < v.length && n <= budget; i++) n += bound(v[i], budget - n, depth + 1) + 1;
        return n;
      }
      // Anything but a plain object may serialise through toJSON or differently: measure it exactly.
      if (proto !== Object.prototype && proto !== null) return OVER;
      const o = v as Record<string, unknown>;
      // for…in also visits inherited enumerable keys, which JSON.stringify skips: still an upper bound.
      for (const k in o) {
        n += 6 * k.length + 4 + bound(o[k], budget - n, depth + 1);
        if (n > budget) return n;
      }
      return n;
    }
    default:
      // function, symbol, bigint: not JSON data.
      return OVER;
  }
}
