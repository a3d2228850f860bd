import { TailorError } from '../errors.ts';
import { isSafeText, repairText } from '../schemas/safe-text.ts';

/**
 * How deep a message's traits, properties, context and integrations may nest, counting the object
 * itself as level 1. Far inside what every reader of a stored document allows: SQLite's JSON
 * functions refuse a document nested over 1000 levels ("malformed JSON", which fails the whole
 * query that reads it), and JSON.stringify and any recursive walk overflow the stack a few
 * thousand levels down. Real client data nests a handful of levels.
 */
export const MAX_JSON_DEPTH = 32;

type Found = 'clean' | 'repair' | 'deep';

/**
 * The document as it is stored: refused (400 naming `field`) when it nests deeper than
 * MAX_JSON_DEPTH, and with NUL removed and unpaired surrogates replaced by U+FFFD in every string
 * and key (safe-text.ts: what PostgreSQL would otherwise do to it alone, or refuse). A clean
 * document, the usual case, is returned as it is, uncopied.
 */
export function cleanJson<T>(v: T, field: string): T {
  const found = scan(v, 1);
  if (found === 'deep') throw new TailorError('validation_failed', `${field} nests deeper than ${MAX_JSON_DEPTH} levels`, field);
  return found === 'repair' ? (repair(v) as T) : v;
}

/** Recursion is bounded: it stops at MAX_JSON_DEPTH + 1. */
function scan(v: unknown, depth: number): Found {
  if (typeof v === 'string') return isSafeText(v) ? 'clean' : 'repair';
  if (typeof v !== 'object' || v === null) return 'clean';
  if (depth > MAX_JSON_DEPTH) return 'deep';
  let out: Found = 'clean';
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = scan(x, depth + 1);
      if (f === 'deep') return f;
      if (f === 'repair') out = f;
    }
    return out;
  }
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (!isSafeText(k)) out = 'repair';
    const f = scan((v as Record<string, unknown>)[k], depth + 1);
    if (f === 'deep') return f;
    if (f === 'repair') out = f;
  }
  return out;
}

function repair(v: unknown): unknown {
  if (typeof v === 'string') return repairText(v);
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(repair);
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [repairText(k), repair(x)]));
}
