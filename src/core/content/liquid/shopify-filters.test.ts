import { describe, expect, it } from 'vitest';
import { createLiquid } from '../liquid-env.ts';
import { filterSignature } from './filter-signatures.ts';

/**
 * Tailor's filters against the behaviour of Shopify's reference Liquid (Ruby, Liquid 5.5:
 * lib/liquid/standardfilters.rb and lib/liquid/utils.rb) and the Shopify Liquid documentation
 * (shopify.github.io/liquid/filters/…). Our own cases; each expected value names its source.
 * Rendered with the text engine (no HTML escaping), as the conformance harness does.
 */
type Case = [template: string, data: Record<string, unknown>, expected: string | Error, source: string];
const ERROR = new Error('render error');

function render(template: string, data: Record<string, unknown> = {}): string {
  const liquid = createLiquid(false);
  return liquid.renderSync(liquid.parse(template), data) as string;
}

function table(cases: Case[]): void {
  it.each(cases)('%s', (template, data, expected) => {
    if (expected instanceof Error) expect(() => render(template, data)).toThrow();
    else expect(render(template, data)).toBe(expected);
  });
}

describe('filter arity and argument values', () => {
  table([
    ['{{ -7 | abs: 2 }}', {}, ERROR, 'Ruby reference: abs(input) takes no argument → Liquid::ArgumentError'],
    ['{{ 4 | plus }}', {}, ERROR, 'Ruby reference: plus(input, operand) needs its operand'],
    ['{{ 4 | plus: 1, 2 }}', {}, ERROR, 'Ruby reference: plus takes one argument'],
    ['{{ "a b" | split }}', {}, ERROR, 'Ruby reference: split(input, pattern) needs a pattern'],
    ['{{ "x" | upcase: "y" }}', {}, ERROR, 'Ruby reference: upcase(input) takes no argument'],
    ['{{ "abc" | truncate: 2, "", 9 }}', {}, ERROR, 'Ruby reference: truncate takes at most two arguments'],
    ['{{ 7 | divided_by: 0 }}', {}, ERROR, 'Ruby reference: divided_by raises Liquid::ZeroDivisionError'],
    ['{{ 7 | modulo: 0 }}', {}, ERROR, 'Ruby reference: modulo raises Liquid::ZeroDivisionError'],
    ['{{ 7 | divided_by: "abc" }}', {}, ERROR, 'Ruby reference: Utils.to_number("abc") is 0, so a division by zero'],
    ['{{ 7 | divided_by: missing }}', {}, ERROR, 'Ruby reference: Utils.to_number(nil) is 0, so a division by zero'],
    ['{{ "hello" | slice: "x" }}', {}, ERROR, 'Ruby reference: slice uses Utils.to_integer, which rejects "x"'],
    ['{{ "hello" | slice: 1.5 }}', {}, ERROR, 'Ruby reference: Utils.to_integer rejects a float'],
    ['{{ "hello" | truncate: missing }}', {}, ERROR, 'Ruby reference: Utils.to_integer(nil) is an error'],
    ['{{ x | default: "a", allow_false: true }}', { x: false }, 'false', 'Shopify docs, default: allow_false is a keyword, not counted'],
    ['{{ 3 | money: "EUR", "en", "x" }}', {}, ERROR, 'Tailor filters.ts: money takes at most currency and locale'],
  ]);

  it('knows every filter the environment registers', () => {
    const liquid = createLiquid(false);
    const html = createLiquid(true);
    const names = new Set([...Object.keys(liquid.filters), ...Object.keys(html.filters)]);
    const missing = [...names].filter((n) => !filterSignature(n));
    expect(missing).toEqual([]);
    expect(filterSignature('divided_by')).toMatchObject({ min: 1, max: 1 });
    expect(filterSignature('no_such_filter')).toBeUndefined();
  });
});

