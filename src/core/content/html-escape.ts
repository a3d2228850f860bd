import { CaptureTag, filters as builtin, type Context, type Liquid } from 'liquidjs';
import { stringify } from './fast-liquid/runtime.ts';
import { hbString } from './importers/handlebars-runtime.ts';

/**
 * Escaping exactly once. The HTML engine escapes every output (liquid-env.ts), but liquidjs'
 * `outputEscape` only skips an output whose *last* filter is `raw`: `{{ name | escape }}`,
 * `{{ name | escape_once }}` and `{{ captured }}` came out escaped twice (`A&amp;amp;B`), which a
 * recipient reads as literal entities. liquidjs keeps no "already HTML" mark on a value, and its
 * values must stay plain strings (filters, comparisons, `size` and loops all treat them as such),
 * so the mark is kept beside the render instead: the strings that `escape`, `escape_once` and
 * `capture` produced in this render are remembered, and the output escape passes exactly those
 * through. This is the rule of autoescaping engines such as Jinja2 (`|e` and a block `{% set %}`
 * give Markup, which is not escaped again), applied to liquidjs' filters.
 *
 * What may be remembered is HTML by construction (escape output has no markup characters; a
 * capture is the template's own HTML with its outputs escaped), so a plain value that happens to
 * equal one prints as that same HTML: never markup from data. Another filter after `escape`
 * makes a new, unmarked string (`{{ x | escape | upcase }}` is escaped again).
 *
 * The set lives as long as the render: it is keyed by the render's memory Limiter, which one
 * top-level render and every partial it spawns share (liquidjs' `Context.spawn`), and nothing else.
 *
 * The text engine (subject, preheader, plain-text part) is not HTML: there `escape`,
 * `xml_escape`, `escape_once` and the Handlebars importer's `hb_escape` give the text a recipient
 * should read, so an entity never shows in plain text.
 */
type FilterThis = { context: Context };
const safeByRender = new WeakMap<object, Set<string>>();

function markSafe(ctx: Context, s: string): string {
  let set = safeByRender.get(ctx.memoryLimit);
  if (!set) safeByRender.set(ctx.memoryLimit, (set = new Set()));
  set.add(s);
  return s;
}

const escapeHtml = builtin['escape'] as (this: FilterThis, v: unknown) => string;
const escapeOnce = builtin['escape_once'] as (this: FilterThis, v: unknown) => string;
const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'" };
/** liquidjs' own inverse of `escape` (private to it): what `escape_once` leaves alone. */
function unescapeHtml(this: FilterThis, s: string): string {
  this.context.memoryLimit.use(s.length);
  return s.replace(/&(amp|lt|gt|#34|#39);/g, (m) => UNESCAPES[m]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;

/**
 * The HTML engine's output escape: liquidjs' `escape` (the same stringify, memory charge and
 * replacements, inlined: it runs for every output of every message), except for strings this
 * render marked as HTML.
 */
export function escapeOutput(ctx: Context, v: unknown): string {
  if (typeof v === 'string' && safeByRender.get(ctx.memoryLimit)?.has(v)) return v;
  const s = stringify(v);
  ctx.memoryLimit.use(s.length);
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>"']/g, (m) => ESCAPES[m]!) : s;
}

/** As liquidjs calls an `outputEscape` function (`this` is { context, token, liquid }). */
export function htmlOutputEscape(this: FilterThis, v: unknown): string {
  return escapeOutput(this.context, v);
}

/** `capture` whose text is remembered as HTML (it was rendered, escapes included, by the HTML engine). */
class HtmlCaptureTag extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    yield* super.render(ctx);
    const captured = ctx.bottom()[this.variable];
    if (typeof captured === 'string') markSafe(ctx, captured);
  }
}

export function registerEscaping(liquid: Liquid, html: boolean): void {
  if (html) {
    const escape = function (this: FilterThis, v: unknown) { return markSafe(this.context, escapeHtml.call(this, v)); };
    liquid.registerFilter('escape', escape);
    liquid.registerFilter('xml_escape', escape);
    liquid.registerFilter('escape_once', function (this: FilterThis, v: unknown) { return markSafe(this.context, escapeOnce.call(this, v)); });
    liquid.registerTag('capture', HtmlCaptureTag);
  } else {
    // The text a browser would show for the HTML these filters make: the value itself, and the value with its entities read.
    const asText = function (this: FilterThis, v: unknown) { return unescapeHtml.call(this, escapeHtml.call(this, v)); };
    liquid.registerFilter('escape', asText);
    liquid.registerFilter('xml_escape', asText);
    liquid.registerFilter('escape_once', function (this: FilterThis, v: unknown) { return unescapeHtml.call(this, asText.call(this, v)); });
    liquid.registerFilter('hb_escape', hbString);
  }
}
