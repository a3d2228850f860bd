import { Drop, Liquid, LiquidError, RenderError, toValueSync, type Context, type Template } from 'liquidjs';

/**
 * Plain-function copies of the liquidjs 10.30 value semantics the compiled templates need
 * (util/underscore.ts, context/context.ts `readProperty`, render/operator.ts, render/boolean.ts).
 * Each mirrors the original line by line; where liquidjs `yield`s a value that may be a
 * generator (a property that is a generator function's result, a generator filter, a Comparable
 * drop's `equals`), `resolve` runs it to completion as `toValueSync` does.
 */

/** The per-render state the compiled closures share: the node counter for the time-limit sampling. */
export interface RenderState { n: number }
export type Eval = (ctx: Context) => unknown;

const objectToString = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;

export const isArray = (v: unknown): v is unknown[] => objectToString.call(v) === '[object Array]';

type Dropish = Drop & { valueOf: () => unknown; liquidMethodMissing(key: unknown, ctx: Context): unknown };

export function toValue(v: unknown): unknown {
  return v instanceof Drop && typeof (v as Dropish).valueOf === 'function' ? (v as Dropish).valueOf() : v;
}

/** `yield toValue(v)` in liquidjs: a drop's `valueOf` may itself return a generator. */
export function toValueY(v: unknown): unknown {
  return v instanceof Drop ? resolve(toValue(v)) : v;
}

/** liquidjs `isIterator` + `toValueSync`: what a `yield x` in its generators does to `x`. */
export function resolve(v: unknown): unknown {
  if (v && typeof (v as { next?: unknown }).next === 'function' && typeof (v as { throw?: unknown }).throw === 'function'
    && typeof (v as { return?: unknown }).return === 'function') return toValueSync(v);
  return v;
}

export function stringify(value: unknown): string {
  value = toValue(value);
  if (typeof value === 'string') return value;
  if (value == null) return '';
  if (isArray(value)) return value.map((x) => stringify(x)).join('');
  return String(value);
}

export function isFalsy(v: unknown): boolean {
  v = toValue(v);
  return v === false || v === undefined || v === null;
}

function toLiquid(v: unknown): unknown {
  if (v && typeof (v as { toLiquid?: unknown }).toLiquid === 'function') return toLiquid((v as { toLiquid(): unknown }).toLiquid());
  return v;
}

function readArrayElement(arr: unknown[], index: number, ownPropertyOnly: boolean): unknown {
  if (index < 0) index = arr.length + index;
  if (ownPropertyOnly && !hasOwn.call(arr, index)) return undefined;
  return arr[index];
}

function readJSProperty(obj: unknown, key: unknown, ownPropertyOnly: boolean): unknown {
  if (ownPropertyOnly && !hasOwn.call(obj, key as PropertyKey) && !(obj instanceof Drop)) return undefined;
  return (obj as Record<PropertyKey, unknown>)[key as PropertyKey];
}

function readSize(obj: unknown): unknown {
  const o = obj as Record<string, unknown>;
  if (hasOwn.call(o, 'size') || o['size'] !== undefined) return o['size'];
  if (isArray(obj) || typeof obj === 'string') return obj.length;
  if (typeof obj === 'object') return Object.keys(o).length;
  return undefined;
}

/** `Context.readProperty`, followed by the `yield` of `_getFromScope`. */
export function readProperty(ctx: Context, obj: unknown, key: unknown): unknown {
  const own = ctx.ownPropertyOnly;
  obj = toLiquid(obj);
  key = toValue(key);
  if (obj == null) return obj;
  if (isArray(obj) && typeof key === 'number') return resolve(readArrayElement(obj, key, own));
  const value = readJSProperty(obj, key, own);
  if (value === undefined && obj instanceof Drop) return resolve((obj as Dropish).liquidMethodMissing(key, ctx));
  if (typeof value === 'function') return resolve((value as () => unknown).call(obj));
  if (key === 'size') return resolve(readSize(obj));
  if (key === 'first') return resolve(isArray(obj) ? readArrayElement(obj, 0, own) : readJSProperty(obj, 'first', own));
  if (key === 'last') return resolve(isArray(obj) ? readArrayElement(obj, -1, own) : readJSProperty(obj, 'last', own));
  return resolve(value);
}

interface Comparable {
  equals(v: unknown): unknown; gt(v: unknown): unknown; geq(v: unknown): unknown; lt(v: unknown): unknown; leq(v: unknown): unknown;
}
export function isComparable(v: unknown): v is Comparable {
  const c = v as Partial<Record<keyof Comparable, unknown>> | null | undefined;
  return !!c && typeof c.equals === 'function' && typeof c.gt === 'function' && typeof c.geq === 'function'
    && typeof c.lt === 'function' && typeof c.leq === 'function';
}

export function equals(lhs: unknown, rhs: unknown): boolean {
  if (isComparable(lhs)) return resolve(lhs.equals(rhs)) as boolean;
  if (isComparable(rhs)) return resolve(rhs.equals(lhs)) as boolean;
  lhs = toValueY(lhs);
  rhs = toValueY(rhs);
  if (isArray(lhs)) {
    if (!isArray(rhs) || lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!equals(lhs[i], rhs[i])) return false;
    return true;
  }
  return lhs === rhs;
}

export function contains(l: unknown, r: unknown): boolean {
  l = toValueY(l);
  if (isArray(l)) {
    for (const v of l) if (equals(v, r)) return true;
    return false;
  }
  const indexOf = (l as { indexOf?: unknown } | null | undefined)?.indexOf;
  if (typeof indexOf === 'function') return (l as { indexOf(x: unknown): number }).indexOf(toValueY(r)) > -1;
  return false;
}

type Order = 'gt' | 'lt' | 'geq' | 'leq';
const MIRROR: Record<Order, Order> = { gt: 'lt', lt: 'gt', geq: 'leq', leq: 'geq' };
export function compare(op: Order, l: unknown, r: unknown): unknown {
  if (isComparable(l)) return resolve(l[op](r));
  if (isComparable(r)) return resolve(r[MIRROR[op]](l));
  const a = toValueY(l) as number;
  const b = toValueY(r) as number;
  switch (op) {
    case 'gt': return a > b;
    case 'lt': return a < b;
    case 'geq': return a >= b;
    case 'leq': return a <= b;
  }
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && Symbol.iterator in (v as object);
}

export function toEnumerable(val: unknown): unknown[] {
  val = toValue(val);
  if (isArray(val)) return val;
  if (typeof val === 'string' && val.length > 0) return [val];
  if (isIterable(val)) return Array.from(val);
  if (val !== null && (typeof val === 'object' || typeof val === 'function')) {
    const o = val as Record<string, unknown>;
    return Object.keys(o).map((key) => [key, o[key]]);
  }
  return [];
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
