import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

/**
 * URL attributes that a recipient's data could turn into script. A trait such as
 * `javascript:alert(1)` in `href="{{ profile.url }}"` is escaped as HTML (so it cannot leave the
 * attribute) but stays a script URL. So after Liquid has run, every URL attribute of the rendered
 * HTML is checked, and one whose scheme is not http, https, mailto or tel becomes `#`; relative
 * URLs pass. The `safe_url` filter applies the same rule to one value, and lint asks for it where
 * an attribute's scheme comes from a variable (lint.ts).
 *
 * The rule is the browser's, made stricter where that is cheap: HTML entities are decoded (and
 * decoded again, up to three times, because some mail clients and link proxies decode twice),
 * then every control and space character is dropped (browsers drop tabs and newlines anywhere
 * and C0 controls and spaces at the ends), and a colon before the first `/`, `?` or `#` makes
 * what precedes it the scheme. Anything that is not one of the four allowed schemes, including
 * strings a browser would not take for a scheme at all, counts as unsafe.
 *
 * Attributes are read by htmlparser2 (the tokenizer html-to-text and mjml use), including inside
 * Outlook's conditional comments. Parsing a whole message costs several times its render
 * (~250 µs against ~45 µs of CPU for the render benchmark's 19 KB message), so a scan for `=`
 * first looks at every place an attribute with a URL name could be (~10 µs), and only a value
 * that is not plainly safe (no entity before the scheme, an allowed scheme or none) sends the
 * message to the parser. (`ping` is left out: browsers only ever ping http(s) URLs.)
 */
export const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'background', 'poster', 'srcset', 'xlink:href', 'cite', 'longdesc', 'lowsrc', 'dynsrc', 'data', 'codebase', 'manifest', 'icon']);
const ALLOWED = new Set(['http', 'https', 'mailto', 'tel']);
const IGNORED = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g;

