import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTemplate } from '../../src/core/content/render.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

/**
 * The HTML part escapes every output exactly once, whatever the template does; the plain-text
 * part and the subject never show an entity. Each row renders a stored profile through the
 * template service (preview), on each database, and through both render paths (the compiled
 * fast path and liquidjs alone), which must agree.
 *
 * Where the expected values come from:
 * - plain output: Tailor escapes every HTML output (README "Safety"; liquidjs `outputEscape:
 *   "escape"`, https://liquidjs.com/tutorials/escaping): `A&B` → `A&amp;B`.
 * - `escape`: Shopify's filter escapes `&` once (https://shopify.dev/docs/api/liquid/filters/escape);
 *   an autoescaping engine does not escape its result again (Twig: "smart enough to not escape
 *   an already escaped value by the escape filter"; Nunjucks 2.4.1: "the escape filter now won't
 *   double-escape … This matches the Jinja2 behavior").
 * - `escape_once` on `A&amp;B`: "Escapes a string without changing existing escaped entities"
 *   (https://shopify.github.io/liquid/filters/escape_once/: `1 &lt; 2 &amp; 3` stays as it is).
 * - `capture`: the captured text is HTML the template itself rendered, its outputs already
 *   escaped; template data (Jinja2's macros and blocks, Twig's functions returning template
 *   data) is safe markup and is not escaped again. So `{{ x }}` prints it as captured.
 * - `raw`: "directly returns the value of the variable. Useful when outputEscape is set"
 *   (https://liquidjs.com/filters/raw): `A&B`.
 * - The text part and the subject are text/plain and a header (RFC 2046 §4.1.3, RFC 5322):
 *   nothing decodes entities there, so each row's text is what a browser shows for its HTML.
 */
const ROWS: { name: string; liquid: string; html: string; text: string; subject?: string }[] = [
  { name: 'plain', liquid: '{{ profile.name }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'escape', liquid: '{{ profile.name | escape }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'escape-once', liquid: '{{ profile.escaped | escape_once }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'escape-once-raw-input', liquid: '{{ profile.name | escape_once }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'capture', liquid: '{% capture x %}{{ profile.name }}{% endcapture %}{{ x }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'capture-markup', liquid: '{% capture x %}<b>{{ profile.name }}</b>{% endcapture %}{{ x }}', html: '<b>A&amp;B</b>', text: 'A&B', subject: '<b>A&B</b>' },
  { name: 'assign-escape', liquid: '{% assign e = profile.name | escape %}{{ e }}', html: 'A&amp;B', text: 'A&B' },
  { name: 'raw', liquid: '{{ profile.name | raw }}', html: 'A&B', text: 'A&B' },
  // A plain value that holds an entity is text: the recipient must see the entity's characters.
  { name: 'plain-entity', liquid: '{{ profile.escaped }}', html: 'A&amp;amp;B', text: 'A&amp;B' },
];

const between = (s: string): string => /\[\[([\s\S]*?)\]\]/.exec(s)?.[1] ?? `(no [[…]] in ${s})`;

describe.each(dialects)('escaping exactly once on $name', ({ url }) => {
  let t: TestTailor;
  // One database per dialect (opening a PostgreSQL schema costs seconds); each row has its own template.
  beforeAll(async () => {
    t = await openTailor(await url());
    await t.ingest([msg({ type: 'identify', userId: 'ab', traits: { name: 'A&B', escaped: 'A&amp;B' } })]);
  });
  afterAll(async () => t.close());

  it.each(ROWS)('$name: $liquid', async ({ name, liquid, html, text, subject }) => {
    const body = `<mjml><mj-body><mj-section><mj-column><mj-text>[[${liquid}]]</mj-text></mj-column></mj-section></mj-body></mjml>`;
    await t.templates.create({ name, kind: 'transactional', subject: `S [[${liquid}]]`, body });
    const r = await t.templates.preview(name, 'ab');
    if (!r.ok) throw new Error(r.error);
    expect(between(r.html)).toBe(html);
    expect(between(r.text)).toBe(text);
    expect(between(r.subject)).toBe(subject ?? text);
    // Both render paths give the same message.
    const { version } = await t.templates.get(name);
    const context = { profile: { name: 'A&B', escaped: 'A&amp;B' }, unsubscribe_url: 'https://t.example/u/x' };
    expect(prepareTemplate(version.compiled, { fastPath: false }).render(context)).toEqual(prepareTemplate(version.compiled).render(context));
  });

  it('an imported Handlebars template escapes as Handlebars in the HTML, and its subject and text show no entities', async () => {
    // handlebars' escapeExpression gives &amp; (README "Importing templates"); a subject or text part is not HTML.
    await t.templates.importTemplate({ from: 'handlebars', name: 'hb', kind: 'transactional', subject: 'Yo {{profile.name}}', source: '<p>[[{{profile.name}}]]</p>' });
    const r = await t.templates.preview('hb', 'ab');
    if (!r.ok) throw new Error(r.error);
    expect(between(r.html)).toBe('A&amp;B');
    expect(between(r.text)).toBe('A&B');
    expect(r.subject).toBe('Yo A&B');
  });

  it('a block (render partial) prints what its caller escaped or captured once', async () => {
    await t.templates.setBlock({ name: 'label', kind: 'liquid', body: '<i>{{ v }}</i>' });
    const body = '<mjml><mj-body><mj-section><mj-column><mj-text>[[{% capture c %}{{ profile.name }}{% endcapture %}'
      + "{% render 'label', v: c %}{% render 'label', v: profile.name %}{% render 'label', v: profile.name | escape %}]]</mj-text></mj-column></mj-section></mj-body></mjml>";
    await t.templates.create({ name: 'blocks', kind: 'transactional', subject: 'S', body });
    const r = await t.templates.preview('blocks', 'ab');
    if (!r.ok) throw new Error(r.error);
    expect(between(r.html)).toBe('<i>A&amp;B</i><i>A&amp;B</i><i>A&amp;B</i>');
    expect(between(r.text)).toBe('A&BA&BA&B');
  });
});