describe('integer and float arithmetic', () => {
  table([
    ['{{ 9 | divided_by: 2 }}', {}, '4', 'Shopify docs, divided_by: an integer divisor gives an integer (rounded down)'],
    ['{{ -9 | divided_by: 2 }}', {}, '-5', 'Ruby reference: Integer#/ floors toward negative infinity'],
    ['{{ 9 | divided_by: 2.0 }}', {}, '4.5', 'Shopify docs, divided_by: a float divisor gives a float'],
    ['{{ 8 | divided_by: 2.0 }}', {}, '4.0', 'Ruby reference: Integer / Float is a Float, printed 4.0'],
    ['{{ 4.0 }} {{ 4 }}', {}, '4.0 4', 'Ruby reference: a float literal prints as Float#to_s'],
    ['{{ 3.0 | plus: 1 }}', {}, '4.0', 'Ruby reference: Float + Integer is a Float'],
    ['{{ 3 | times: 2 }}', {}, '6', 'Shopify docs, times: integers stay integers'],
    ['{{ 20.2 | minus: 3.1 }}', {}, '17.1', 'Ruby reference: floats are computed as BigDecimal (Utils.to_number), not binary'],
    ['{{ "20.2" | minus: "3.1" }}', {}, '17.1', 'Ruby reference: Utils.to_number reads a decimal string as BigDecimal'],
    ['{{ "abc" | plus: "1.0" }}', {}, '1.0', 'Ruby reference: a non-numeric string is 0 (to_i), the float operand makes a float'],
    ['{{ -7 | modulo: 3 }}', {}, '2', 'Ruby reference: Integer#% takes the sign of the divisor'],
    ['{{ 7 | modulo: 2.0 }}', {}, '1.0', 'Ruby reference: Integer % Float is a Float'],
    ['{{ 4.6 | round }} {{ 4.25 | round: 1 }}', {}, '5 4.3', 'Shopify docs, round; Ruby reference: BigDecimal rounds half up'],
    ['{{ 4.6 | ceil }} {{ 4.6 | floor }}', {}, '5 4', 'Shopify docs, ceil and floor: integers'],
    ['{{ -2.0 | abs }}', {}, '2.0', 'Ruby reference: Float#abs stays a Float'],
    ['{{ 3 | at_least: 5.0 }}', {}, '5.0', 'Ruby reference: at_least returns the larger operand as it is'],
    ['{% if 2.0 == 2 %}same{% endif %}', {}, 'same', 'Ruby reference: 2.0 == 2 is true'],
    ['{{ (1.7..3) | join: "," }}', {}, '1,2,3', 'Ruby reference: a range is built from integers (to_i)'],
    ['{{ 2.0 | money: "EUR", "en" }}', {}, '€2.00', 'Tailor filters.ts: money formats the number'],
  ]);
});

describe('where, reject, has, find and find_index (Liquid 5)', () => {
  const items = [{ t: 'a', on: true }, { t: 'b', on: false }, { t: 'c' }];
  table([
    ['{{ items | where: "on" | map: "t" | join }}', { items }, 'a', 'Shopify docs, where: without a value, items whose property is truthy'],
    ['{{ items | where: "t", "b" | map: "t" | join }}', { items }, 'b', 'Shopify docs, where: items whose property equals the value'],
    ['{{ items | reject: "on" | map: "t" | join: "," }}', { items }, 'b,c', 'Shopify docs, reject: the complement of where'],
    ['{{ items | has: "t", "c" }}', { items }, 'true', 'Shopify docs, has'],
    ['{{ items | has: "t", "z" }}', { items }, 'false', 'Shopify docs, has'],
    ['{{ items | find: "t", "b" | map: "t" }}', { items }, 'b', 'Shopify docs, find: the first matching item'],
    ['{{ items | find_index: "t", "c" }}', { items }, '2', 'Shopify docs, find_index'],
    ['{{ items | find_index: "t", "z" }}', { items }, '', 'Ruby reference: find_index gives nil without a match'],
    ['{{ words | find: "ea" }}', { words: ['sky', 'sea', 'tea'] }, 'sea', 'Ruby reference: String#[] finds a substring, so a string item matches'],
    ['{{ "teapot" | has: "pot" }}', {}, 'true', 'Ruby reference: InputIterator makes a string a one-item list'],
    ['{{ mixed | has: "z" }}', { mixed: ['a', null, 'z'] }, '', 'Ruby reference: an item without [] (nil) makes filter_array return nil'],
    ['{{ nums | where: "a" }}', { nums: [1, 2] }, ERROR, 'Ruby reference: Integer#[] with a string raises, "cannot select the property"'],
    ['{{ h | where: "k" | size }}', { h: { k: 1 } }, '1', 'Ruby reference: InputIterator makes a hash a one-item list'],
    ['{{ nested | where: "t", "x" | size }}', { nested: [[{ t: 'x' }], [[{ t: 'x' }]]] }, '2', 'Ruby reference: InputIterator flattens nested lists'],
    ['{{ items | where: "t", nil | size }}', { items }, '3', 'Ruby reference: an explicit nil value means "truthy"'],
  ]);
});

describe('hashes: printing, first, last and size', () => {
  table([
    ['{{ h }}', { h: { a: 1, b: 'x', c: null, d: [1, 2] } }, '{"a"=>1, "b"=>"x", "c"=>nil, "d"=>[1, 2]}', 'Ruby reference: a hash prints as Hash#inspect'],
    ['{{ h }}', { h: {} }, '{}', 'Ruby reference: Hash#inspect of an empty hash'],
    ['{{ list }}', { list: ['a', { b: 1 }] }, 'a{"b"=>1}', 'Ruby reference: a list prints as its items joined'],
    ['{{ h | raw }}', { h: { a: 1 } }, '{"a"=>1}', 'Ruby reference: raw does not change how a value prints'],
    ['{% assign p = h | first %}{{ p[0] }}={{ p[1] }}', { h: { k: 'v', z: 2 } }, 'k=v', 'Ruby reference: Hash#first is its first [key, value] pair'],
    ['{{ h | last }}', { h: { k: 'v' } }, '', 'Ruby reference: a hash has no last'],
    ['{{ h | size }}', { h: { a: 1, b: 2, c: 3 } }, '3', 'Shopify docs, size; Ruby reference: Hash#size'],
    ['{{ "abc" | first }}', {}, '', 'Ruby reference: a string does not respond to first'],
    ['{{ "abc" | last }}', {}, 'c', 'Golden Liquid (Liquid 5): last of a string is its last character'],
  ]);
});

