import { arithmetic, fromNum, roundTo, toNum, type LiquidFloat } from './value-number.ts';

/**
 * The math filters with Liquid's (Ruby's) number types (value-number.ts): Integer op Integer is
 * an Integer (`divided_by` and `modulo` floored), a float on either side makes a float computed
 * in decimal, a string is `Utils.to_number` of it, and dividing by zero is an error
 * (`Liquid::ZeroDivisionError`) where liquidjs gave `Infinity`/`NaN`.
 */
type N = number | LiquidFloat;

export const numberFilters: Record<string, (...args: unknown[]) => unknown> = {
  plus: (v: unknown, x: unknown): N => arithmetic(v, x, '+'),
  minus: (v: unknown, x: unknown): N => arithmetic(v, x, '-'),
  times: (v: unknown, x: unknown): N => arithmetic(v, x, '*'),
  divided_by: (v: unknown, x: unknown): N => arithmetic(v, x, '/'),
  modulo: (v: unknown, x: unknown): N => arithmetic(v, x, '%'),
  abs: (v: unknown): N => { const x = toNum(v); return fromNum({ n: Math.abs(x.n), float: x.float }); },
  ceil: (v: unknown): number => Math.ceil(toNum(v).n),
  floor: (v: unknown): number => Math.floor(toNum(v).n),
  round: (v: unknown, places?: unknown): N => roundTo(v, places),
  at_least: (v: unknown, min: unknown): N => { const x = toNum(v); const m = toNum(min); return fromNum(m.n > x.n ? m : x); },
  at_most: (v: unknown, max: unknown): N => { const x = toNum(v); const m = toNum(max); return fromNum(m.n < x.n ? m : x); },
};