/** The scheme that makes a URL unsafe (as written, lower-cased), or null for a safe one. */
export function unsafeScheme(url: string): string | null {
  let s = url;
  for (let i = 0; i < 3 && s.includes('&'); i++) {
    const decoded = decodeHTML(s);
    if (decoded === s) break;
    s = decoded;
  }
  s = s.replace(IGNORED, '');
  const m = /[:/?#]/.exec(s);
  if (!m || m[0] !== ':') return null;
  const scheme = s.slice(0, m.index).toLowerCase();
  return ALLOWED.has(scheme) ? null : `${scheme}:`;
}

/** The `safe_url` filter: the value when it is a safe URL, else `#`. */
export function safeUrl(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return unsafeScheme(s) === null ? s : '#';
}

/** Safe without decoding anything: no entity before the decisive character, and an allowed scheme or none. */
function plainlySafe(raw: string): boolean {
  const m = /[:/?#&]/.exec(raw);
  if (!m || m[0] === '/' || m[0] === '?' || m[0] === '#') return true;
  if (m[0] === '&') return false;
  return ALLOWED.has(raw.slice(0, m.index).replace(IGNORED, '').toLowerCase());
}

/** srcset entries are URLs and descriptors between spaces (a URL's own commas stay with it). */
const srcsetTokens = (v: string): string[] => v.split(/[\t\n\f\r ]+/).map((t) => t.replace(/^,+/, '')).filter(Boolean);

/** The URLs an attribute value holds: srcset's entries (descriptors are harmless words), else the value. */
export const urlsIn = (attribute: string, value: string): string[] => (attribute === 'srcset' ? srcsetTokens(value) : [value]);

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
const isNameChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 58 || c === 95;
const BY_LENGTH = new Map<number, string[]>();
for (const n of URL_ATTRIBUTES) BY_LENGTH.set(n.length, [...(BY_LENGTH.get(n.length) ?? []), n]);
/**
 * The last two, then three letters of each URL attribute name (7-bit codes, lower case): they rule
 * out most `=` of a message (border, cellpadding, target, …) before the name is read.
 */
const code = (s: string, i: number): number => (s.charCodeAt(i) | 32) & 127;
const ENDINGS = new Uint8Array(1 << 14);
const ENDINGS3 = new Set<number>();
for (const n of URL_ATTRIBUTES) {
  ENDINGS[(code(n, n.length - 2) << 7) | code(n, n.length - 1)] = 1;
  ENDINGS3.add((code(n, n.length - 3) << 14) | (code(n, n.length - 2) << 7) | code(n, n.length - 1));
}

/** The URL attribute named by html[start, start + length), compared without allocating (this runs for every `=` of every message). */
function urlAttributeAt(html: string, start: number, length: number): string | undefined {
  const names = BY_LENGTH.get(length);
  if (!names) return undefined;
  next: for (const n of names) {
    // `| 32` lower-cases ASCII letters and leaves the other name characters (digits, - : _) as they are.
    for (let i = 0; i < length; i++) if ((html.charCodeAt(start + i) | 32) !== n.charCodeAt(i)) continue next;
    return n;
  }
  return undefined;
}

/**
 * Whether any attribute with a URL name might hold an unsafe value. Every attribute with a value
 * has a literal `=` after its name and optional spaces, so looking back from each `=` finds them
 * all (and some that are not attributes, such as `?src=` in a query: those only cost a parse).
 */
function mayHoldUnsafeUrl(html: string): boolean {
  for (let at = html.indexOf('='); at !== -1; at = html.indexOf('=', at + 1)) {
    let j = at - 1;
    while (j >= 0 && isSpace(html.charCodeAt(j))) j--;
    if (!ENDINGS[(code(html, j - 1) << 7) | code(html, j)] || !ENDINGS3.has((code(html, j - 2) << 14) | (code(html, j - 1) << 7) | code(html, j))) continue;
    const end = j + 1;
    while (j >= 0 && end - j <= 11 && isNameChar(html.charCodeAt(j))) j--;
    if (j >= 0 && isNameChar(html.charCodeAt(j))) continue; // longer than any URL attribute name
    const name = urlAttributeAt(html, j + 1, end - j - 1);
    if (!name) continue;
    let k = at + 1;
    while (k < html.length && isSpace(html.charCodeAt(k))) k++;
    const q = html[k];
    let value: string;
    if (q === '"' || q === "'") {
      const close = html.indexOf(q, k + 1);
      value = html.slice(k + 1, close === -1 ? html.length : close);
    } else {
      const m = /[\t\n\f\r >]/.exec(html.slice(k, k + 2048));
      value = html.slice(k, m ? k + m.index : k + 2048);
    }
    if (name === 'srcset' ? !srcsetTokens(value).every(plainlySafe) : !plainlySafe(value)) return true;
  }
  return false;
}

export interface ReplacedUrl { attribute: string; value: string }

const attributeText = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** The HTML with every unsafe URL attribute value replaced by `#`, and what was replaced. */
export function sanitizeUrlAttributes(html: string): { html: string; replaced: ReplacedUrl[] } {
  if (!mayHoldUnsafeUrl(html)) return { html, replaced: [] };
  const replaced: ReplacedUrl[] = [];
  return { html: rewrite(html, replaced, 0), replaced };
}

function rewrite(html: string, replaced: ReplacedUrl[], depth: number): string {
  const edits: { start: number; end: number; text: string }[] = [];
  const parser: Parser = new Parser({
    onattribute(name, value) {
      if (!URL_ATTRIBUTES.has(name) || value === '') return;
      let next: string | null = null;
      if (name === 'srcset') {
        const bad = srcsetTokens(value).filter((t) => unsafeScheme(t) !== null);
        if (bad.length) {
          next = value.split(/([\t\n\f\r ]+)/).map((t) => {
            const [, lead, url, trail] = /^(,*)(.*?)(,*)$/s.exec(t)!;
            return unsafeScheme(url!) === null ? t : `${lead}#${trail}`;
          }).join('');
        }
      } else if (unsafeScheme(value) !== null) {
        next = '#';
      }
      if (next === null) return;
      replaced.push({ attribute: name, value });
      // startIndex..endIndex spans the attribute (name, `=`, quotes and value), end exclusive.
      edits.push({ start: parser.startIndex, end: parser.endIndex, text: `${name}="${attributeText(next)}"` });
    },
    oncomment(data) {
      // Outlook reads the HTML inside `<!--[if mso]>…<![endif]-->`.
      if (depth > 2 || !/^\[if\b/i.test(data)) return;
      const inner = rewrite(data, replaced, depth + 1);
      if (inner !== data) edits.push({ start: parser.startIndex + 4, end: parser.startIndex + 4 + data.length, text: inner });
    },
  }, { decodeEntities: true });
  parser.end(html);
  let out = html;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
