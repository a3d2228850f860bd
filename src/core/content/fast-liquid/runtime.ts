import { Drop, isFalsy as liquidIsFalsy, Liquid, LiquidError, RenderError, toValue, toValueSync, type Context, type Template } from 'liquidjs';
import { inspectHash, isHash } from '../liquid/value-inspect.ts';

/**
 * The value rules the compiled templates need. Wherever liquidjs exports the rule it is called
 * (property reads through the render's own `Context.readProperty`, `toValue`, truthiness,
 * operators in expression.ts); the few it keeps private (how a value prints, what a `for`
 * iterates over) are restated here from their documented behaviour and held to liquidjs by the
 * differential test. A `yield` in liquidjs runs a generator result to completion; `resolve` does
 * the same for values that may be one (a property whose getter returns a generator, a generator
 * filter).
 */

/** The per-render state the compiled closures share: the node counter for the time-limit sampling. */
export interface RenderState { n: number }
export type Eval = (ctx: Context) => unknown;

const isGenerator = (v: unknown): v is Generator =>
  !!v && typeof (v as Generator).next === 'function' && typeof (v as Generator).throw === 'function' && typeof (v as Generator).return === 'function';

export function resolve(v: unknown): unknown {
  return isGenerator(v) ? toValueSync(v) : v;
}

/** `yield toValue(v)`: a drop's `valueOf` may itself return a generator. */
export function toValueY(v: unknown): unknown {
  return v instanceof Drop ? resolve(toValue(v)) : v;
}

/**
 * How Liquid prints a value: text as is, nil as nothing, a list as its items printed one after
 * another, a hash as Ruby inspects it (liquid/value-inspect.ts), a float such as 5.0 as `5.0`
 * (liquid/value-number.ts, by its toString).
 */
export function stringify(value: unknown): string {
  const v = toValue(value);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) {
    let out = '';
    for (const item of v) out += stringify(item);
    return out;
  }
  if (typeof v === 'object' && isHash(v)) return inspectHash(v);
  return String(v);
}

export const isFalsy = (v: unknown, ctx: Context): boolean => liquidIsFalsy(v, ctx);

/** One step of a property path, as `Context._getFromScope` takes it. */
export function readProperty(ctx: Context, obj: unknown, key: unknown): unknown {
  return resolve(ctx.readProperty(obj as Parameters<Context['readProperty']>[0], key as string));
}

/**
 * What `for` iterates over: a list as itself, a non-empty string as one item, any other iterable
 * as its items, an object as its [key, value] pairs; anything else as nothing.
 */
export function toEnumerable(value: unknown): unknown[] {
  const v = toValue(value);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (v === null || v === undefined || (typeof v !== 'object' && typeof v !== 'function')) return [];
  if (Symbol.iterator in (v as object)) return [...(v as Iterable<unknown>)];
  return Object.entries(v as Record<string, unknown>);
}

export function range(start: number, stop: number): number[] {
  const arr: number[] = [];
  for (let i = start; i < stop; i++) arr.push(i);
  return arr;
}

export function createScope(from?: Record<string, unknown>): Record<string, unknown> {
  const scope = Object.create(null) as Record<string, unknown>;
  if (from) Object.assign(scope, from);
  return scope;
}

/** What liquidjs' `renderTemplates` does with an error escaping one template. */
export function wrapError(e: unknown, tpl: Template): unknown {
  return LiquidError.is(e) ? e : new RenderError(e as Error, tpl);
}

/**
 * liquidjs checks `renderLimit` (`ctx.renderLimit.check(performance.now())`) on entering every
 * `renderTemplates` and before every template in it. `performance.now()` costs ~100 ns, as much
 * as rendering a node, so the compiled path samples it: every 32nd node (or block entry), plus
 * once when a render starts. The error is liquidjs' own (an AssertionError "template render limit
 * exceeded", thrown from the same place in the tree, so it is wrapped the same way); only the
 * moment it is noticed can be up to 31 node renders later.
 */
export function tick(ctx: Context, st: RenderState): void {
  if ((++st.n & 31) === 0) ctx.renderLimit.check(performance.now());
}

export interface ForloopDropCtor { new (length: number, collection: string, variable: string): Drop & { next(): void } }
let forloopDrop: ForloopDropCtor | undefined;
/** liquidjs does not export ForloopDrop; take the class from a forloop it creates. */
export function forloopDropClass(): ForloopDropCtor {
  if (!forloopDrop) {
    const probe = new Liquid();
    let found: unknown;
    probe.registerFilter('__probe', (v: unknown) => { found = v; return ''; });
    probe.parseAndRenderSync('{% for x in (1..1) %}{{ forloop | __probe }}{% endfor %}');
    if (!(found instanceof Drop)) throw new Error('liquidjs ForloopDrop not found');
    forloopDrop = found.constructor as ForloopDropCtor;
  }
  return forloopDrop;
}

let htmlClass: unknown;
/** liquidjs does not export its HTML template class either. */
export function htmlTemplateClass(): unknown {
  htmlClass ??= (new Liquid().parse('x')[0] as object).constructor;
  return htmlClass;
}
