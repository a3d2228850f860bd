import { describe, expect, it } from 'vitest';
import { createLiquid } from '../liquid-env.ts';
import { strictCheck, strictCheckFields, type StrictCheckEnv } from './strict-check.ts';

const env = (partials: Record<string, string> = { footer: 'bye' }): StrictCheckEnv => ({ liquid: createLiquid(false, partials), partials: Object.keys(partials) });
const problems = (source: string, e: StrictCheckEnv = env()): string[] => strictCheck(source, e).map((p) => p.message);

/**
 * Templates Shopify's Liquid refuses (or that raise on every render), each with the reason. "Ruby"
 * is Shopify's reference implementation, Liquid 5, in strict mode (Liquid::Lexer/Liquid::Parser).
 */
const INVALID: [source: string, why: string][] = [
  ['{% nosuchtag %}', 'Ruby: "Unknown tag" (Liquid::SyntaxError at parse)'],
  ['{% if a %}open', 'Ruby: "if tag was never closed"'],
  ['{{ a | nosuchfilter }}', 'Ruby with strict_filters: "undefined filter"'],
  ['{{ "hi" | append }}', 'Ruby: append(input, string) takes one argument: "wrong number of arguments (given 1, expected 2)"'],
  ['{{ "hi" | append: "a", "b" }}', 'Ruby: append takes exactly one argument'],
  ['{{ "hi" | upcase: 1 }}', 'Ruby: upcase(input) takes no argument'],
  ['{{ "hi" | upcase: a: 1 }}', 'Ruby passes keyword arguments as one hash argument: upcase(input, {a: 1}) raises ArgumentError'],
  ['{{ -foo }}', 'Ruby lexer: "-" not followed by a digit is not a token an expression can start with'],
  ["{% assign -foo = 'x' %}", 'Ruby assign: the target is not a variable name (Golden Liquid, identifiers: "leading hyphen")'],
  ["{% assign foo? = 'x' %}", 'Golden Liquid, identifiers: "trailing question mark assign" is invalid'],
  ['{% capture -foo %}x{% endcapture %}', 'Golden Liquid, identifiers: "capture leading hyphen"'],
  ['{{ @foo }}', 'Ruby lexer: "@" is not a valid character'],
  ['{% assign x = 1 + 2 %}', 'Liquid has no arithmetic operators; Ruby lexer: "+" is not a valid character'],
  ['{% assign x = 1 - 2 %}', 'Ruby lexer: a lone "-" is not an expression; the markup does not end after 1'],
  ['{{ x * 3 }}', 'Ruby lexer: "*" is not a valid character'],
  ['{{ foo bar }}', 'Ruby strict parser: "Expected end_of_string but found id"'],
  ['{{ foo..bar }}', 'Ruby strict parser: ".." only inside a range'],
  ['{{ products.0.title }}', 'Ruby strict parser: a "." must be followed by an identifier (use [0])'],
  ['{{ products[0]title }}', 'Ruby strict parser: trailing identifier after a lookup'],
  ["{{ product.['title'] }}", 'Ruby strict parser: "." then "["'],
  ['{% if a =< 1 %}x{% endif %}', 'Ruby lexer: "=<" is not a comparison operator'],
  ['{% if a = 1 %}x{% endif %}', 'Ruby lexer: a single "=" is not a comparison operator'],
  ['{% if not a %}x{% endif %}', 'Ruby strict parser: Liquid has no "not"; "a" is trailing markup'],
  ["{% if '2' > 1 %}x{% endif %}", 'Ruby Condition: comparison of String with Integer raises ArgumentError'],
  ['{% for x in -items %}{% endfor %}', 'Golden Liquid, identifiers: "leading hyphen in for loop target"'],
  ['{% for x in items limit: 2 sorted: 1 %}{% endfor %}', 'Ruby For: "Invalid attribute in for loop. Valid attributes are limit and offset"'],
  ["{% for x in items limit: 'foo' %}{% endfor %}", 'Ruby For: limit goes through Utils.to_integer, "invalid integer"'],
  ["{% render 'nope' %}", 'Ruby render: the partial does not exist ("Could not find asset"); Tailor: no block of that name'],
  ['{% render %}', 'Ruby render: a partial name is required'],
  ['{{ 10 | divided_by: 0 }}', 'Ruby: Liquid::ZeroDivisionError'],
  ['{{ 10 | modulo: "foo" }}', 'Ruby Utils.to_number("foo") is 0: Liquid::ZeroDivisionError'],
  ['{{ "hello" | slice: 2.5 }}', 'Ruby slice: Utils.to_integer(2.5) raises "invalid integer"'],
  ['{{ "hello" | truncate: "ten" }}', 'Ruby truncate: Utils.to_integer("ten") raises "invalid integer"'],
  ['{{ 5 | base64_decode }}', 'Ruby: Base64.strict_decode64("5") raises ArgumentError ("invalid base64")'],
  ['{{ "hi" | append: }}', 'Ruby strict parser: ":" must be followed by an argument'],
  ["{% render 'footer', v: name | upcase: 1 %}", 'Ruby: upcase takes no argument, in a render argument as anywhere'],
];

