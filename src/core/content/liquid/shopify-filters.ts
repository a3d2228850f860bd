import { toValue, type Liquid } from 'liquidjs';
import { arrayFilters } from './filter-arrays.ts';
import { checkFilterArity } from './filter-arity.ts';
import { numberFilters } from './filter-numbers.ts';
import { stringFilters, textFilters } from './filter-strings.ts';
import { isHash, printValue } from './value-inspect.ts';
import { keepFloatLiterals } from './value-literals.ts';

/**
 * Filters as Shopify's reference Liquid defines them, replacing liquidjs' where they differ
 * (filter-numbers.ts, filter-arrays.ts, filter-strings.ts), the arity check every filter of the
 * engine gets (filter-arity.ts), and float literals kept as floats (value-literals.ts).
 */
export function registerShopifyFilters(liquid: Liquid): void {
  checkFilterArity(liquid);
  for (const group of [numberFilters, arrayFilters, stringFilters, textFilters]) {
    for (const [name, fn] of Object.entries(group)) liquid.registerFilter(name, fn as (...args: unknown[]) => unknown);
  }
  // `date` with a nil or empty format gives its input back (Ruby: `return input if format.to_s.empty?`).
  const date = liquid.filters['date'] as (this: unknown, ...args: unknown[]) => unknown;
  liquid.registerFilter('date', function (this: unknown, v: unknown, format: unknown, ...rest: unknown[]) {
    const f = toValue(format);
    return f === null || f === undefined || f === '' ? v : date.call(this, v, format, ...rest);
  });
  // `raw` prints a hash as every other output does (value-inspect.ts), although it skips the output step.
  liquid.registerFilter('raw', { raw: true, handler: (v: unknown) => (isHash(toValue(v)) ? printValue(v) : v) });
  keepFloatLiterals(liquid);
}
