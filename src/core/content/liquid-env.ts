import { Liquid } from 'liquidjs';
import { MAX_LOOP_ITEMS, registerBoundedFor } from './bounded-for.ts';
import { registerFilters } from './filters.ts';
import { registerCompatFilters } from './importers/compat-filters.ts';

/**
 * The two Liquid environments every template is rendered with (liquidjs, Shopify-compatible):
 * `html` escapes every output by default, so a trait holding `<b>` or `<script>` prints as text
 * (`| raw` opts out); `text` (subject, preheader, plain-text part) does not, since those are not
 * HTML. Both have the same filters and bounds.
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
    ...(escape ? { outputEscape: 'escape' as const } : {}),
    ownPropertyOnly: true,
    strictFilters: true,
    cache: true,
    parseLimit: 5e6,
    renderLimit: RENDER_LIMITS.renderLimit,
    memoryLimit: RENDER_LIMITS.memoryLimit,
  });
  registerBoundedFor(liquid);
  registerFilters(liquid);
  registerCompatFilters(liquid);
  return liquid;
}
