import type { FilterImplOptions, Liquid } from 'liquidjs';
import { filterSignature, type FilterSignature } from './filter-signatures.ts';
import { LiquidFloat } from './value-number.ts';

/**
 * The runtime arity check: a filter called with a wrong number of positional arguments is an
 * error of the render, as Ruby Liquid's `Liquid::ArgumentError` ("wrong number of arguments"),
 * where liquidjs ignored extra arguments and left missing ones undefined. It wraps each
 * registered filter with a known signature (filter-signatures.ts), including the ones
 * registered after it, so liquidjs and the compiled fast path (which calls the same handlers)
 * both check. The count comes from the filter's parsed token, where keyword arguments
 * (`allow_false: true`) are told apart from positional ones; a filter without keywords counts
 * them as one positional argument, as Ruby passes them (a hash after the positional ones).
 * Filters written for JavaScript numbers (Tailor's `money` & co.) get an integral float
 * (value-number.ts) as its plain number.
 */
export class LiquidArgumentError extends Error {}

interface FilterThis { token?: { args?: unknown[] } }
type Handler = (this: FilterThis, ...args: unknown[]) => unknown;

export function positionalCount(args: readonly unknown[] | undefined, sig: FilterSignature): number {
  if (!args) return 0;
  let n = 0;
  let keywords = false;
  for (const a of args) {
    if (Array.isArray(a)) keywords = true;
    else n++;
  }
  return keywords && !sig.keywords ? n + 1 : n;
}

/** What the wrapper keeps, so the compiled fast path can check the arity once, at compile time, and call the filter itself. */
export interface ArityCheck { name: string; sig: FilterSignature; inner: Handler }
type Checked = Handler & { arity?: ArityCheck };

export function arityError(name: string, n: number, sig: FilterSignature): LiquidArgumentError {
  const range = sig.max === Infinity ? `${sig.min + 1}+` : sig.min === sig.max ? `${sig.min + 1}` : `${sig.min + 1}..${sig.max + 1}`;
  return new LiquidArgumentError(`Liquid error: wrong number of arguments (given ${n + 1}, expected ${range}) for filter ${name}`);
}

/** A handler for a filter written for JavaScript numbers: integral floats reach it as numbers. */
export function plainNumbers(handler: Handler): Handler {
  return function (this: FilterThis, v?: unknown, a?: unknown, b?: unknown): unknown {
    const n = arguments.length;
    // The common calls (input and up to two arguments, no float among them) go straight through.
    if (n <= 3 && !(v instanceof LiquidFloat) && !(a instanceof LiquidFloat) && !(b instanceof LiquidFloat)) {
      return n === 1 ? handler.call(this, v) : n === 2 ? handler.call(this, v, a) : handler.call(this, v, a, b);
    }
    // eslint-disable-next-line prefer-rest-params
    const args = Array.from(arguments as unknown as unknown[], (x) => (x instanceof LiquidFloat ? x.value : x));
    return handler.apply(this, args);
  };
}

/** The wrapped filter's check, if it has one (expression.ts). */
export function arityCheckOf(handler: unknown): ArityCheck | undefined {
  return typeof handler === 'function' ? (handler as Checked).arity : undefined;
}

export function withArity(name: string, impl: FilterImplOptions): FilterImplOptions {
  const sig = filterSignature(name);
  if (!sig) return impl;
  const original = (typeof impl === 'function' ? impl : impl.handler) as Checked;
  if (original.arity) return impl;
  const inner = sig.plainNumbers ? plainNumbers(original) : original;
  const checked: Checked = function (this: FilterThis): unknown {
    const n = positionalCount(this.token?.args, sig);
    if (n < sig.min || n > sig.max) throw arityError(name, n, sig);
    // eslint-disable-next-line prefer-rest-params
    return inner.apply(this, arguments as unknown as unknown[]);
  };
  checked.arity = { name, sig, inner };
  return typeof impl === 'function' ? (checked as FilterImplOptions) : ({ ...impl, handler: checked } as FilterImplOptions);
}

/** Wraps the filters registered so far, and every one registered on this engine from now on. */
export function checkFilterArity(liquid: Liquid): void {
  for (const name of Object.keys(liquid.filters)) liquid.filters[name] = withArity(name, liquid.filters[name]!);
  const register = liquid.registerFilter.bind(liquid);
  liquid.registerFilter = (name: string, impl: FilterImplOptions): void => register(name, withArity(name, impl));
}
