import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS, TEMPLATE, recipient } from '../../../../bench/lib/render-fixture.ts';
import { compileTemplate } from '../compile.ts';
import { compileFast } from './index.ts';
import { attempt, renderBoth } from './differential.test-helper.ts';
import { createLiquid, RENDER_LIMITS } from '../liquid-env.ts';

const LIMITS = { renderLimit: RENDER_LIMITS.renderLimit };
/**
 * Differential tests: the compiled fast path (src/core/content/fast-liquid) against liquidjs
 * itself, on both engine configurations of liquid-env.ts (escaping and not). Same output byte
 * for byte, or both throw the same error.
 */
const both = renderBoth;

// ---- random templates from the supported grammar ------------------------------------------

const htmlText = fc.constantFrom('', ' ', 'Hi ', '<b>', '&amp;', '\n', ' | ', 'x', '"q"', "it's", '\n\n  ');
const quoted = fc.constantFrom('"a"', '"<i>&\'"', "'x y'", '""', '"Champions"', '"b"', '" pad "', '"A b C"');
const number = fc.constantFrom('0', '1', '2', '-1', '3', '1.5', '10', '-2.25');
const literal = fc.constantFrom('true', 'false', 'nil', 'null');
const root = fc.constantFrom('a', 'b', 's', 'n', 'arr', 'obj', 'items', 'nested', 'missing', 'x', 'y', 'forloop', 'v1', 'v2', 'k', 'size', 'preheader');
const prop = fc.oneof(
  fc.constantFrom('.a', '.b', '.name', '.size', '.first', '.last', '.k', '.missing', '.0', '.price', '.index', '.index0',
    '.rindex', '.rindex0', '.first', '.last', '.length', '.name', '.parentloop', '.constructor', '.toString', '.__proto__'),
  fc.constantFrom('[0]', '[1]', '[-1]', '[-3]', '[5]', '["a"]', "['name']", '["<i>"]', '[n]', '[k]', '[x]', '[true]', '[nil]'),
);
const path = fc.tuple(root, fc.array(prop, { maxLength: 3 })).map(([r, ps]) => r + ps.join(''));
const range = fc.tuple(fc.oneof(number, path), fc.oneof(number, path)).map(([l, r]) => `(${l}..${r})`);
const operand = fc.oneof({ weight: 100, arbitrary: path }, { weight: 40, arbitrary: quoted }, { weight: 40, arbitrary: number },
  { weight: 20, arbitrary: literal }, { weight: 20, arbitrary: range }, { weight: 20, arbitrary: quoted.map((q) => `${q}.size`) },
  // Rarely, a range over the memory limit (an error on both paths).
  { weight: 1, arbitrary: fc.constantFrom('(1..99999999)', '(1..99999999).size', 'odd', 'odd.a') });
const cmp = fc.constantFrom('==', '!=', '<', '>', '<=', '>=', 'contains');
const comparison = fc.oneof(operand, fc.tuple(operand, cmp, operand).map(([l, o, r]) => `${l} ${o} ${r}`));
const condition = fc.oneof(
  { weight: 4, arbitrary: comparison },
  { weight: 2, arbitrary: fc.tuple(comparison, fc.constantFrom('and', 'or'), comparison).map(([l, o, r]) => `${l} ${o} ${r}`) },
  { weight: 1, arbitrary: fc.tuple(comparison, fc.constantFrom('and', 'or'), comparison, fc.constantFrom('and', 'or'), comparison).map((p) => p.join(' ')) },
  { weight: 1, arbitrary: comparison.map((c) => `not ${c}`) },
);
const arg = fc.oneof(quoted, number, path, literal);
const filter = fc.oneof(
  fc.constantFrom('upcase', 'downcase', 'size', 'escape', 'raw', 'money', 'date_local', 'first_word', 'join', 'first', 'last',
    'strip', 'url_encode', 'truncate', 'default', 'escape_once', 'xml_escape', 'safe_url'),
  fc.tuple(fc.constantFrom('default', 'append', 'prepend', 'plus', 'minus', 'times', 'join', 'truncate', 'money', 'date_local'), arg)
    .map(([f, a]) => `${f}: ${a}`),
  fc.tuple(fc.constantFrom('truncate', 'replace', 'money'), arg, arg).map(([f, a, b]) => `${f}: ${a}, ${b}`),
  fc.constantFrom('money: "EUR", "de-DE"', 'money: "USD"', 'date_local: "short"', 'date_local: "long", "America/New_York"',
    'truncate: 3, "…"', 'replace: "a", "<>"', 'default: "x", allow_false: true', 'join: ", "', 'plus: 1.5', 'times: -2'),
);
const valueExpr = fc.tuple(fc.oneof({ weight: 4, arbitrary: operand }, { weight: 1, arbitrary: comparison }), fc.array(filter, { maxLength: 3 }))
  .map(([v, fs]) => [v, ...fs].join(' | '));
