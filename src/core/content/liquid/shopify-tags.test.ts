import { describe, expect, it } from 'vitest';
import { createLiquid } from '../liquid-env.ts';

/**
 * Tags, whitespace and syntax as Shopify's reference Liquid renders them (liquid/shopify-tags.ts),
 * one table per group of issue 18. Each expected value cites the documentation page or the Ruby
 * reference implementation (github.com/Shopify/liquid, lib/liquid/…) whose behaviour it states.
 * Rendered with the text environment (no HTML escaping), as Liquid itself does.
 */
type Row = [name: string, template: string, expected: string | Error, data?: Record<string, unknown>, partials?: Record<string, string>];

function render(template: string, data: Record<string, unknown> = {}, partials: Record<string, string> = {}): string {
  return createLiquid(false, partials).parseAndRenderSync(template, data) as string;
}

function table(rows: Row[]): void {
  it.each(rows)('%s', (_name, template, expected, data, partials) => {
    if (expected instanceof Error) expect(() => render(template, data, partials)).toThrow();
    else expect(render(template, data, partials)).toBe(expected);
  });
}

const fails = new Error('a parse or render error');

describe('doc, comment and raw', () => {
  table([
    // Shopify Liquid docs, tags/doc: "Any content inside doc tags is not rendered or outputted."
    ['doc renders nothing', 'a{% doc %}@param {string} x{% enddoc %}b', 'ab'],
    // Ruby reference, tags/doc.rb: the body is read as raw text, never parsed.
    ['doc body is not parsed', '{% doc %}{{ open {% if %}{% enddoc %}ok', 'ok'],
    // Ruby reference, tags/doc.rb: "Nested doc tags are not allowed"; an unclosed block is a syntax error.
    ['doc may not nest', '{% doc %}a{% doc %}{% enddoc %}', fails],
    ['doc must be closed', '{% doc %}never closed', fails],
    // Ruby reference, tags/doc.rb: the tag takes no markup.
    ['doc takes no arguments', '{% doc x %}{% enddoc %}', fails],
    // Shopify Liquid docs, basics/whitespace-control: `-` trims around any tag, doc included.
    ['doc with whitespace control', 'a\n {%- doc %}x{% enddoc -%} \n b', 'ab'],
    // Ruby reference, tags/comment.rb: comment blocks nest; the outer one ends at its own endcomment.
    ['comments nest', 'a{% comment %}{% comment %}x{% endcomment %}y{% endcomment %}b', 'ab'],
    // Shopify Liquid docs, tags/raw + basics/whitespace-control: `{%- raw -%}` trims outside, keeps the body.
    ['raw with whitespace control', 'a {%- raw -%} {{ x }} {%- endraw -%} b', 'a {{ x }} b'],
    ['raw keeps tags verbatim', '{% raw %}{% if %}{{ }}{% endraw %}', '{% if %}{{ }}'],
  ]);
});

describe('ifchanged', () => {
  table([
    // Ruby reference, tags/ifchanged.rb: output only when it differs from the last ifchanged output of the render.
    ['first output is written', '{% ifchanged %}a{% endifchanged %}', 'a'],
    ['same output is skipped', '{% ifchanged %}a{% endifchanged %}{% ifchanged %}a{% endifchanged %}', 'a'],
    ['heading per group in a sorted loop', '{% for x in xs %}{% ifchanged %}[{{ x }}]{% endifchanged %}{% endfor %}', '[1][2][3]', { xs: [1, 1, 2, 3, 3] }],
    ['must be closed', '{% ifchanged %}a', fails],
  ]);
});

