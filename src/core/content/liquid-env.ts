import { Liquid } from 'liquidjs';
import { MAX_LOOP_ITEMS, registerBoundedFor } from './bounded-for.ts';
import { registerFilters } from './filters.ts';
import { htmlOutputEscape, registerEscaping } from './html-escape.ts';
import { registerCompatFilters } from './importers/compat-filters.ts';
import { registerMustache } from './importers/mustache-liquid.ts';
import { registerShopifyFilters } from './liquid/shopify-filters.ts';
import { registerShopifyTags } from './liquid/shopify-tags.ts';
import { printValue } from './liquid/value-inspect.ts';

/**
 * The two Liquid environments every template is rendered with (liquidjs, Shopify-compatible):
 * `html` escapes every output by default, so a trait holding `<b>` or `<script>` prints as text
 * (`| raw` opts out), and exactly once: what `escape`, `escape_once` or `capture` made is not
 * escaped again (html-escape.ts); `text` (subject, preheader, plain-text part) does not, since
 * those are not HTML, and there the escape filters give plain text. Both have the same filters
 * and bounds.
 *
 * Bounds per render: `renderLimit` ms of render time and `memoryLimit` for allocation-heavy
 * filters and ranges (liquidjs' DoS options), at most MAX_LOOP_ITEMS items per `for` loop
 * (bounded-for.ts), and the output size, checked after the render (render.ts). Partials resolve
 * only from the in-memory map given per template version: no file system.
 */
export const RENDER_LIMITS = { renderLimit: 250, loopItems: MAX_LOOP_ITEMS, memoryLimit: 5e7, maxOutputBytes: 1_000_000 };

export function createLiquid(escape: boolean, partials: Record<string, string> = {}): Liquid {
  const liquid = new Liquid({
    templates: partials,
    relativeReference: false,
    dynamicPartials: true,
    outputEscape: escape ? htmlOutputEscape : printValue,
    ownPropertyOnly: true,
    strictFilters: true,
    cache: true,
    parseLimit: 5e6,
    renderLimit: RENDER_LIMITS.renderLimit,
    memoryLimit: RENDER_LIMITS.memoryLimit,
  });
  registerBoundedFor(liquid);
  registerShopifyTags(liquid);
  registerShopifyFilters(liquid);
  registerFilters(liquid);
  registerCompatFilters(liquid);
  registerMustache(liquid, partials);
  // Last: it replaces built-in filters (and hb_escape in plain text).
  registerEscaping(liquid, escape);
  return liquid;
}