const trimL = fc.constantFrom('', '', '', '-');
const trimR = fc.constantFrom('', '', '', '-');
const tagOpen = (body: string) => fc.tuple(trimL, trimR).map(([l, r]) => `{%${l} ${body} ${r}%}`);
const output = fc.tuple(valueExpr, trimL, trimR).map(([v, l, r]) => `{{${l} ${v} ${r}}}`);

type Node = fc.Arbitrary<string>;
function templateArb(allowRender: boolean, depth: number): Node {
  const block: Node = depth <= 0
    ? fc.array(fc.oneof(htmlText, output), { maxLength: 4 }).map((xs) => xs.join(''))
    : fc.array(node(allowRender, depth - 1), { maxLength: 5 }).map((xs) => xs.join(''));
  return block;
}
function node(allowRender: boolean, depth: number): Node {
  if (depth <= 0) return fc.oneof(htmlText, output);
  const inner = templateArb(allowRender, depth);
  const options: { weight: number; arbitrary: Node }[] = [
    { weight: 6, arbitrary: htmlText },
    { weight: 6, arbitrary: output },
    { weight: 2, arbitrary: fc.tuple(condition, inner, fc.array(fc.tuple(condition, inner), { maxLength: 2 }), fc.option(inner))
      .map(([c, t, elifs, e]) => `{% if ${c} %}${t}${elifs.map(([c2, t2]) => `{% elsif ${c2} %}${t2}`).join('')}${e === null ? '' : `{% else %}${e}`}{% endif %}`) },
    { weight: 1, arbitrary: fc.tuple(condition, inner, fc.option(inner))
      .map(([c, t, e]) => `{% unless ${c} %}${t}${e === null ? '' : `{% else %}${e}`}{% endunless %}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('x', 'y'), fc.oneof(path, range, quoted, fc.constantFrom('arr', 'items', 'obj', 'nested', '(1..4)', '(n..3)')),
      fc.subarray(['limit: 2', 'offset: 1', 'reversed', 'limit: n', 'offset: continue'], { maxLength: 2 }),
      fc.array(fc.oneof({ weight: 4, arbitrary: node(allowRender, depth - 1) },
        { weight: 1, arbitrary: fc.tuple(condition, fc.constantFrom('break', 'continue')).map(([c, b]) => `{% if ${c} %}{% ${b} %}{% endif %}`) },
        { weight: 1, arbitrary: fc.constantFrom('{% break %}', '{% continue %}') }), { maxLength: 4 }),
      fc.constantFrom('', '', '[{{ VAR }}]', '[{{ forloop.index }}/{{ forloop.rindex0 }}:{{ VAR.name }}]', '{% if forloop.first %}<{% endif %}{{ VAR }}{% if forloop.last %}>{% endif %}'),
      fc.option(inner))
      .map(([v, coll, mods, body, probe, e]) =>
        `{% for ${v} in ${coll}${mods.length ? ' ' + mods.join(' ') : ''} %}${probe.replaceAll('VAR', v)}${body.join('')}${e === null ? '' : `{% else %}${e}`}{% endfor %}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('arr', 'items', '(1..5)', 's'), fc.constantFrom('limit: 2', 'limit: 1 offset: 1', 'offset: 4', ''), inner)
      .map(([c, m, b]) => `{% for x in ${c} ${m} %}{{ x }},${b}{% endfor %};{% for x in ${c} offset: continue %}{{ x }}.{% endfor %}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('v1', 'v2', 'a', 'x'), valueExpr).chain(([name, v]) => tagOpen(`assign ${name} = ${v}`)) },
    { weight: 1, arbitrary: fc.constantFrom('{% comment %}{{ a }} {% if %}{% endcomment %}', '{% raw %}{{ a }}{% if b %}{% endraw %}', '{% # note %}') },
  ];
  if (allowRender) {
    options.push({ weight: 2, arbitrary: fc.tuple(fc.constantFrom('p1', 'p2'), fc.array(fc.tuple(fc.constantFrom('a', 'x', 'k', 'v1', 'flag'), fc.option(operand)), { maxLength: 3 }))
      .map(([p, hs]) => `{% render '${p}'${hs.map(([k, v]) => `, ${k}${v === null ? '' : `: ${v}`}`).join('')} %}`) });
  }
  return fc.oneof(...options);
}

const specialString = fc.constantFrom('', 'Ana María', '<script>alert("x")</script>', 'a & b', "O'Hara", '  spaced  ', 'Champions', 'a', 'b',
  '2026-03-01T10:00:00Z', '42', '3.5', 'x<y>z', 'ÉLAN', 'a &amp; b', 'javascript:alert(1)', 'https://shop.example/?a=1&b=2');
const scalar = fc.oneof(specialString, fc.integer({ min: -5, max: 12 }), fc.constantFrom(0, 1, 2, 19.9, -0.5, 1e3), fc.boolean(), fc.constant(null));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('arr'), tie('obj')),
  arr: fc.array(tie('value'), { maxLength: 4 }),
  obj: fc.dictionary(fc.constantFrom('a', 'b', 'name', 'k', 'size', 'first', 'last', 'price', '0', '<i>', 'index'), tie('value'), { maxKeys: 4, noNullPrototype: true }),
})).value;
const data = fc.record({
  a: jsonValue, b: jsonValue, s: specialString, n: fc.integer({ min: -3, max: 6 }), arr: fc.array(scalar, { maxLength: 5 }),
  obj: jsonValue, items: fc.array(jsonValue, { maxLength: 5 }), nested: jsonValue, k: fc.oneof(fc.constantFrom('a', 'name', '<i>'), fc.integer({ min: -2, max: 3 })),
  profile: fc.record({ currency: fc.constantFrom('EUR', 'USD', 'XXX', ''), locale: fc.constantFrom('fr-FR', 'en', 'de-DE', 'xx-invalid'),
    timezone: fc.constantFrom('Europe/Paris', 'UTC', 'Nope/Zone') }, { requiredKeys: [], noNullPrototype: true }),
  // Occasionally an object without a prototype: String() of it throws, on both paths.
  odd: fc.constant(Object.create(null) as Record<string, unknown>),
}, { requiredKeys: ['n', 'profile'], noNullPrototype: true });

const scenario = fc.record({
  main: templateArb(true, 3).map((t) => `${t}|{{ v1 }}|{{ v2 }}|{{ x }}|{{ a }}`),
  p1: templateArb(false, 2).map((t) => `[{{ x }}|{{ v1 }}|{{ a }}|{{ k }}|{{ forloop.index }}|{{ preheader }}|{{ n }}]${t}`),
  p2: templateArb(false, 1).map((t) => `{% if flag %}[flag]{% endif %}${t}`),
  data,
});

describe('fast-liquid: differential against liquidjs', () => {
  it('renders random supported templates byte-identically (or both throw the same error), escaping and not', () => {
    let compared = 0;
    let threw = 0;
    const kinds = new Map<string, number>();
    fc.assert(fc.property(scenario, ({ main, p1, p2, data }) => {
      for (const escape of [true, false]) {
        const engine = createLiquid(escape, { p1, p2 });
        const r = both(engine, main, data as Record<string, unknown>, { preheader: '<pre>' });
        expect(r.fast, `compileFast bailed on ${main}`).not.toBeNull();
        expect(r.quick).toEqual(r.slow);
        compared++;
        if (!r.slow.ok) {
          threw++;
          const kind = `${r.slow.name}: ${r.slow.message.split(',')[0]}`;
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
      }
    }), { seed: 20260311, numRuns: 1200, endOnFailure: true });
    expect(compared).toBe(2400);
    // Some errors must occur (memory limit from huge ranges, etc.), and most renders succeed.
    expect(threw).toBeGreaterThan(0);
    expect(threw).toBeLessThan(compared / 4);
    console.log(`fast-liquid differential: ${compared} renders compared, ${threw} threw on both paths`, Object.fromEntries(kinds));
  });

  it('renders the demo template identically for 2,000 recipients: subject, preheader, html and text', async () => {
    const c = await compileTemplate(TEMPLATE, BLOCKS, () => performance.now());
    const html = createLiquid(true, c.htmlPartials);
    const text = createLiquid(false, c.textPartials);
    const parts = [[text, c.subject], [text, c.preheader], [html, c.html], [text, c.text]] as const;
    const compiled = parts.map(([engine, src]) => {
      const parsed = engine.parse(src);
      const fast = compileFast(engine, parsed);
      expect(fast).not.toBeNull();
      return { engine, parsed, fast: fast! };
    });
    for (let i = 0; i < 2000; i++) {
      const context = recipient(i);
      for (const { engine, parsed, fast } of compiled) {
        const scope = { preheader: `Picked for ${i}` };
        const slow = engine.renderSync(parsed, scope, { globals: context }) as string;
        expect(fast.render(scope, context, LIMITS)).toBe(slow);
      }
    }
  });

  it('stops runaway templates with the same limit errors as liquidjs', () => {
    const engine = createLiquid(true, { loop: '{% for i in (1..10000) %}{% for j in (1..10000) %}{{ j }}{% endfor %}{% endfor %}' });
    // Memory: a huge range is charged before it is built.
    const mem = both(engine, 'a{% for i in (1..100000000) %}{{ i }}{% endfor %}', {});
    expect(mem.slow).toMatchObject({ ok: false, message: expect.stringContaining('memory alloc limit exceeded') });
    expect(mem.quick).toEqual(mem.slow);
    // Loops: more than MAX_LOOP_ITEMS items fail the render, with the same error on both paths.
    const long = both(engine, '{% for i in (1..10001) %}x{% endfor %}', {});
    expect(long.slow).toMatchObject({ ok: false, message: expect.stringMatching(/^loop limit exceeded: 10001 items, at most 10000 per loop/) });
    expect(long.quick).toEqual(long.slow);
    expect(both(engine, '{% for i in (1..10000) %}{% endfor %}ok', {}).quick).toMatchObject({ ok: true });
    // Time: nested loops run into renderLimit (where exactly it is noticed depends on timing, so compare the kind).
    const limits = { ...LIMITS, renderLimit: 50 };
    for (const src of ['{% for i in (1..10000) %}{% for j in (1..10000) %}{{ j }}{% endfor %}{% endfor %}', "x{% render 'loop' %}"]) {
      const parsed = engine.parse(src);
      const fast = compileFast(engine, parsed)!;
      expect(fast).not.toBeNull();
      const slow = attempt(() => engine.renderSync(parsed, {}, { globals: {}, renderLimit: 50 }) as string);
      const quick = attempt(() => fast.render({}, {}, limits));
      for (const r of [slow, quick]) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toMatch(/^template render limit exceeded/);
      }
      if (!slow.ok && !quick.ok) expect(quick.name).toBe(slow.name);
    }
  });

  it('declines what it does not implement, so the caller falls back to liquidjs', () => {
    const engine = createLiquid(true, { p: 'x' });
    const unsupported = [
      '{% case a %}{% when 1 %}one{% endcase %}',
      '{% capture c %}x{% endcapture %}{{ c }}',
      '{% hb_scope a %}{{ b }}{% endhb_scope %}',
      '{% if a == empty %}e{% endif %}',
      '{% if a == blank %}e{% endif %}',
      '{% include "p" %}',
      '{% cycle "a", "b" %}',
      '{% increment n %}',
      '{% echo a %}',
      '{% liquid assign x = 1 %}',
      '{% tablerow x in arr %}{{ x }}{% endtablerow %}',
      '{% render p %}',
      '{% render "p" with a %}',
      '{% render "p" for arr as x %}',
      '{% render "missing" %}',
      '{% if a %}{% case a %}{% endcase %}{% endif %}',
      "{% render 'p' %}{% for x in arr %}{% capture c %}{% endcapture %}{% endfor %}",
    ];
    for (const src of unsupported) expect(compileFast(engine, engine.parse(src)), src).toBeNull();
    expect(compileFast(engine, engine.parse('{% if a %}{{ a | upcase }}{% endif %}'))).not.toBeNull();
    // A partial using an unsupported tag makes the template using it unsupported.
    const withBad = createLiquid(true, { bad: '{% capture c %}x{% endcapture %}' });
    expect(compileFast(withBad, withBad.parse("{% render 'bad' %}"))).toBeNull();
  });
});
