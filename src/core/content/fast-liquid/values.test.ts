import { describe, expect, it } from 'vitest';
import { renderBoth } from './differential.test-helper.ts';
import { createLiquid } from '../liquid-env.ts';

/**
 * Differential cases for Liquid's values and filters as Shopify defines them (liquid/): float
 * literals and results, integer division, hashes printed the Ruby way, the arity check and
 * the Liquid 5 array filters. The compiled fast path must give liquidjs' output byte for byte,
 * or the same error, on both engines (escaping and not); the common constructs must stay on it.
 */
const both = renderBoth;

const data = {
  n: 9, f: 2.5, s: '10.1', h: { a: 1, b: 'x<', c: null, d: [1, { e: 2 }] }, none: {},
  list: ['a', { k: 'v' }, 3], items: [{ t: 'a', on: true }, { t: 'b', on: false }, { t: 'c' }], words: ['sky', 'sea'],
  mixed: ['a', null, 'z'], nums: [1, 2], price: 19.9,
};

const CASES = [
  // numbers
  '{{ 5.0 }} {{ 5 }} {{ -0.0 }} {{ 1.5 }}', '{{ 9 | divided_by: 2 }}', '{{ n | divided_by: 2.0 }}', '{{ 8 | divided_by: 2.0 }}',
  '{{ 2.0 | plus: 1 }}', '{{ s | minus: "2.2" }}', '{{ 10.1 | minus: 2.2 }}', '{{ -7 | modulo: 3 }}', '{{ 7 | modulo: 2.0 }}',
  '{{ f | round }} {{ 4.25 | round: 1 }} {{ f | ceil }} {{ f | floor }} {{ -2.0 | abs }}', '{{ 3 | at_least: 5.0 }}',
  '{% assign x = 4.0 %}{{ x }}{% if x == 4 %}={% endif %}{% if x > 3 %}>{% endif %}', '{{ 2.0 | money: "EUR", "en" }}',
  '{{ price | money }} {{ price | times: 2 }} {{ n | plus: 1 }} {{ n | minus: 1 }}', '{{ 7 | divided_by: 0 }}', '{{ 7 | modulo: missing }}',
  '{% for i in (1..3) %}{{ i | times: 1.0 }},{% endfor %}', '{{ 5.0 | append: "x" }}', '{{ 2.0 | json }}',
  '{{ (1.7..3) | join: "," }}', '{% for i in (1.0..2) %}{{ i }}{% endfor %}',
  // hashes
  '{{ h }}', '{{ none }}', '{{ list }}', '{{ h | raw }}', '{{ h | first | join: "=" }}', '{{ h | size }}', '{{ h | last }}',
  '{% for p in h %}{{ p[0] }}:{{ p[1] }};{% endfor %}', '{{ list | last }}',
  // arity
  '{{ -3 | abs: 1 }}', '{{ 4 | plus }}', '{{ x | default: "a", allow_false: true }}', '{{ x | default: "a", "b" }}', '{{ "a" | upcase: 1 }}',
  '{{ 3 | money: "EUR", "en", "x" }}',
  // Liquid 5 array filters and the others rewritten
  '{{ items | where: "on" | map: "t" | join }}', '{{ items | reject: "t", "b" | map: "t" | join: "," }}', '{{ items | has: "t", "c" }}',
  '{{ items | find: "t", "b" }}', '{{ items | find_index: "t", "c" }}', '{{ words | find: "ea" }}', '{{ mixed | has: "z" }}',
  '{{ nums | where: "a" }}', '{{ items | where: "t", nil | size }}', '{{ "teapot" | has: "pot" }}',
  '{{ none | default: "d" }}', '{{ list | concat: nums | join: "," }}', '{{ list | concat: 3 }}', '{{ "a,b,," | split: "," | size }}',
  '{{ "ab" | replace: missing, "-" }}', '{{ "Liquid" | slice: -3, 2 }}', '{{ "Liquid" | slice: "x" }}', '{{ "a b!*" | url_encode }}',
  '{{ "XyMvLg==" | base64_url_safe_decode }}', '{{ "_#/." | base64_url_safe_encode }}', '{{ nums | sum }}', '{{ nums | sort: "x" }}',
];

describe('fast path: Shopify values and filters agree with liquidjs', () => {
  for (const escape of [false, true]) {
    it(`renders the same on the ${escape ? 'HTML' : 'text'} engine`, () => {
      const engine = createLiquid(escape);
      for (const src of CASES) {
        const r = both(engine, src, { ...data, x: false });
        expect(r.fast, src).not.toBeNull();
        expect(r.quick, src).toEqual(r.slow);
      }
    });
  }

  it('prints floats and hashes as Liquid does (not only as liquidjs does)', () => {
    const engine = createLiquid(false);
    expect(both(engine, '{{ 5.0 }}|{{ 9 | divided_by: 2 }}|{{ h }}', data).quick).toEqual({ ok: true, out: '5.0|4|{"a"=>1, "b"=>"x<", "c"=>nil, "d"=>[1, {"e"=>2}]}' });
    const html = createLiquid(true);
    expect(both(html, '{{ h }}', { h: { a: '<' } }).quick).toEqual({ ok: true, out: '{&#34;a&#34;=&gt;&#34;&lt;&#34;}' });
  });
});
