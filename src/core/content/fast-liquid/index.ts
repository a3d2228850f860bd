import { Context, defaultOperators, type Liquid, type Template } from 'liquidjs';
import { Unsupported } from './expression.ts';
import { compileTemplates, runBlock, type CompileScope } from './nodes.ts';

/**
 * A compiled fast path for liquidjs templates.
 *
 * Why: `npm run bench:render` rendered ~2,200 full messages/s on one core against a target of
 * 10,000/s, and its CPU profile was dominated by liquidjs' generator machinery (`toValueSync`,
 * `isIterator`, generator resumption): even `renderSync` evaluates every output, filter and tag
 * through generators. Static HTML was cheap; outputs, filters, if/for and `render` partials
 * were the cost.
 *
 * What: `compileFast` walks liquidjs' *own* parsed AST (so parsing, whitespace control, filter
 * lookup at parse time and error positions are liquidjs') and turns a supported subset into
 * plain closures that reproduce its semantics: HTML, outputs with filters (handlers called with
 * the same `this` = { context, token, liquid }, the context being a real liquidjs `Context`
 * whose scopes the compiled code keeps exactly as liquidjs would), literals, property access,
 * ranges, all default operators, if/elsif/else, unless, for (limit/offset/reversed/else,
 * forloop, break/continue), assign, comment, raw and `render` of a static partial with hash
 * arguments. Anything else (case, capture, include, cycle, tablerow, increment, echo, the liquid
 * tag, custom tags, `render … with/for`, dynamic partial names, `empty`/`blank`, unregistered
 * filters, non-default engine options) makes it return null: the caller renders with liquidjs.
 *
 * Bounds: `renderLimit` is liquidjs' own Limiter on the Context, checked on render start and
 * sampled every 32 node renders (see runtime.ts `tick`); `memoryLimit` is charged by the same
 * filters and ranges; the loop bound of bounded-for.ts is checked where liquidjs's `for` checks it.
 *
 * src/core/content/fast-liquid/fast-liquid.test.ts checks it differentially against liquidjs.
 */
export interface FastTemplate {
  render(scope: Record<string, unknown>, globals: Record<string, unknown>, limits: { renderLimit: number }): string;
}

/** Engine options the compiled code assumes (liquidjs' defaults, or what liquid-env.ts sets). */
function supportedOptions(liquid: Liquid): boolean {
  const o = liquid.options as unknown as Record<string, unknown>;
  return o['operators'] === defaultOperators && !o['jsTruthy'] && !o['lenientIf'] && !o['strictVariables'] && !o['keepOutputType']
    && !o['catchAllErrors'] && !o['orderedFilterParameters'] && !o['groupedExpressions'];
}

export function compileFast(liquid: Liquid, templates: Template[]): FastTemplate | null {
  if (!supportedOptions(liquid)) return null;
  const cs: CompileScope = { liquid, partials: new Map() };
  let nodes;
  try {
    nodes = compileTemplates(templates, cs);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  return {
    render(scope, globals, limits) {
      // As `Liquid.renderSync` builds it.
      const ctx = new Context(scope, liquid.options, { globals, renderLimit: limits.renderLimit, sync: true }, { liquid });
      ctx.renderLimit.check(performance.now());
      return runBlock(nodes, ctx, { n: 0 });
    },
  };
}