describe('base64_url_safe_encode and base64_url_safe_decode', () => {
  table([
    ['{{ "a?b>c" | base64_url_safe_encode }}', {}, 'YT9iPmM=', 'Shopify docs, base64_url_safe_encode: Base64.urlsafe_encode64, padded'],
    ['{{ "??>>" | base64_url_safe_encode }}', {}, 'Pz8-Pg==', 'Ruby reference: "+" and "/" become "-" and "_"'],
    ['{{ "Pz8-Pg==" | base64_url_safe_decode }}', {}, '??>>', 'Shopify docs, base64_url_safe_decode'],
    ['{{ 12 | base64_url_safe_encode }}', {}, 'MTI=', 'Ruby reference: the input is converted with to_s'],
    ['{{ missing | base64_url_safe_encode }}', {}, '', 'Ruby reference: nil.to_s is empty'],
    ['{{ "*not base64*" | base64_url_safe_decode }}', {}, ERROR, 'Ruby reference: invalid base64 raises Liquid::ArgumentError'],
  ]);
});

describe('other filters where liquidjs differed', () => {
  table([
    ['{{ x | default: "d" }}', { x: {} }, 'd', 'Shopify docs, default: an empty value takes the default'],
    ['{{ x | default: allow_false: true, "d" }}', { x: false }, 'false', 'Ruby reference: keyword arguments may come before the positional one'],
    ['{{ a | concat: b | join: "," }}', { a: [['x'], 'y'], b: ['z'] }, 'x,y,z', 'Ruby reference: concat flattens its input (InputIterator)'],
    ['{{ a | concat: 3 }}', { a: [1] }, ERROR, 'Ruby reference: "concat filter requires an array argument"'],
    ['{{ a | map: "n" | join: "," }}', { a: [{ n: 1 }, [{ n: 2 }]] }, '1,2', 'Ruby reference: map flattens its input'],
    ['{{ a | map: "n" }}', { a: [{ n: 1 }, 7] }, ERROR, 'Ruby reference: 7["n"] raises, "cannot select the property"'],
    ['{{ a | join: missing }}', { a: ['x', 'y'] }, 'xy', 'Ruby reference: join with a nil glue joins with nil.to_s'],
    ['{{ a | compact: "n" | size }}', { a: [{ n: 1 }, { n: null }, { m: 2 }] }, '1', 'Shopify docs, compact with a property'],
    ['{{ a | uniq: "n" | size }}', { a: [{ n: 1 }, { n: 1 }, { n: 2 }] }, '2', 'Shopify docs, uniq with a property'],
    ['{{ a | sum }}', { a: [1, [2, '3']] }, '6', 'Ruby reference: sum flattens and reads strings as numbers'],
    ['{{ a | sort }}', { a: [2, 'b'] }, ERROR, 'Ruby reference: comparison of Integer with String failed'],
    ['{{ a | sort_natural | join: "," }}', { a: ['b', 'A', 'c'] }, 'A,b,c', 'Shopify docs, sort_natural: case-insensitive'],
    ['{% assign w = "x  y\nz" | split: " " %}{{ w | join: "," }}', {}, 'x,y,z', 'Ruby reference: String#split(" ") splits on any whitespace'],
    ['{{ "a,b,," | split: "," | size }}', {}, '2', 'Ruby reference: String#split drops trailing empty strings'],
    ['{{ "ab" | replace: missing, "-" }}', {}, '-a-b-', 'Ruby reference: gsub with an empty pattern matches between characters'],
    ['{{ "Liquid" | slice: -3, 2 }}', {}, 'ui', 'Shopify docs, slice: a negative start counts from the end'],
    ['{{ "Liquid" | slice: 2, "3" }}', {}, 'qui', 'Ruby reference: Utils.to_integer accepts an integer string'],
    ['{{ "one two three" | truncatewords: 2, missing }}', {}, 'one two', 'Ruby reference: a nil ellipsis is nil.to_s'],
    ['{{ "abcdef" | truncate: 4, missing }}', {}, 'abcd', 'Ruby reference: a nil ellipsis is nil.to_s'],
    ['{{ "a b!*" | url_encode }}', {}, 'a+b%21%2A', 'Ruby reference: CGI.escape encodes all but letters, digits and _.-~'],
    ['{{ "2020-01-02" | date: missing }}', {}, '2020-01-02', 'Ruby reference: date returns its input for an empty format'],
  ]);
});
