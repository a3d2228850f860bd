import { Drop, toValue } from 'liquidjs';
import { LiquidArgumentError } from './filter-arity.ts';
import { isHash, rubyToS } from './value-inspect.ts';
import { arithmetic, LiquidFloat } from './value-number.ts';

/**
 * The array filters as Liquid 5 (Ruby) defines them where liquidjs differs: the input is read as
 * Ruby's `InputIterator` does (a nested array flattened, a hash as a one-item list, nil as no
 * items, anything else as a one-item list), and an item's property as Ruby's `item[property]`
 * (a hash's value, a string's substring when it contains it, an error on a number, nothing
 * on nil or a boolean). `where`, `reject`, `has`, `find` and `find_index` share Liquid 5's
 * `filter_array`: without a target value an item matches when its property is truthy, with one
 * when it equals it; an item without `[]` (nil, true, false) makes the whole result nil.
 */
export function inputItems(input: unknown): unknown[] {
  const v = toValue(input);
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flat(Infinity);
  if (typeof v === 'object' && !(v instanceof Drop) && !(v instanceof LiquidFloat) && !isHash(v) && Symbol.iterator in v) return [...(v as Iterable<unknown>)].flat(Infinity);
  return [v];
}

const NO_INDEX = Symbol('no []');

/** Ruby's `item[property]`; NO_INDEX for an item that has no `[]` (nil, booleans). */
function indexItem(item: unknown, property: unknown): unknown {
  const v = toValue(item);
  const p = toValue(property);
  if (v === null || v === undefined || typeof v === 'boolean') return NO_INDEX;
  if (typeof v === 'string') {
    if (typeof p === 'string') return v.includes(p) ? p : undefined;
    if (typeof p === 'number' && Number.isInteger(p)) return v.at(p);
    if (p === null || p === undefined) return NO_INDEX;
    throw new LiquidArgumentError(`Liquid error: cannot select the property '${String(p)}'`);
  }
  if (typeof v === 'number' || v instanceof LiquidFloat) throw new LiquidArgumentError(`Liquid error: cannot select the property '${String(p)}'`);
  if (Array.isArray(v)) return typeof p === 'number' && Number.isInteger(p) ? v.at(p) : undefined;
  if (typeof p !== 'string' && typeof p !== 'number') return undefined;
  const key = String(p);
  if (v instanceof Drop) return (v as unknown as Record<string, unknown>)[key];
  return Object.hasOwn(v as object, key) ? (v as Record<string, unknown>)[key] : undefined;
}

const truthy = (v: unknown): boolean => { const x = toValue(v); return x !== false && x !== null && x !== undefined; };

/** Ruby's `==` for values a template holds: numbers by value (1 == 1.0), lists and hashes by their items. */
export function rubyEquals(a: unknown, b: unknown): boolean {
  const x = toValue(a instanceof LiquidFloat ? a.value : a);
  const y = toValue(b instanceof LiquidFloat ? b.value : b);
  if (x === y) return true;
  if ((x === null || x === undefined) && (y === null || y === undefined)) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => rubyEquals(e, y[i]));
  if (isHash(x) && isHash(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && rubyEquals(x[k], y[k]));
  }
  return false;
}

type Pick = 'select' | 'reject' | 'any' | 'find' | 'find_index';
const EMPTY: Record<Pick, unknown> = { select: [], reject: [], any: false, find: undefined, find_index: undefined };

function filterArray(pick: Pick, input: unknown, property: unknown, target: unknown, hasTarget: boolean): unknown {
  const items = inputItems(input);
  if (items.length === 0) return EMPTY[pick];
  const t = toValue(target);
  const byTarget = hasTarget && t !== null && t !== undefined;
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const got = indexItem(item, property);
    if (got === NO_INDEX) return undefined;
    const match = byTarget ? rubyEquals(got, t) : truthy(got);
    if (pick === 'any' && match) return true;
    if (pick === 'find' && match) return item;
    if (pick === 'find_index' && match) return i;
    if ((pick === 'select' && match) || (pick === 'reject' && !match)) out.push(item);
  }
  return pick === 'any' ? false : pick === 'select' || pick === 'reject' ? out : undefined;
}

interface FilterThis { token?: { args?: unknown[] } }
const argCount = (self: FilterThis): number => self.token?.args?.length ?? 0;