/** Templates that look odd but are valid Liquid: the check must not refuse them. */
const VALID: [source: string, why: string][] = [
  ["{% assign foo-a = 'x' %}{{ foo-a }}", 'Golden Liquid, identifiers: "hyphens"'],
  ["{% assign 123 = 'x' %}{% assign _ = 1 %}{{ _ }}", 'Golden Liquid, identifiers: "only digits", "only underscore"'],
  ['{{ bar? }}{% for x? in foo? %}{{ x? }}{% endfor %}', 'Golden Liquid, identifiers: trailing "?" in outputs and loops'],
  ['{{ foo \n\t.bar }}{{ foo. bar }}', 'Golden Liquid, output: whitespace around "." is allowed'],
  ["{{ ['bar baz'].qux }}{{ [list[settings.zero]] }}", 'Golden Liquid, output: bracketed top-level names'],
  ["{{ (1..5) | join: '#' }}{{ (foo..5) | reverse }}", 'Shopify docs, Ranges'],
  ["{{ false | default: 'bar', allow_false: true }}", 'Shopify docs, default: allow_false is a keyword argument, not counted'],
  ['{% if a <> b or c contains "x" and d %}x{% endif %}', 'Ruby lexer: <> is a comparison operator; and/or chain'],
  ['{% case x %}{% when 1, 2 or 3 %}a{% else %}b{% endcase %}', 'Shopify docs, case/when: values separated by commas or "or"'],
  ['{% for i in (1..6), limit: 4, offset: 2, %}{{ i }}{% endfor %}', 'Golden Liquid, for: "some comma separated arguments"'],
  ['{% for i in items offset: continue %}{% endfor %}', 'Shopify docs, for: offset: continue'],
  ["{% cycle 'g': 'a', 'b' %}{% increment f-oo %}", 'Shopify docs, cycle groups; Golden Liquid, increment with a hyphen'],
  ["{% render 'footer', name: 'x' %}{% render 'footer' for items as item %}{% include 'footer' with a %}", 'Shopify docs, render with arguments, for/with'],
  ["{% render 'footer', v: name | escape, w: 2 %}", 'liquidjs applies filters to render arguments; Tailor templates rely on it (test/content/escape-once)'],
  ['{% include some_var %}', 'Ruby include: a variable name is resolved at render time'],
  ['{% liquid\n  assign x = 1\n  if x > 0\n    echo x | plus: 2\n  endif\n%}', 'Shopify docs, liquid tag'],
  ['{{ "%d" | date: "%Y" }}{{ "a" | slice: -1 }}{{ x | truncate: "5" }}', 'Ruby Utils.to_integer accepts integer strings'],
  ['{{ prénom | default: "ami" }}', 'liquidjs reads non-ASCII names; Tailor traits may have them'],
  ['{% comment %}{{ -foo }} @{% endcomment %}{% raw %}{{ -x }}{% endraw %}', 'comment and raw content is not Liquid'],
];

describe('strictCheck: invalid templates are refused', () => {
  it.each(INVALID)('%s', (source, why) => {
    expect(problems(source), why).not.toEqual([]);
  });
});

describe('strictCheck: valid but unusual templates pass', () => {
  it.each(VALID)('%s', (source, why) => {
    expect(problems(source), why).toEqual([]);
  });
});

describe('strictCheck', () => {
  it('gives the line and column of the offending tag or output', () => {
    const [p] = strictCheck('Hello\n  {{ name | upcase: 2 }}', env());
    expect(p).toMatchObject({ line: 2, col: 3 });
    expect(p!.message).toContain('upcase');
  });

  it('reports every problem, not just the first', () => {
    expect(problems('{{ -a }}{{ b | append }}')).toHaveLength(2);
  });

  it('checks inside blocks and the lines of a liquid tag', () => {
    expect(problems('{% if a %}{% for x in y %}{{ x | upcase: 1 }}{% endfor %}{% endif %}')).toHaveLength(1);
    expect(problems('{% liquid\n  echo x | upcase: 1\n%}')).toHaveLength(1);
  });

  it('takes the filter arity from the given signature (dependency injected)', () => {
    const e = { ...env(), filterSignature: (n: string) => (n === 'upcase' ? { min: 1, max: 1 } : undefined) };
    expect(problems('{{ a | upcase }}', e)[0]).toMatch(/upcase.*1 argument/);
    expect(problems('{{ a | upcase: 2 }}', e)).toEqual([]);
  });

  it('refuses render of a partial only when no such partial exists', () => {
    expect(problems("{% render 'footer' %}")).toEqual([]);
    expect(problems("{% render 'footer' %}", env({}))[0]).toContain("no partial or block named 'footer'");
  });
});

describe('strictCheckFields', () => {
  it('names the field of each problem', () => {
    const r = strictCheckFields({ subject: 'Hi {{ -name }}', preheader: '', body: '{{ a }}' }, {});
    expect(r.map((x) => x.field)).toEqual(['subject']);
  });
});
