import { describe, expect, it } from 'vitest';
import { importHandlebars } from './handlebars.ts';
import { indentPartialSource, mustacheSection } from './mustache-runtime.ts';
import { createLiquid } from '../liquid-env.ts';

/**
 * Mustache's own syntax through the importer: each case imports a template (and its partials),
 * renders the Liquid with the `html` environment as render.ts does (data as globals), and
 * compares byte for byte. The cases are written here; each names the Mustache spec module and
 * case whose rule it exercises (https://github.com/mustache/spec, specs/*.yml). Expected outputs
 * follow the rule stated there, worked out by hand.
 */
function run(template: string, data: Record<string, unknown>, partials: Record<string, string> = {}): string {
  const converted: Record<string, string> = {};
  for (const [name, body] of Object.entries(partials)) converted[name] = importHandlebars(body).liquid;
  const engine = createLiquid(true, converted);
  const { liquid, issues } = importHandlebars(template);
  expect(issues).toEqual([]);
  return engine.renderSync(engine.parse(liquid), {}, { globals: data }) as string;
}

type Case = [cite: string, template: string, data: Record<string, unknown>, expected: string, partials?: Record<string, string>];

const TABLES: Record<string, Case[]> = {
  sections: [
    ['sections.yml "Truthy"', '<{{#ok}}shown{{/ok}}>', { ok: true }, '<shown>'],
    ['sections.yml "Falsey"', '<{{#ok}}shown{{/ok}}>', { ok: false }, '<>'],
    ['sections.yml "Null is falsey"', '<{{#gone}}shown{{/gone}}>', { gone: null }, '<>'],
    ['sections.yml "Context"', '{{#user}}{{first}} {{last}}{{/user}}', { user: { first: 'Ada', last: 'L' } }, 'Ada L'],
    ['sections.yml "Parent contexts"', '{{#shop}}{{item}} at {{city}}{{/shop}}', { city: 'Oslo', shop: { item: 'tea' } }, 'tea at Oslo'],
    ['sections.yml "Variable test"', '{{#word}}{{.}}={{word}}{{/word}}', { word: 'hi' }, 'hi=hi'],
    ['sections.yml "List Contexts"', '{{#rows}}{{#cols}}{{r}}{{c}} {{/cols}}{{/rows}}', { rows: [{ r: 'A', cols: [{ c: 1 }, { c: 2 }] }, { r: 'B', cols: [{ c: 3 }] }] }, 'A1 A2 B3 '],
    ['sections.yml "Deeply Nested Contexts"', '{{#x}}{{#y}}{{#z}}{{p}}{{q}}{{r}}{{/z}}{{/y}}{{/x}}', { p: 1, x: { q: 2, y: { z: { r: 3 } } } }, '123'],
    ['sections.yml "List"', '{{#items}}[{{name}}]{{/items}}', { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }, '[a][b][c]'],
    ['sections.yml "Empty List"', '<{{#items}}x{{/items}}>', { items: [] }, '<>'],
    ['sections.yml "Doubled"', '{{#on}}1{{/on}}-{{#on}}2{{/on}}', { on: true }, '1-2'],
    ['sections.yml "Context Misses"', '<{{#nowhere}}x{{/nowhere}}>', {}, '<>'],
    ['sections.yml "Implicit Iterator - String"', '{{#tags}}<{{.}}>{{/tags}}', { tags: ['a', 'b'] }, '<a><b>'],
    ['sections.yml "Implicit Iterator - Decimal"', '{{#n}}{{.}};{{/n}}', { n: [0.5, 2, -1.25] }, '0.5;2;-1.25;'],
    ['sections.yml "Implicit Iterator - Array"', '{{#grid}}|{{#.}}{{.}}{{/.}}{{/grid}}', { grid: [[1, 2], ['x']] }, '|12|x'],
    ['sections.yml "Implicit Iterator - HTML Escaping"', '{{#v}}{{.}} {{/v}}', { v: ['a&b', '"q"'] }, 'a&amp;b &quot;q&quot; '],
    ['sections.yml "Implicit Iterator - Triple mustache"', '{{#v}}{{{.}}}{{/v}}', { v: ['<i>', '&'] }, '<i>&'],
    ['sections.yml "Dotted Names - Truthy"', '{{#a.b}}yes{{/a.b}}', { a: { b: 1 } }, 'yes'],
    ['sections.yml "Dotted Names - Broken Chains"', '<{{#a.b.c}}yes{{/a.b.c}}>', { a: {} }, '<>'],
    ['sections.yml "Standalone Lines"', 'top\n  {{#on}}\nmid\n  {{/on}}\nend', { on: true }, 'top\nmid\nend'],
    ['sections.yml "Indented Inline Sections"', ' {{#on}}a{{/on}}\n {{#on}}b{{/on}}\n', { on: true }, ' a\n b\n'],
    ['sections.yml "Parent contexts", a section inside {{#each}}', '{{#each people}}{{#address}}{{city}}/{{name}} {{/address}}{{/each}}', { people: [{ name: 'Ana', address: { city: 'Oslo' } }, { name: 'Bo', address: { city: 'Rome', name: 'HQ' } }] }, 'Oslo/Ana Rome/HQ '],
    ['sections.yml "Padding"', '[{{# on }}x{{/ on }}]', { on: true }, '[x]'],
  ],
  inverted: [
    ['inverted.yml "Falsey"', '<{{^ok}}none{{/ok}}>', { ok: false }, '<none>'],
    ['inverted.yml "Truthy"', '<{{^ok}}none{{/ok}}>', { ok: 1 }, '<>'],
    ['inverted.yml "Context"', '<{{^who}}{{name}}{{/who}}>', { who: { name: 'x' } }, '<>'],
    ['inverted.yml "List"', '<{{^xs}}none{{/xs}}>', { xs: [{}] }, '<>'],
    ['inverted.yml "Empty List"', '<{{^xs}}none{{/xs}}>', { xs: [] }, '<none>'],
    ['inverted.yml "Context Misses"', '<{{^nowhere}}none{{/nowhere}}>', {}, '<none>'],
    ['inverted.yml "Dotted Names - Falsey"', '<{{^a.b}}none{{/a.b}}>', { a: { b: false } }, '<none>'],
    ['inverted.yml "Standalone Line Endings"', 'a\r\n{{^off}}\r\nb\r\n{{/off}}\r\nc', { off: false }, 'a\r\nb\r\nc'],
    ['inverted.yml "Nested (Falsey)"', '{{^a}}1{{^b}}2{{/b}}3{{/a}}', { a: false, b: false }, '123'],
  ],
  delimiters: [
    ['delimiters.yml "Pair Behavior"', '{{=[[ ]]=}}<[[v]]>', { v: 'ok' }, '<ok>'],
    ['delimiters.yml "Special Characters"', '{{=( )=}}(v)!', { v: 'ok' }, 'ok!'],
    ['delimiters.yml "Sections"', '{{=<% %>=}}<%#on%>{{v}}<%v%><%/on%>', { on: true, v: 'V' }, '{{v}}V'],
    ['delimiters.yml "Inverted Sections"', '{{=| |=}}|^off|[|v|]|/off|', { off: false, v: 'V' }, '[V]'],
    ['delimiters.yml "Standalone Tag"', 'a\n   {{=<< >>=}}\nb<<v>>', { v: '!' }, 'a\nb!'],
    ['delimiters.yml "Surrounding Whitespace"', '[ {{=( )=}} ]', {}, '[  ]'],
    ['delimiters.yml "Pair with Padding"', '[{{=   <% %>   =}}<% v %>]', { v: 'x' }, '[x]'],
    ['delimiters.yml "Partial Inheritence"', '{{=<% %>=}}<%> p%>', { v: 1 }, '1', { p: '{{v}}' }],
    ['delimiters.yml "Post-Partial Behavior"', '{{> p}}{{v}}', { v: 1 }, '[1]1', { p: '{{=( )=}}[(v)]' }],
    ['interpolation.yml "Triple Mustache", with set delimiters', '{{=<% %>=}}<%{v}%>|<%&v%>', { v: '<b>' }, '<b>|<b>'],
  ],
  partials: [
    ['partials.yml "Basic Behavior"', '({{>p}})', {}, '(in p)', { p: 'in p' }],
    ['partials.yml "Failed Lookup"', '({{>absent}})', {}, '()'],
    ['partials.yml "Context"', '{{#user}}{{>card}}{{/user}}', { user: { n: 'Ada' } }, '[Ada]', { card: '[{{n}}]' }],
    ['partials.yml "Recursion"', '{{>tree}}', { v: 1, kids: [{ v: 2, kids: [{ v: 3, kids: [] }] }] }, '1(2(3()))', { tree: '{{v}}({{#kids}}{{>tree}}{{/kids}})' }],
    ['partials.yml "Inline Indentation"', '  x {{>p}}\n', {}, '  x a\nb\n', { p: 'a\nb' }],
    ['partials.yml "Standalone Line Endings"', 'a\r\n{{>p}}\r\nb', {}, 'a\r\nPb', { p: 'P' }],
    ['partials.yml "Standalone Without Previous Line"', '\t{{>p}}\nz', {}, '\ta\n\tbz', { p: 'a\nb' }],
    ['partials.yml "Standalone Without Newline"', 'z\n  {{>p}}', {}, 'z\n  a\n  b', { p: 'a\nb' }],
    ['partials.yml "Standalone Indentation"', 'x\n  {{>p}}\ny', { v: '1\n2' }, 'x\n  [\n  1\n2\n  ]\ny', { p: '[\n{{v}}\n]\n' }],
    ['partials.yml "Standalone Indentation", with standalone sections inside', '  {{>p}}\n', { on: true }, '  a\n  b\n', { p: '{{#on}}\na\n{{/on}}\nb\n' }],
    ['partials.yml "Standalone Indentation", nested standalone partials', '  {{>outer}}\n', {}, '  o\n    i1\n    i2\n', { outer: 'o\n  {{>inner}}\n', inner: 'i1\ni2\n' }],
    ['partials.yml "Padding Whitespace"', '[{{>  p  }}]', {}, '[x]', { p: 'x' }],
  ],
  interpolation: [
    ['interpolation.yml "HTML Escaping"', '{{v}}', { v: '& " < >' }, '&amp; &quot; &lt; &gt;'],
    ['interpolation.yml "Triple Mustache"', '{{{v}}}', { v: '& " < >' }, '& " < >'],
    ['interpolation.yml "Ampersand"', '{{&v}}', { v: '& " < >' }, '& " < >'],
    ['interpolation.yml "Basic Integer Interpolation"', '{{n}} {{{n}}}', { n: 42 }, '42 42'],
    ['interpolation.yml "Basic Context Miss Interpolation"', '[{{nope}}]', {}, '[]'],
    ['interpolation.yml "Dotted Names - Arbitrary Depth"', '{{a.b.c.d}}', { a: { b: { c: { d: 'deep' } } } }, 'deep'],
    ['interpolation.yml "Dotted Names - Broken Chain Resolution"', '[{{a.b.n}}]', { a: { b: {} }, n: 'root' }, '[]'],
    ['interpolation.yml "Dotted Names - Context Precedence"', '{{#a}}{{b.n}}{{/a}}', { a: { b: {} }, b: { n: 'outer' } }, ''],
    ['interpolation.yml "Interpolation With Padding"', '[{{  v  }}|{{{ v }}}|{{& v }}]', { v: 'x' }, '[x|x|x]'],
    ['interpolation.yml "Interpolation - Standalone"', '  {{v}}\n', { v: 'x' }, '  x\n'],
    ['interpolation.yml (names Liquid reserves are ordinary keys)', '{{null}}|{{#empty}}e{{/empty}}', { null: 'n', empty: true }, 'n|e'],
    ['interpolation.yml "Basic Interpolation", with a name Liquid cannot spell', '{{first-name}} {{#o}}{{last-name}}{{/o}}', { 'first-name': 'A', o: { 'last-name': 'B' } }, 'A B'],
    // The spec leaves characters other than & " < > open; the importer keeps Handlebars' escapeExpression for them.
    ['interpolation.yml "HTML Escaping" (Handlebars escapeExpression beyond the spec)', "{{v}}", { v: "it's `a`=b" }, 'it&#x27;s &#x60;a&#x60;&#x3D;b'],
  ],
  comments: [
    ['comments.yml "Inline"', 'a{{! note }}b', {}, 'ab'],
    ['comments.yml "Multiline"', 'a{{!\n  two\n  lines\n}}b', {}, 'ab'],
    ['comments.yml "Standalone"', 'a\n{{! note }}\nb', {}, 'a\nb'],
    ['comments.yml "Indented Standalone"', 'a\n \t {{! note }}\nb', {}, 'a\nb'],
    ['comments.yml "Standalone Without Newline"', 'a\n  {{! note }}', {}, 'a\n'],
    ['comments.yml "Indented Inline"', '  a {{! note }}\n', {}, '  a \n'],
    ['comments.yml "Surrounding Whitespace"', 'a {{! note }} b', {}, 'a  b'],
  ],
};