export const arrayFilters: Record<string, (this: FilterThis, ...args: unknown[]) => unknown> = {
  where(v, p, t) { return filterArray('select', v, p, t, argCount(this) > 1); },
  reject(v, p, t) { return filterArray('reject', v, p, t, argCount(this) > 1); },
  has(v, p, t) { return filterArray('any', v, p, t, argCount(this) > 1); },
  find(v, p, t) { return filterArray('find', v, p, t, argCount(this) > 1); },
  find_index(v, p, t) { return filterArray('find_index', v, p, t, argCount(this) > 1); },
  first(v) {
    const x = toValue(v);
    if (Array.isArray(x)) return x[0];
    if (isHash(x)) { const k = Object.keys(x)[0]; return k === undefined ? undefined : [k, x[k]]; }
    return undefined;
  },
  last(v) {
    const x = toValue(v);
    if (Array.isArray(x)) return x[x.length - 1];
    if (typeof x === 'string') return x.length > 0 ? x[x.length - 1] : undefined;
    return undefined;
  },
  size(v) {
    const x = toValue(v);
    if (typeof x === 'string' || Array.isArray(x)) return x.length;
    if (isHash(x)) return Object.keys(x).length;
    return 0;
  },
  concat(v, other) {
    const o = toValue(other);
    if (!Array.isArray(o)) throw new LiquidArgumentError('Liquid error: concat filter requires an array argument');
    return [...inputItems(v), ...o];
  },
  map(v, p) {
    return inputItems(v).map((item) => {
      const got = indexItem(item, p);
      return got === NO_INDEX ? undefined : got;
    });
  },
  compact(v, p) {
    const items = inputItems(v);
    if (argCount(this) === 0) return items.filter((x) => x !== null && x !== undefined);
    return items.filter((item) => { const got = indexItem(item, p); return got !== NO_INDEX && got !== null && got !== undefined; });
  },
  join(v, glue) {
    const sep = argCount(this) === 0 ? ' ' : glue === null || glue === undefined ? '' : String(toValue(glue));
    return inputItems(v).map(rubyToS).join(sep);
  },
  uniq(v, p) {
    const items = inputItems(v);
    const byProperty = argCount(this) > 0 && toValue(p) !== null && toValue(p) !== undefined;
    const keys: unknown[] = [];
    const out: unknown[] = [];
    for (const item of items) {
      const key = byProperty ? indexItem(item, p) : item;
      const k = key === NO_INDEX ? undefined : key;
      if (keys.some((seen) => rubyEquals(seen, k))) continue;
      keys.push(k);
      out.push(item);
    }
    return out;
  },
  sum(v, p) {
    const byProperty = argCount(this) > 0 && toValue(p) !== null && toValue(p) !== undefined;
    let total: unknown = 0;
    for (const item of inputItems(v)) {
      const x = byProperty ? indexItem(item, p) : item;
      for (const n of inputItems(x === NO_INDEX ? 0 : x)) total = arithmetic(total, n, '+');
    }
    return total;
  },
  sort(v, p) {
    const byProperty = argCount(this) > 0 && toValue(p) !== null && toValue(p) !== undefined;
    const key = (item: unknown): unknown => { const x = byProperty ? indexItem(item, p) : item; return x === NO_INDEX ? undefined : toValue(x); };
    return [...inputItems(v)].sort((a, b) => rubyCompare(key(a), key(b)));
  },
  sort_natural(v, p) {
    const byProperty = argCount(this) > 0 && toValue(p) !== null && toValue(p) !== undefined;
    const key = (item: unknown): unknown => { const x = byProperty ? indexItem(item, p) : item; return x === NO_INDEX ? undefined : toValue(x); };
    return [...inputItems(v)].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || x === undefined || y === null || y === undefined) return nilLast(x, y);
      const sx = rubyToS(x).toLowerCase();
      const sy = rubyToS(y).toLowerCase();
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    });
  },
};

const nilLast = (x: unknown, y: unknown): number => (x === null || x === undefined ? (y === null || y === undefined ? 0 : 1) : -1);

/** Ruby's `<=>` as `sort` uses it (nil last): numbers with numbers, strings with strings; anything else cannot be compared. */
function rubyCompare(a: unknown, b: unknown): number {
  if (a === null || a === undefined || b === null || b === undefined) return nilLast(a, b);
  const x = a instanceof LiquidFloat ? a.value : a;
  const y = b instanceof LiquidFloat ? b.value : b;
  if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')) return x < y ? -1 : x > y ? 1 : 0;
  throw new LiquidArgumentError(`Liquid error: comparison of ${rubyClass(x)} with ${rubyClass(y)} failed`);
}

const rubyClass = (v: unknown): string => (Array.isArray(v) ? 'Array' : isHash(v) ? 'Hash' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'Float') : typeof v === 'string' ? 'String' : 'Object');
