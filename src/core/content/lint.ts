import { FEATURES } from '../features/catalog.ts';
import type { CompiledTemplate } from './compile.ts';
import { strictCheckFields } from './liquid/strict-check.ts';
import { URL_ATTRIBUTES, unsafeScheme, urlsIn } from './safe-urls.ts';

/**
 * Checks a compiled template version before anyone receives it:
 * - `unknown-variable`: a `profile.<trait>` that no profile has;
 * - `missing-fallback`: an output of a trait that a tenth or more of profiles lack, with no
 *   `default` filter (they would get an empty greeting);
 * - `bad-link`: an href that does not parse as an http(s), mailto or tel URL once its Liquid parts
 *   are filled in, or any URL attribute (src, action, srcset, …) written with another scheme
 *   (`javascript:`, `data:`, …);
 * - `unsafe-url`: a URL attribute whose scheme comes from a variable that does not pass through
 *   `safe_url` (`href="{{ profile.website }}"`). Rendering turns unsafe ones into `#` anyway
 *   (safe-urls.ts), so it is a warning; the recipient links Tailor signs need no filter;
 * - `image-alt`: an image without alt text (screen readers, and clients that block images);
 * - `gmail-clipping`: HTML over 102 KB, which Gmail cuts off behind "[Message clipped]";
 * - `no-unsubscribe`: a marketing template without `unsubscribe_url`;
 * - `mjml`: MJML's own validation messages;
 * - `liquid`: what the strict template check (liquid/strict-check.ts) finds in the fields as the
 *   author wrote them, when they are given: each problem would fail or misrender at send time.
 */
export interface LintIssue { rule: string; severity: 'error' | 'warning'; message: string }

const GMAIL_CLIP_BYTES = 102 * 1024;
const OFTEN_MISSING = 0.9;
/** Context keys under `profile` that are not traits. */
const NOT_TRAITS = new Set(['id', 'traits', 'features', 'segments', 'rfm', 'cluster', 'scores', ...Object.keys(FEATURES)]);

const OUTPUT = /\{\{-?\s*profile\.(?:traits\.)?([A-Za-z0-9_]+)((?:(?!\}\})[\s\S])*)\}\}/g;
const REFERENCE = /\bprofile\.(?:traits\.)?([A-Za-z_][A-Za-z0-9_]*)/g;

export function traitReferences(c: CompiledTemplate): string[] {
  const keys = new Set<string>();
  for (const s of sources(c)) for (const m of s.matchAll(REFERENCE)) if (!NOT_TRAITS.has(m[1]!)) keys.add(m[1]!);
  return [...keys].sort();
}

/** A version's fields as written (subject, preheader, body) and the blocks available to it as partials. */
export interface LiquidSources { fields: Readonly<Record<string, string>>; partials: Readonly<Record<string, string>> }

export function lintTemplate(kind: 'marketing' | 'transactional', c: CompiledTemplate, coverage: ReadonlyMap<string, number>, liquid?: LiquidSources): LintIssue[] {
  const issues: LintIssue[] = c.warnings.map((w) => ({ rule: 'mjml', severity: 'warning' as const, message: w }));
  if (liquid) {
    for (const { field, problem } of strictCheckFields(liquid.fields, liquid.partials)) issues.push({ rule: 'liquid', severity: 'error', message: `${field}: ${problem.message}` });
  }
  const all = sources(c);
  for (const key of traitReferences(c)) {
    const share = coverage.get(key) ?? 0;
    if (share === 0) issues.push({ rule: 'unknown-variable', severity: 'warning', message: `no profile has the trait '${key}' (profile.${key})` });
  }
  const warned = new Set<string>();
  for (const s of all) {
    for (const m of s.matchAll(OUTPUT)) {
      const key = m[1]!;
      const share = coverage.get(key) ?? 0;
      if (NOT_TRAITS.has(key) || share === 0 || share >= OFTEN_MISSING || /\|\s*default\b/.test(m[2]!) || warned.has(key)) continue;
      warned.add(key);
      issues.push({ rule: 'missing-fallback', severity: 'warning', message: `${Math.round((1 - share) * 100)}% of profiles have no '${key}': give {{ profile.${key} }} a fallback, e.g. | default: "…"` });
    }
  }
  const html = [c.html, ...Object.values(c.htmlPartials)].join('\n');
  for (const a of urlAttributes(html)) {
    const problem = a.name === 'href' ? badLink(a.value) : badScheme(a.name, a.value);
    if (problem) issues.push({ rule: 'bad-link', severity: 'error', message: `${a.name === 'href' ? 'link' : a.name} "${a.value}": ${problem}` });
    for (const output of schemeFromData(a.value)) {
      issues.push({ rule: 'unsafe-url', severity: 'warning', message: `${a.name}="${a.value}" takes its scheme from ${output}: write it as {{ … | safe_url }} (a javascript: or data: URL renders as "#")` });
    }
  }
  for (const m of html.matchAll(/<img\b[^>]*>/g)) {
    const alt = /\salt\s*=\s*"([^"]*)"/.exec(m[0]);
    if (!alt || !alt[1]!.trim()) issues.push({ rule: 'image-alt', severity: 'warning', message: `image ${/\ssrc\s*=\s*"([^"]*)"/.exec(m[0])?.[1] ?? ''} has no alt text` });
  }
  const bytes = Buffer.byteLength(html, 'utf8');
  if (bytes > GMAIL_CLIP_BYTES) issues.push({ rule: 'gmail-clipping', severity: 'warning', message: `the HTML is ${Math.round(bytes / 1024)} KB; Gmail clips messages over 102 KB` });
  if (kind === 'marketing' && !all.some((s) => s.includes('unsubscribe_url'))) {
    issues.push({ rule: 'no-unsubscribe', severity: 'error', message: 'a marketing template needs an unsubscribe link: {{ unsubscribe_url }}' });
  }
  return issues;
}

