/**
 * Handlebars' runtime semantics as plain functions, so converted templates behave like the
 * original (handlebars 4.7, lib/handlebars/utils.js and helpers/*.js). Registered as Liquid
 * filters in compat-filters.ts.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/** `{{x}}`: Handlebars' escapeExpression, byte for byte (liquidjs' escape differs on ' ` =). */
export function hbEscape(value: unknown): string {
  return hbString(value).replace(/[&<>"'`=]/g, (c) => ESCAPES[c] ?? c);
}

/** `{{{x}}}`: Handlebars appends the value with `+`, so null/undefined vanish and the rest stringify as JS does. */
export function hbString(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'object' && typeof (value as { toHTML?: unknown }).toHTML === 'function') {
    return String((value as { toHTML: () => unknown }).toHTML());
  }
  return String(value);
}

/** Handlebars' isEmpty: falsy except 0, or an empty array. */
export function hbIsEmpty(value: unknown): boolean {
  return (!value && value !== 0) || (Array.isArray(value) && value.length === 0);
}

/** `{{#if}}`/`{{#unless}}`: false for false, undefined, null, "", 0, NaN and []; `includeZero=true` keeps 0. */
export function hbTruthy(value: unknown, includeZero = false): boolean {
  return !((!includeZero && !value) || hbIsEmpty(value));
}

/** `{{#with}}` renders its block with the value unless the value is empty (0 is not). */
export function hbWithList(value: unknown): unknown[] {
  return hbIsEmpty(value) ? [] : [value];
}

export interface HbEntry {
  value: unknown;
  key: string | number;
  index: number;
  first: boolean;
  last: boolean;
}

/**
 * `{{#each}}` over arrays (own indices, @key = index) and plain objects (Object.keys order,
 * @key = property name). Anything else iterates zero times, so `{{else}}` renders.
 */
export function hbEntries(value: unknown): HbEntry[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) {
    const out: HbEntry[] = [];
    for (let i = 0; i < value.length; i++) {
      if (i in value) out.push({ value: value[i], key: i, index: i, first: i === 0, last: i === value.length - 1 });
    }
    return out;
  }
  const keys = Object.keys(value);
  return keys.map((key, i) => ({ value: (value as Record<string, unknown>)[key], key, index: i, first: i === 0, last: i === keys.length - 1 }));
}

/** Handlebars 4.7 lookupProperty: own properties only (prototype access is denied by default). */
export function hbPath(value: unknown, ...parts: string[]): unknown {
  let cur = value;
  for (const part of parts) {
    if (cur == null) return cur;
    const next = (cur as Record<string, unknown>)[part];
    if (next == null) return next;
    cur = Object.prototype.hasOwnProperty.call(cur, part) ? next : undefined;
  }
  return cur;
}