describe('blank blocks (whitespace-only bodies render nothing)', () => {
  table([
    // Ruby reference, block_body.rb: a Block whose body is blank renders into a throwaway buffer.
    ['whitespace-only if', '[{% if true %}\n   \n{% endif %}]', '[]'],
    ['assign inside is still run', '[{% if true %}\n  {% assign a = 1 %}\n{% endif %}]{{ a }}', '[]1'],
    ['for over assigns', '[{% for i in (1..3) %}\n  {% assign last = i %}\n{% endfor %}]{{ last }}', '[]3'],
    ['unless with comment and capture', '[{% unless false %} {% comment %}x{% endcomment %} {% capture c %}y{% endcapture %} {% endunless %}]{{ c }}', '[]y'],
    ['case with whitespace-only when', '[{% case 1 %}{% when 1 %}  \n  {% endcase %}]', '[]'],
    ['nested blank blocks', '[{% if true %} {% for i in (1..2) %} {% endfor %} {% endif %}]', '[]'],
    // An output makes the body non-blank, even an empty one (Ruby: a Variable sets @blank = false).
    ['an output keeps the whitespace', '[{% if true %} {{ "" }} {% endif %}]', '[  ]'],
    ['text keeps the whitespace', '[{% if true %} x {% endif %}]', '[ x ]'],
    // Tags that are not blank in Ruby (Tag#blank? is false): echo, increment, cycle, break.
    ['echo is not blank', '[{% if true %} {% echo "" %} {% endif %}]', '[  ]'],
    // Text outside any block is kept as is.
    ['top-level whitespace stays', '  \n', '  \n'],
  ]);
});

describe('tablerow', () => {
  table([
    // Ruby reference, tags/table_row.rb: row markup with a newline after each <tr> opening and </tr>.
    ['one row', '{% tablerow x in xs %}{{ x }}{% endtablerow %}', '<tr class="row1">\n<td class="col1">a</td><td class="col2">b</td></tr>\n', { xs: ['a', 'b'] }],
    ['cols splits rows', '{% tablerow i in (1..3) cols:2 %}{{ i }}{% endtablerow %}',
      '<tr class="row1">\n<td class="col1">1</td><td class="col2">2</td></tr>\n<tr class="row2"><td class="col1">3</td></tr>\n'],
    ['empty collection', '{% tablerow x in xs %}{{ x }}{% endtablerow %}', '<tr class="row1">\n</tr>\n', { xs: [] }],
    // Ruby reference: cols, limit and offset go through to_i ('2' and 2.6 are 2).
    ['limit, offset and string/float args', '{% tablerow i in (1..6) offset:"1" limit:2.9 %}{{ i }}{% endtablerow %}',
      '<tr class="row1">\n<td class="col1">2</td><td class="col2">3</td></tr>\n'],
    // Shopify Liquid docs, objects/tablerowloop.
    ['tablerowloop', '{% tablerow i in (1..3) cols:2 %}{{ tablerowloop.row }}{{ tablerowloop.col }}{{ tablerowloop.col_first }}{{ tablerowloop.col_last }}{{ tablerowloop.index }}{% endtablerow %}',
      '<tr class="row1">\n<td class="col1">11truefalse1</td><td class="col2">12falsetrue2</td></tr>\n<tr class="row2"><td class="col1">21truefalse3</td></tr>\n'],
    // Ruby reference, table_row.rb: a break interrupt ends the table, not the enclosing loop.
    ['break ends the table only', '{% for j in (1..2) %}{% tablerow i in (1..3) %}{{ i }}{% break %}{% endtablerow %}{% endfor %}',
      '<tr class="row1">\n<td class="col1">1</td></tr>\n<tr class="row1">\n<td class="col1">1</td></tr>\n'],
  ]);
});

describe('case/when', () => {
  table([
    // Ruby reference, tags/case.rb: every matching when renders; else renders when no earlier when matched.
    ['comma list', '{% case x %}{% when 1, 2 %}a{% endcase %}', 'a', { x: 2 }],
    ['or list', '{% case x %}{% when 1 or 2 %}a{% endcase %}', 'a', { x: 2 }],
    ['each matching value renders', '{% case x %}{% when 2, 2 %}a{% endcase %}', 'aa', { x: 2 }],
    ['several else blocks', '{% case x %}{% when 1 %}a{% else %}b{% else %}c{% endcase %}', 'bc', { x: 2 }],
    ['when after else', '{% case x %}{% when 1 %}a{% else %}b{% when 2 %}c{% endcase %}', 'bc', { x: 2 }],
    ['matched when skips later else', '{% case x %}{% when 2 %}a{% else %}b{% when 2 %}c{% endcase %}', 'ac', { x: 2 }],
    ['text before the first when is not rendered', '{% case x %}zz{% when 2 %}a{% endcase %}', 'a', { x: 2 }],
    ['when without a value', '{% case x %}{% when %}a{% endcase %}', fails],
  ]);
});

