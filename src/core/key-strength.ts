/**
 * How strong an API key is, estimated conservatively from its length and the classes of characters
 * it uses: bits = length × log2(size of the alphabet those classes span). A key made only of hex
 * digits counts 4 bits a character, lower-case letters 4.7, base64url text 6. A key passes at 128
 * bits and 8 distinct characters (the second rule stops `aaaa…` and `abab…`, which a length-only
 * estimate would pass). So 22 characters of mixed base64url text pass, and 32 hex digits do, and
 * `password` or `wk_test_write_key` do not. Generated keys (`wk_` + 24 base64url characters) pass.
 *
 * A few lines of arithmetic, written here: password-strength libraries (zxcvbn and the like) judge
 * what people choose and ship word lists; an API key is machine-generated, and what matters is a
 * floor on its guessability that the README can state in one sentence.
 */

export const MIN_KEY_BITS = 128;
const MIN_DISTINCT = 8;

const CLASSES: [RegExp, number][] = [
  [/[a-z]/, 26],
  [/[A-Z]/, 26],
  [/[0-9]/, 10],
  [/[-_]/, 2],
  [/[^A-Za-z0-9_-]/, 33],
];

/** The estimated entropy of a key in bits (0 for an empty key). */
export function keyBits(key: string): number {
  if (!key) return 0;
  const chars = [...key];
  const hex = /^[0-9a-f]+$/.test(key) || /^[0-9A-F]+$/.test(key);
  const alphabet = hex ? 16 : CLASSES.reduce((n, [re, size]) => n + (re.test(key) ? size : 0), 0);
  return chars.length * Math.log2(alphabet);
}

/** Why a key is too weak to accept, or undefined when it is strong enough. */
export function keyWeakness(key: string): string | undefined {
  const bits = keyBits(key);
  if (bits < MIN_KEY_BITS || new Set(key).size < MIN_DISTINCT) {
    return `the key is too weak (about ${Math.floor(bits)} bits; ${MIN_KEY_BITS} are needed: use at least 22 random base64url characters or 32 random hex digits, e.g. \`openssl rand -base64 24\`)`;
  }
  return undefined;
}
