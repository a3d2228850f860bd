import type { Traits } from './normalize-traits.ts';

/**
 * How much one profile's traits may hold. Every write reads, rewrites and indexes the whole traits
 * document, so its size is the cost of each later message about that profile: 200,000 trait keys
 * made a write take 2.0 s instead of 117 ms and the server grow to 696 MB. Real profiles hold tens
 * of traits and a few KB.
 */
export const MAX_TRAIT_KEYS = 1000;
/** The traits document, serialised as JSON, in UTF-8 bytes. */
export const MAX_TRAITS_BYTES = 256 * 1024;

/** Quality reasons (the data-quality report groups by field and reason). */
export const TOO_MANY_KEYS = `the profile already holds ${MAX_TRAIT_KEYS} traits, the most it may`;
export const TOO_LARGE = `the profile's traits would exceed ${MAX_TRAITS_BYTES / 1024} KB`;

export interface TraitFit {
  /** The incoming traits that fit. */
  traits: Traits;
  /** Left out, by reason, in the order given. */
  tooMany: string[];
  tooLarge: string[];
}

/** UTF-8 length of a string (Node's own count; it allocates nothing). */
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Bytes an entry `"key":value,` takes in the serialised document. */
const entryBytes = (key: string, value: unknown): number => utf8Length(JSON.stringify(key)) + utf8Length(JSON.stringify(value)) + 2;

/** The serialised size of a traits document, in UTF-8 bytes. */
export const traitsBytes = (traits: Traits): number => utf8Length(JSON.stringify(traits));

/**
 * The part of `incoming` (normalised traits, `null` = unset) that `current` can take within the
 * limits, trait by trait in the order given: a new key beyond MAX_TRAIT_KEYS, or a value that would
 * take the document past MAX_TRAITS_BYTES, is left out. Unsets and values no larger than the one
 * they replace always fit. `bytes` is the current document's size; the result's `bytes` is the
 * size after applying what fits (an upper bound: the merge policy may still skip an older write).
 */
export function fitTraits(current: Traits, incoming: Traits, bytes: number): TraitFit & { bytes: number } {
  const out: [string, unknown][] = [];
  const tooMany: string[] = [];
  const tooLarge: string[] = [];
  let keys = Object.keys(current).length;
  let size = bytes;
  for (const [field, value] of Object.entries(incoming)) {
    const had = Object.hasOwn(current, field);
    if (value === null) {
      out.push([field, value]);
      continue;
    }
    if (!had && keys >= MAX_TRAIT_KEYS) {
      tooMany.push(field);
      continue;
    }
    const delta = entryBytes(field, value) - (had ? entryBytes(field, current[field]) : 0);
    if (delta > 0 && size + delta > MAX_TRAITS_BYTES) {
      tooLarge.push(field);
      continue;
    }
    out.push([field, value]);
    size += delta;
    if (!had) keys++;
  }
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return { traits: Object.fromEntries(out), tooMany, tooLarge, bytes: size };
}