function sources(c: CompiledTemplate): string[] {
  return [c.subject, c.preheader, c.html, c.text, ...Object.values(c.htmlPartials)];
}

/**
 * The URL attributes of Liquid HTML, values as written. An HTML parser would end a value at a
 * quote inside Liquid (`href="{{ u | default: "x" }}"`), so Liquid counts as opaque here.
 */
const LIQUID_OR = (quote: string) => `(?:\\{\\{[\\s\\S]*?\\}\\}|\\{%[\\s\\S]*?%\\}|[^${quote}])*`;
const URL_ATTRIBUTE = new RegExp(`(?<=[\\s"'/])(${[...URL_ATTRIBUTES].join('|')})\\s*=\\s*(?:"(${LIQUID_OR('"')})"|'(${LIQUID_OR("'")})')`, 'gi');

function urlAttributes(html: string): { name: string; value: string }[] {
  return [...html.matchAll(URL_ATTRIBUTE)].map((m) => ({ name: m[1]!.toLowerCase(), value: (m[2] ?? m[3]!).replace(/&amp;/g, '&') }));
}

/** Outputs that can set a URL's scheme (nothing literal with `:`, `/`, `?` or `#` before them) and do not pass through safe_url. */
const SIGNED_LINKS = /^\{\{-?\s*(unsubscribe_url|preferences_url|view_in_browser_url)\s*-?\}\}$/;
function schemeFromData(value: string): string[] {
  const out: string[] = [];
  let literal = '';
  for (const m of value.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|[^{]+|\{/g)) {
    const part = m[0];
    if (part.startsWith('{%')) continue;
    if (!part.startsWith('{{')) {
      literal += part;
      continue;
    }
    if (/[:/?#]/.test(literal)) break;
    if (!/\|\s*safe_url\b/.test(part) && !SIGNED_LINKS.test(part)) out.push(part);
  }
  return out;
}

/** A written scheme that is not allowed, for the URL attributes other than href (Liquid parts count as a plain word). */
function badScheme(name: string, raw: string): string | null {
  for (const url of urlsIn(name, raw.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, 'x'))) {
    const scheme = unsafeScheme(url);
    if (scheme) return `the scheme ${scheme} is not allowed`;
  }
  return null;
}

/** Why an href is broken, or null. Liquid parts count as filled in with a plain word. */
function badLink(raw: string): string | null {
  const href = raw.replace(/&amp;/g, '&').trim();
  if (href === '' || href === '#') return 'empty';
  if (href.startsWith('{{')) return null; // the URL's base comes from data (unsubscribe_url, p.url): checked when rendered, not here
  const filled = href.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, 'x');
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    return 'not a valid absolute URL';
  }
  if (!['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol)) return `the scheme ${url.protocol} is not allowed`;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname.includes('.') && url.hostname !== 'localhost') return 'the host has no domain';
  return null;
}
