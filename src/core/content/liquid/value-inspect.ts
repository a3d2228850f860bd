import { Drop } from 'liquidjs';
import { LiquidFloat } from './value-number.ts';

/**
 * How Shopify's Liquid prints a hash: as Ruby's `Hash#to_s` (= `inspect`) does, `{"a"=>1,
 * "b"=>[1, 2]}` (Ruby before 3.4; Liquid 5's documented output), where liquidjs printed
 * `[object Object]`. Inside a hash, values are inspected the Ruby way too: strings quoted, nil as
 * `nil`, arrays as `[1, 2]`. Written for Tailor: liquidjs has no Ruby inspect.
 */
export function isHash(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Drop || v instanceof LiquidFloat || v instanceof Date) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function inspect(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(inspect).join(', ')}]`;
  if (isHash(v)) return inspectHash(v);
  return String(v);
}

export function inspectHash(h: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const k of Object.keys(h)) parts.push(`${JSON.stringify(k)}=>${inspect(h[k])}`);
  return `{${parts.join(', ')}}`;
}

/** Ruby's `to_s` as Liquid prints a value: nil as nothing, a list as its items one after another, a hash inspected. */
export function rubyToS(v: unknown): string {
  const x = v instanceof Drop ? (v.valueOf() as unknown) : v;
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(rubyToS).join('');
  if (isHash(x)) return inspectHash(x);
  return String(x);
}

/**
 * The text engine's output step (liquid-env.ts `outputEscape` when not escaping): a value printed
 * as Liquid prints it, so a hash shows as `{"a"=>1}`; liquidjs alone printed `[object Object]`.
 */
export function printValue(v: unknown): string {
  return rubyToS(v);
}
