import type { Template } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { createLiquid, RENDER_LIMITS } from '../liquid-env.ts';
import { compileFast } from './index.ts';

/**
 * Differential cases for the tag and whitespace behaviour of liquid/shopify-tags.ts as the
 * compiled fast path reproduces it: the blank-block rule, `forloop.parentloop`, `if` with extra
 * `else`/`elsif`, doc and nested comments, `render` of a block. Each must compile (stay on the
 * fast path) and render byte for byte what liquidjs renders, on both engines of liquid-env.ts.
 * Constructs the fast path declines (case, tablerow, ifchanged, include, render … for) are
 * checked to return null.
 */
const LIMITS = { renderLimit: RENDER_LIMITS.renderLimit };
const PARTIALS = {
  block: '\n  {% if show %}\n    {{ title }}\n  {% endif %}\n',
  quiet: '{% if x %}\n  {% assign y = 1 %}\n{% endif %}\n',
  loop: '{% for i in (1..2) %} {{ forloop.parentloop.index }}{% endfor %}',
};
const DATA = { show: true, title: '<T>', list: [1, 2, 3], x: 1, nothing: [] };

const compiled = [
  '[{% if true %}  \n {% endif %}]',
  '[{% if true %}\n  {% assign a = 1 %}\n{% endif %}]{{ a }}',
  '[{% unless false %} {% comment %}c{% endcomment %} {% endunless %}]',
  '[{% for i in list %}\n  {% assign last = i %}\n{% endfor %}]{{ last }}',
  '[{% for i in nothing %} {% else %} \t {% endfor %}]',
  '[{% if true %} {{ "" }} {% endif %}]',
  '[{% if true %} x {% endif %}]',
  '[{% if false %} {% elsif true %} {% if true %} {% endif %} {% else %} {% endif %}]',
  '[{% for i in list %} {% if i == 2 %} {% break %} {% endif %} {% endfor %}]',
  '[{% if true %} {% raw %}{% endraw %} {% endif %}][{% if true %} {% raw %} {% endraw %} {% endif %}]',
  '{% for i in (1..2) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ forloop.index }} {% endfor %}{% endfor %}',
  '{% for i in (1..2) %}{% for j in (1..1) %}{% for k in (1..1) %}{{ forloop.parentloop.parentloop.index }}{% endfor %}{% endfor %}{% endfor %}',
  '{{ forloop.parentloop.index }}|{% for i in (1..2) %}{{ forloop.parentloop }}{% endfor %}',
  '{% for i in (1..2) %}{% render "loop" %}{% endfor %}',
  '{% if false %}1{% else nonsense %}2{% else %}3{% elsif true %}4{% endif %}',
  '{% if false %}1{% else %} {% else %}3{% endif %}|',
  'a{% doc %}{{ not parsed {% if %}{% enddoc %}b {%- doc -%} x {%- enddoc -%} c',
  'a{% comment %} {% comment %} x {% endcomment %} {% endcomment %}b',
  '{% render "block", show: show, title: title %}|{% render "quiet", x: x %}|',
  'x {%- raw -%} {{ y }} {%- endraw -%} z',
  "{% for i in list offset: '1' limit: '1' %}{{ i }}{% endfor %}|{% for i in list limit: nope %}{{ i }}{% endfor %}",
  '{% for i in list limit: 1 %}{{ i }}{% endfor %}{% for i in list offset: continue %}{{ i }}{% endfor %}{% for j in list offset: continue %}{{ j }}{% endfor %}',
];

const declined = [
  '{% case 1 %}{% when 1 %} {% endcase %}',
  '{% tablerow i in list %}{{ i }}{% endtablerow %}',
  '{% ifchanged %}x{% endifchanged %}',
  '{% include "block" %}',
  '{% render "block" for list as item %}',
];

function both(escape: boolean, source: string) {
  const engine = createLiquid(escape, PARTIALS);
  const parsed: Template[] = engine.parse(source);
  const fast = compileFast(engine, parsed);
  const slow = engine.renderSync(parsed, {}, { globals: DATA }) as string;
  return { fast, slow, quick: fast?.render({}, DATA, LIMITS) };
}

describe('fast-liquid: Shopify tag and whitespace behaviour, differential', () => {
  for (const escape of [true, false]) {
    it.each(compiled)(`compiles and matches liquidjs (escape ${escape}): %s`, (source) => {
      const r = both(escape, source);
      expect(r.fast).not.toBeNull();
      expect(r.quick).toBe(r.slow);
    });
  }

  it.each(declined)('declines, so liquidjs renders: %s', (source) => {
    expect(both(true, source).fast).toBeNull();
  });

  it.each(['{% for i in list limit: list %}{{ i }}{% endfor %}', "{% for i in list offset: 'x' %}{% endfor %}", '{% for i in list limit: 1.5 %}{% endfor %}'])(
    'fails limit/offset that are not integers with the same error on both paths: %s', (source) => {
      const engine = createLiquid(false, PARTIALS);
      const parsed: Template[] = engine.parse(source);
      const fast = compileFast(engine, parsed)!;
      // Ruby reference, Utils.to_integer: "invalid integer".
      expect(() => engine.renderSync(parsed, {}, { globals: DATA })).toThrow(/invalid integer/);
      expect(() => fast.render({}, DATA, LIMITS)).toThrow(/invalid integer/);
    });

  it('applies the blank rule the same way on both paths (spot values from the Ruby reference rule)', () => {
    // Ruby reference implementation, BlockBody#render_to_output_buffer: a blank block renders into a throwaway buffer.
    expect(both(false, '[{% if true %}\n  {% assign a = 1 %}\n{% endif %}]{{ a }}').quick).toBe('[]1');
    // A block with an output is not blank, its whitespace is kept.
    expect(both(false, '[{% if true %} x {% endif %}]').quick).toBe('[ x ]');
  });
});