for (const [module, cases] of Object.entries(TABLES)) {
  describe(`importHandlebars: Mustache ${module}`, () => {
    for (const [cite, template, data, expected, partials] of cases) {
      it(cite, () => expect(run(template, data, partials)).toBe(expected));
    }
  });
}

describe('importHandlebars: optional Mustache modules are reported, not printed', () => {
  it('reports inheritance and dynamic names as unsupported, with their position', () => {
    const source = 'a\n{{$title}}Default{{/title}}\n{{<layout}}{{$body}}x{{/body}}{{/layout}}{{>*which}}';
    const { liquid, issues } = importHandlebars(source);
    expect(issues.map((i) => [i.line, i.column, i.message.split(' (')[0]])).toEqual([
      [2, 1, 'unsupported: inheritance'],
      [3, 1, 'unsupported: inheritance'],
      [3, 42, 'unsupported: dynamic names'],
    ]);
    const engine = createLiquid(true, { layout: 'L' });
    // The block keeps its default content; the parent renders without overrides; nothing prints a tag.
    expect(engine.renderSync(engine.parse(liquid), {}, {}) as string).toBe('a\nDefault\nL');
  });
});

describe('mustache-runtime', () => {
  it('mustacheSection: lists iterate, false/null/undefined give nothing, other values render once', () => {
    expect(mustacheSection([1, 2])).toEqual([1, 2]);
    expect([false, null, undefined].map(mustacheSection)).toEqual([[], [], []]);
    expect([0, '', 'x', { a: 1 }].map(mustacheSection)).toEqual([[0], [''], ['x'], [{ a: 1 }]]);
  });

  it('indentPartialSource: indents each line, but not after the last line break or before trailing tags', () => {
    expect(indentPartialSource('a\nb\n', '> ', '> ')).toBe('> a\n> b\n');
    expect(indentPartialSource('a\n{% endif %}', '  ', '  ')).toBe('  a\n{% endif %}');
    expect(indentPartialSource('a\n{% mu_partial "p" %}', '', '  ')).toBe('a\n  {% mu_partial "p" %}');
    expect(indentPartialSource('', '  ', '  ')).toBe('');
  });
});
