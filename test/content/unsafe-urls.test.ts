import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTemplate } from '../../src/core/content/render.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

/**
 * URLs from data that would run script (javascript:, vbscript:, data:text/html, in any case,
 * with spaces, controls or entities) never reach a recipient's HTML: after Liquid and MJML every
 * URL attribute whose scheme is not http, https, mailto or tel is `#`, and the recipient's render
 * has a warning for it. Lint asks for `safe_url` where a URL attribute's scheme comes from data.
 */
const UNSAFE = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)', '  javascript:alert(1)',
  '\u0001javascript:alert(1)', '\u0000 javascript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  // Entity-encoded: printed escaped, these decode to entities a second decoder (some clients, link proxies) would read as script.
  '&#106;avascript:alert(1)', '&#x6A;avascript&colon;alert(1)', 'jav&#x09;ascript:alert(1)', '&amp;#106;avascript:alert(1)',
];
const SAFE = ['https://shop.example/p/1?a=1&b=2', 'HTTP://SHOP.EXAMPLE/', 'mailto:ana@example.com?subject=Hi', 'tel:+33123456789', '/p/1', 'p/1.png', '#top', '?q=1', ''];

/** Every URL attribute of the HTML, and in the (Outlook) conditional comments, as a browser decodes it. */
function urlAttributes(html: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const parse = (s: string) => new Parser({
    onattribute: (name, value) => { if (/^(href|src|action|formaction|background|poster|srcset|xlink:href)$/.test(name)) out.push({ name, value }); },
    oncomment: (data) => { if (data.startsWith('[if')) parse(data); },
  }).end(s);
  parse(html);
  return out;
}

/** The URL attributes that hold the value: not the recipient links, nor the font MJML links to. */
const fromData = (html: string) => urlAttributes(html).filter((a) => !/^(http:\/\/localhost:3000\/|https:\/\/t\.example\/|https:\/\/fonts\.googleapis\.com\/)/.test(a.value));

/** An HTML-format template with the value in every kind of URL attribute, raw and escaped. */
const ATTRIBUTES_HTML = [
  '<html><body>',
  '<a id="a" href="{{ event.url }}">a</a><a id="araw" href="{{ event.url | raw }}">raw</a>',
  '<img id="i" src="{{ event.url }}" alt="i"><form action="{{ event.url }}"><button formaction="{{ event.url }}">b</button></form>',
  '<table background="{{ event.url }}"><tr><td background="{{ event.url | raw }}">x</td></tr></table><video poster="{{ event.url }}"></video>',
  '<img alt="s" srcset="{{ event.url }} 1x, https://img.example/ok.png 2x">',
  '<svg><a xlink:href="{{ event.url }}"><text>v</text></a></svg>',
  '<!--[if mso]><v:image src="{{ event.url }}" /><![endif]-->',
  '<a href="{{ unsubscribe_url }}">unsubscribe</a>',
  '</body></html>',
].join('');

/** An MJML template: the value goes through mj-button and mj-image, which MJML compiles into attributes. */
const ATTRIBUTES_MJML = '<mjml><mj-body><mj-section><mj-column><mj-button href="{{ profile.url }}">Go</mj-button>'
  + '<mj-image src="{{ profile.url }}" alt="p" href="{{ profile.url }}" /><mj-text><a href="{{ unsubscribe_url }}">u</a></mj-text></mj-column></mj-section></mj-body></mjml>';

