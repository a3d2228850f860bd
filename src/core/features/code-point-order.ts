/**
 * Compares strings by Unicode code point, which is the byte order of their UTF-8 and so the order
 * SQLite's BINARY and PostgreSQL's "C" collations use. JavaScript's `<` compares UTF-16 code units,
 * which disagrees for characters above U+FFFF against those in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  return j < b.length ? -1 : 0;
}