describe('if with extra else/elsif', () => {
  table([
    // Ruby reference, tags/if.rb: an else condition is always true, so blocks after the first else are never reached.
    ['else markup is ignored', '{% if false %}1{% else nonsense %}2{% endif %}', '2'],
    ['second else ignored', '{% if false %}1{% else %}2{% else %}3{% endif %}', '2'],
    ['elsif after else ignored', '{% if false %}1{% else %}2{% elsif true %}3{% endif %}', '2'],
  ]);
});

describe('render and include bindings, forloop.parentloop', () => {
  const partials = { item: '{{ item }}{{ forloop.index }};', card: '<{{ card }}>', named: '<{{ p }}>' };
  table([
    // Shopify Liquid docs, tags/render: `for` renders once per item, the item named after the snippet, with forloop.
    ['render for without as', "{% render 'card' for xs %}", '<a><b>', { xs: ['a', 'b'] }, partials],
    ['render for with as', "{% render 'item' for xs as item %}", 'a1;b2;', { xs: ['a', 'b'] }, partials],
    ['render with as', "{% render 'named' with x as p %}", '<v>', { x: 'v' }, partials],
    // Ruby reference, tags/include.rb: with/for and `as`; an array value renders the partial per element.
    ['include with as', "{% include 'named' with x as p %}", '<v>', { x: 'v' }, partials],
    ['include for an array', "{% include 'card' for xs %}", '<a><b>', { xs: ['a', 'b'] }, partials],
    // Shopify Liquid docs, objects/forloop#forloop-parentloop.
    ['parentloop', '{% for i in (1..2) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ forloop.index }} {% endfor %}{% endfor %}', '11 12 21 22 '],
    // Ruby reference, tags/for.rb + Utils.to_integer: limit/offset nil means none, integer strings count, other values fail.
    ['limit and offset as integer strings', "{% for i in (1..5) offset: '1' limit: '2' %}{{ i }}{% endfor %}", '23'],
    ['undefined limit means no limit', '{% for i in (1..3) limit: nope %}{{ i }}{% endfor %}', '123'],
    ['array limit is an error', '{% for i in (1..3) limit: xs %}{{ i }}{% endfor %}', fails, { xs: [1] }],
    ['offset: continue with no earlier loop starts at 0', '{% for i in (1..3) offset: continue %}{{ i }}{% endfor %}', '123'],
    ['no parentloop at the top', '{% for i in (1..1) %}[{{ forloop.parentloop }}]{% endfor %}', '[]'],
  ]);
});

describe('inline snippets', () => {
  table([
    // Ruby reference, tags/snippet.rb: the tag outputs nothing and assigns a snippet; `render name` renders it.
    ['defining outputs nothing', 'a{% snippet s %}b{% endsnippet %}c', 'ac'],
    ['render a snippet twice', '{% snippet s %}<{{ v }}>{% endsnippet %}{% render s, v: 1 %}{% render s, v: 2 %}', '<1><2>'],
    // Ruby reference: the snippet renders in an isolated scope, as a partial does (render.rb).
    ['isolated scope', "{% assign z = 1 %}{% snippet s %}[{{ z }}]{% assign w = 2 %}{% endsnippet %}{% render s %}{{ w }}", '[]'],
    ['the last definition wins', '{% snippet s %}1{% endsnippet %}{% snippet s %}2{% endsnippet %}{% render s %}', '2'],
    // Ruby reference, snippet.rb: the name is one identifier.
    ['quoted name is an error', "{% snippet 's' %}x{% endsnippet %}", fails],
    ['junk after the name is an error', '{% snippet s t %}x{% endsnippet %}', fails],
  ]);
});

describe('cycle', () => {
  table([
    // Ruby reference, tags/cycle.rb: an unnamed cycle is keyed by its values.
    ['unnamed', "{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}", 'aba'],
    ['different values, different cycles', "{% cycle 1, 2, 3 %}{% cycle 1, 2 %}{% cycle 1, 2, 3 %}", '112'],
    // Ruby reference, cycle.rb: a named cycle is keyed by the name's value alone.
    ['named, different values share the position', "{% cycle 'g': 1, 2, 3 %}{% cycle 'g': 7, 8, 9 %}{% cycle 'g': 1, 2, 3 %}", '183'],
    ['position past the last value prints nothing', "{% cycle 'g': 1, 2 %}{% cycle 'g': 1, 2, 3 %}{% cycle 'g': 1 %}", '12'],
  ]);
});