describe.each(dialects)('unsafe URLs on $name', ({ url }) => {
  let t: TestTailor;
  beforeAll(async () => {
    t = await openTailor(await url());
    await t.ingest([...UNSAFE, ...SAFE].map((u, i) => msg({ type: 'identify', userId: `u${i}`, traits: { url: u } })));
    await t.templates.create({ name: 'attrs', kind: 'transactional', subject: 'S', body: ATTRIBUTES_HTML, format: 'html' });
    await t.templates.create({ name: 'mjml', kind: 'transactional', subject: 'S', body: ATTRIBUTES_MJML });
  });
  afterAll(async () => t.close());

  /** Renders both templates for the i-th profile, through preview and both render paths (which must agree). */
  const renderAll = async (value: string, i: number) => {
    const out = [];
    for (const name of ['attrs', 'mjml']) {
      const r = await t.templates.preview(name, `u${i}`, { event: { url: value } });
      if (!r.ok) throw new Error(r.error);
      const { version } = await t.templates.get(name);
      const context = { profile: { url: value }, event: { url: value }, unsubscribe_url: 'https://t.example/u/x' };
      const fast = prepareTemplate(version.compiled).render(context);
      expect(prepareTemplate(version.compiled, { fastPath: false }).render(context)).toEqual(fast);
      out.push({ name, r, fast });
    }
    return out;
  };

  it.each(UNSAFE.map((v, i) => [JSON.stringify(v), v, i] as const))('%s becomes "#" in every URL attribute, with a warning', async (_label, value, i) => {
    for (const { name, r, fast } of await renderAll(value, i)) {
      const attributes = fromData(r.html);
      expect(attributes.length, name).toBe(name === 'attrs' ? 11 : 3);
      for (const a of attributes) {
        // A srcset splits at spaces (so "java\tscript:…" is the URL "java" and a bad descriptor): its unsafe part is "#".
        if (a.name === 'srcset') {
          expect(a.value, `${name} ${a.name}`).toMatch(/# 1x, https:\/\/img\.example\/ok\.png 2x$/);
          expect(a.value, `${name} ${a.name}`).not.toMatch(/script|data|&/i);
        } else {
          expect(a.value, `${name} ${a.name}`).toBe('#');
        }
      }
      expect(r.ok && r.warnings.length, name).toBeGreaterThan(0);
      expect(r.ok && r.warnings.join('\n'), name).toMatch(/^unsafe URL in (href|src) replaced by "#": "/);
      expect(fast.ok && fast.warnings.length).toBeGreaterThan(0);
    }
  });

  it.each(SAFE.map((v, i) => [JSON.stringify(v), v, UNSAFE.length + i] as const))('%s stays as it is, without warnings', async (_label, value, i) => {
    for (const { name, r } of await renderAll(value, i)) {
      const attributes = fromData(r.html);
      expect(attributes.length, name).toBe(name === 'attrs' ? 11 : 3);
      for (const a of value === '' ? [] : attributes) {
        expect(a.value, `${name} ${a.name}`).toBe(a.name === 'srcset' ? `${value} 1x, https://img.example/ok.png 2x` : value);
      }
      expect(r.ok && r.warnings, name).toEqual([]);
    }
  });

  it('safe_url gives "#" for an unsafe value and the value otherwise, on both paths and in the text part', async () => {
    await t.templates.create({
      name: 'filtered', kind: 'transactional', subject: 'S {{ profile.url | safe_url }}', format: 'html',
      body: '<p><a href="{{ profile.url | safe_url }}">[[{{ profile.url | safe_url }}]]</a></p>',
    });
    for (const [value, i, want] of [[UNSAFE[0]!, 0, '#'], [UNSAFE[2]!, 2, '#'], [SAFE[0]!, UNSAFE.length, SAFE[0]!]] as const) {
      const r = await t.templates.preview('filtered', `u${i}`);
      if (!r.ok) throw new Error(r.error);
      expect(urlAttributes(r.html)).toEqual([{ name: 'href', value: want }]);
      expect(r.warnings).toEqual([]); // the filter already made it safe
      expect(r.subject).toBe(`S ${want}`);
      expect(r.text).toContain(`[[${want}]]`);
      const { version } = await t.templates.get('filtered');
      const context = { profile: { url: value } };
      expect(prepareTemplate(version.compiled, { fastPath: false }).render(context)).toEqual(prepareTemplate(version.compiled).render(context));
    }
  });

  it('lint: a URL attribute whose scheme comes from a variable wants safe_url; a written unsafe scheme is an error', async () => {
    const lint = async (name: string, body: string) => {
      await t.templates.create({ name, kind: 'transactional', subject: 'S', body, format: 'html' });
      return (await t.templates.lint(name)).issues.filter((i) => i.rule === 'unsafe-url' || i.rule === 'bad-link').map((i) => `${i.severity} ${i.rule}: ${i.message}`);
    };
    const fromData = await lint('from-data', '<a href="{{ profile.url }}">a</a><img alt="i" src="{{ event.image | default: \'x.png\' }}"><form action="{% if a %}{{ profile.url }}{% endif %}"></form>');
    expect(fromData).toEqual([
      expect.stringMatching(/^warning unsafe-url: href="\{\{ profile\.url \}\}" takes its scheme from \{\{ profile\.url \}\}: .*safe_url/),
      expect.stringMatching(/^warning unsafe-url: src=.* takes its scheme from \{\{ event\.image \| default: 'x\.png' \}\}/),
      expect.stringMatching(/^warning unsafe-url: action=/),
    ]);
    expect(await lint('filtered-ok', [
      '<a href="{{ profile.url | safe_url }}">a</a><a href="{{ unsubscribe_url }}">u</a><a href="{{ preferences_url }}">p</a>',
      '<a href="https://shop.example/p/{{ profile.slug }}?utm={{ campaign.id }}">s</a><a href="mailto:{{ profile.email }}">m</a>',
      '<img alt="i" src="{{ event.image | safe_url | image_size: 300 }}"><img alt="j" srcset="https://img.example/{{ event.id }}.png 1x">',
    ].join(''))).toEqual([]);
    const written = await lint('written', '<a href="JaVaScRiPt:alert(1)">a</a><img alt="i" src="javascript:alert(1)"><img alt="s" srcset="ok.png 1x, data:text/html;base64,xx 2x"><form action="vbscript:x"></form>');
    expect(written).toEqual([
      'error bad-link: link "JaVaScRiPt:alert(1)": the scheme javascript: is not allowed',
      'error bad-link: src "javascript:alert(1)": the scheme javascript: is not allowed',
      'error bad-link: srcset "ok.png 1x, data:text/html;base64,xx 2x": the scheme data: is not allowed',
      'error bad-link: action "vbscript:x": the scheme vbscript: is not allowed',
    ]);
  });
});
