import { toValue } from 'liquidjs';
import { LiquidArgumentError } from './filter-arity.ts';
import { isHash, rubyToS } from './value-inspect.ts';

/**
 * `default` and the URL-safe Base64 pair as Liquid 5 (Ruby) has them: `default` gives its
 * argument for nil, false (unless `allow_false: true`, which may come before or after the
 * positional argument), and an empty string, list or hash; `base64_url_safe_encode` /
 * `_decode` are Ruby's `Base64.urlsafe_encode64` / `urlsafe_decode64` (padded; `-` and `_`
 * for `+` and `/`), which liquidjs lacks.
 */
interface FilterThis { token?: { args?: unknown[] } }

const toS = (v: unknown): string => rubyToS(toValue(v));

const BASE64URL = /^[A-Za-z0-9\-_]*={0,2}$/;

export const stringFilters: Record<string, (this: FilterThis, ...args: unknown[]) => unknown> = {
  default(v, ...argv) {
    const tokens = this.token?.args ?? [];
    let fallback: unknown = '';
    let allowFalse = false;
    let positional = 0;
    for (let i = 0; i < argv.length; i++) {
      if (Array.isArray(tokens[i])) {
        const [key, value] = argv[i] as [string, unknown];
        const flag = toValue(value);
        if (key === 'allow_false') allowFalse = flag !== false && flag !== null && flag !== undefined;
      } else if (positional++ === 0) fallback = argv[i];
    }
    const x = toValue(v);
    if (x === null || x === undefined || (x === false && !allowFalse)) return fallback;
    if (x === '' || (Array.isArray(x) && x.length === 0) || (isHash(x) && Object.keys(x).length === 0)) return fallback;
    return v;
  },
  base64_url_safe_encode(v) {
    return Buffer.from(toS(v), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  },
  base64_url_safe_decode(v) {
    const s = toS(v);
    if (!BASE64URL.test(s) || (s.includes('=') && s.length % 4 !== 0) || s.length % 4 === 1) throw new LiquidArgumentError('Liquid error: invalid base64');
    return Buffer.from(s, 'base64url').toString('utf8');
  },
};

/** Ruby Liquid's `Utils.to_integer`: an Integer, or a string that is exactly one; anything else is an error. */
export function toInteger(v: unknown): number {
  const x = toValue(v);
  if (typeof x === 'number' && Number.isInteger(x)) return x;
  const s = x === null || x === undefined ? '' : String(x).trim();
  if (!/^[-+]?\d+$/.test(s)) throw new LiquidArgumentError('Liquid error: invalid integer');
  return Number(s);
}

/** Ruby's `String#gsub` / `sub` with a plain string pattern (an empty one matches between every character). */
function replaceAll(s: string, pattern: string, replacement: string): string {
  if (pattern === '') return s === '' ? replacement : replacement + [...s].join(replacement) + replacement;
  return s.split(pattern).join(replacement);
}

/** Ruby's `String#split`: a single space splits on runs of whitespace and ignores leading whitespace; trailing empty strings are dropped. */
function rubySplit(s: string, pattern: string): string[] {
  let parts: string[];
  if (pattern === ' ') parts = s.trimStart().split(/\s+/);
  else if (pattern === '') parts = [...s];
  else parts = s.split(pattern);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const argc = (self: FilterThis): number => self.token?.args?.length ?? 0;

export const textFilters: Record<string, (this: FilterThis, ...args: unknown[]) => unknown> = {
  replace(v, pattern, replacement) { return replaceAll(toS(v), toS(pattern), toS(replacement)); },
  split(v, pattern) { return rubySplit(toS(v), toS(pattern)); },
  slice(v, offset, length) {
    const start = toInteger(offset);
    const len = argc(this) > 1 && toValue(length) !== null && toValue(length) !== undefined ? toInteger(length) : 1;
    const x = toValue(v);
    const seq: unknown[] | string[] = Array.isArray(x) ? x : [...toS(x)];
    const from = start < 0 ? seq.length + start : start;
    if (len < 0 || from < 0 || from > seq.length) return Array.isArray(x) ? [] : '';
    const part = seq.slice(from, from + len);
    return Array.isArray(x) ? part : part.join('');
  },
  truncate(v, length, ellipsis) {
    if (v === null || v === undefined) return undefined;
    const s = toS(v);
    const n = argc(this) > 0 ? toInteger(length) : 50;
    const tail = argc(this) > 1 ? toS(ellipsis) : '...';
    const chars = [...s];
    return chars.length > n ? chars.slice(0, Math.max(0, n - [...tail].length)).join('') + tail : s;
  },
  truncatewords(v, words, ellipsis) {
    if (v === null || v === undefined) return undefined;
    const s = toS(v);
    let n = argc(this) > 0 ? toInteger(words) : 15;
    if (n <= 0) n = 1;
    const list = s.trimStart().split(/\s+/).filter((w) => w !== '');
    if (list.length <= n) return s;
    return list.slice(0, n).join(' ') + (argc(this) > 1 ? toS(ellipsis) : '...');
  },
  url_encode(v) {
    if (v === null || v === undefined) return undefined;
    return encodeURIComponent(toS(v)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  },
};
