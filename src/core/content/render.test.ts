import { describe, expect, it } from 'vitest';
import type { BlockSource } from './blocks.ts';
import { compileTemplate, type TemplateSource } from './compile.ts';
import { recipientLinks, signToken, verifyToken } from '../tracking/tokens.ts';
import { lintTemplate } from './lint.ts';
import { wrapStructuralLiquid } from './mjml-liquid.ts';
import { prepareTemplate } from './render.ts';
import { renderContext } from './render-context.ts';

const now = () => performance.now();
const blocks = (...b: BlockSource[]) => new Map(b.map((x) => [x.name, x]));
const mjml = (body: string) => `<mjml><mj-body>${body}</mj-body></mjml>`;
const section = (text: string) => `<mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section>`;
const src = (body: string, extra: Partial<TemplateSource> = {}): TemplateSource => ({ subject: 'S', preheader: '', body: mjml(body), format: 'mjml', ...extra });
const ctx = (profile: Record<string, unknown>, more: Record<string, unknown> = {}) => ({ profile, event: {}, recommendations: [], campaign: {}, unsubscribe_url: 'https://t.example/u/x', ...more });

async function render(s: TemplateSource, context: Record<string, unknown>, b = blocks()) {
  const r = prepareTemplate(await compileTemplate(s, b, now)).render(context);
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe('template rendering', () => {
  it('escapes every output in HTML, so a trait cannot inject markup; subject and text are not HTML', async () => {
    const evil = '<script>alert("x")</script> & <b>';
    const r = await render(src(section('Hi {{ profile.first_name }}, {{ profile.first_name | raw | size }}'), { subject: 'For {{ profile.first_name }}' }), ctx({ first_name: evil }));
    expect(r.html).toContain('Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(r.html).not.toContain('<script>alert');
    expect(r.subject).toBe(`For ${evil}`);
    expect(r.text).toContain(`Hi ${evil}`);
  });

  it('keeps Liquid between MJML sections: conditional sections and loops over columns', async () => {
    const body = `{% if profile.vip %}${section('VIP only')}{% else %}${section('Everyone else')}{% endif %}
      <mj-section>{% for p in recommendations limit: 4 %}<mj-column width="25%"><mj-text>{{ p.name }}</mj-text></mj-column>{% endfor %}</mj-section>`;
    expect(wrapStructuralLiquid(mjml(body))).toContain('<mj-raw>{% if profile.vip %}</mj-raw>');
    const recs = [1, 2, 3, 4, 5].map((i) => ({ name: `Item ${i}` }));
    const vip = await render(src(body), ctx({ vip: true }, { recommendations: recs }));
    expect(vip.html).toContain('VIP only');
    expect(vip.html).not.toContain('Everyone else');
    expect(vip.html.match(/Item \d/g)).toEqual(['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    expect(vip.html).toContain('mj-column-per-25');
    const other = await render(src(body), ctx({ vip: false }));
    expect(other.html).toContain('Everyone else');
    expect(other.text).toContain('Everyone else');
    expect(other.text).not.toContain('{%');
  });

  it('renders blocks with their own arguments in isolated scope, nested blocks too, and liquid snippets inline', async () => {
    const b = blocks(
      { name: 'card', kind: 'mjml', body: section('{{ title }}: {{ p.name }}{% if secret %} leaked{% endif %}') },
      { name: 'grid', kind: 'mjml', body: `{% for p in items %}{% render 'card', p: p, title: heading %}{% endfor %}` },
      { name: 'sig', kind: 'liquid', body: 'The {{ shop }} team' },
    );
    const body = `{% assign secret = true %}{% render 'grid', items: recommendations, heading: "Pick" %}${section("{% render 'sig', shop: 'Maison' %}")}`;
    const compiled = await compileTemplate(src(body), b, now);
    expect(compiled.blocks).toEqual(['card', 'grid', 'sig']);
    expect(compiled.html).not.toMatch(/<mj-/);
    const r = prepareTemplate(compiled).render(ctx({}, { recommendations: [{ name: 'Coat' }, { name: 'Scarf' }] }));
    if (!r.ok) throw new Error(r.error);
    expect(r.html.match(/Pick: \w+/g)).toEqual(['Pick: Coat', 'Pick: Scarf']);
    expect(r.html).not.toContain('leaked');
    expect(r.html).toContain('The Maison team');
  });

  it('rejects unknown and self-rendering blocks when the version is compiled', async () => {
    await expect(compileTemplate(src("{% render 'nope' %}"), blocks(), now)).rejects.toThrow(/no block named 'nope'/);
    const loop = blocks({ name: 'a', kind: 'mjml', body: "{% render 'b' %}" }, { name: 'b', kind: 'mjml', body: "{% render 'a' %}" });
    await expect(compileTemplate(src("{% render 'a' %}"), loop, now)).rejects.toThrow(/renders itself through a → b → a/);
  });

  it('bounds each recipient: a runaway loop or an oversized output fails that recipient only', async () => {
    const prepared = prepareTemplate(await compileTemplate(src(section('{% for i in (1..profile.n) %}{{ profile.filler }}{% endfor %}')), blocks(), now));
    const results = [{ n: 3, filler: 'x' }, { n: 10_000_000, filler: 'x' }, { n: 2000, filler: 'y'.repeat(1000) }, { n: 2, filler: 'z' }]
      .map((p) => prepared.render(ctx(p)));
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(!results[1]!.ok && results[1]!.error).toMatch(/^render stopped: loop limit exceeded: 10000000 items, at most 10000 per loop/);
    expect(!results[2]!.ok && results[2]!.error).toMatch(/over the limit of 1000000/);
  });

  it('formats money in the recipient\'s currency and locale, and dates in their time zone', async () => {
    const body = section('{{ event.total | money }} | {{ event.total | money: "USD", "en-US" }} | {{ event.at | date_local: "long" }} | {{ profile.name | first_word }}');
    const r = await render(src(body), ctx({ currency: 'EUR', locale: 'de-DE', timezone: 'America/Los_Angeles', name: 'Ana María' }, { event: { total: 1234.5, at: '2026-01-01T05:00:00Z' } }));
    // Intl puts a no-break space between the amount and the euro sign.
    expect(r.html).toContain('1.234,50\u00a0€ | $1,234.50 | 31. Dezember 2025 | Ana');
  });

  it('puts the preheader in the hidden preview of the HTML but not in the text part', async () => {
    const r = await render(src(section('Body'), { preheader: 'Sneak peek for {{ profile.city }}' }), ctx({ city: 'Porto' }));
    expect(r.preheader).toBe('Sneak peek for Porto');
    expect(r.html).toContain('Sneak peek for Porto');
    expect(r.text).toBe('Body');
  });

  it('builds the context: traits at the top of profile, features beneath them, RFM and scores grouped', () => {
    const c = renderContext({ id: 'p1', traits: { first_name: 'Ana', frequency: 'trait wins' }, features: { frequency: 3, rfm_score: 545, rfm_r: 5, rfm_f: 4, rfm_m: 5, rfm_segment: 'Champions', churn_risk: 0.1 }, segments: ['VIP'] },
      { links: { unsubscribe_url: 'u', preferences_url: 'p', view_in_browser_url: 'v' } });
    expect(c.profile).toMatchObject({ id: 'p1', first_name: 'Ana', frequency: 'trait wins', segments: ['VIP'], rfm: { score: 545, segment: 'Champions' }, scores: { churn_risk: 0.1 }, cluster: null });
    expect(c).toMatchObject({ unsubscribe_url: 'u', preferences_url: 'p', view_in_browser_url: 'v', event: {}, recommendations: [] });
  });

  it('signs recipient links: they verify with the secret, not with another, and cannot be edited', () => {
    const links = recipientLinks('https://mail.example/', 'a-secret-of-some-length', 'p1', { campaign: 'c1' });
    const token = links.unsubscribe_url.split('/u/')[1]!;
    expect(links.unsubscribe_url.startsWith('https://mail.example/u/')).toBe(true);
    expect(verifyToken(token, 'a-secret-of-some-length')).toEqual({ p: 'p1', k: 'unsubscribe', c: 'c1' });
    expect(verifyToken(token, 'another-secret-of-length')).toBeNull();
    const forged = `${Buffer.from(JSON.stringify({ p: 'p2', k: 'unsubscribe', c: 'c1' })).toString('base64url')}.${token.split('.')[1]}`;
    expect(verifyToken(forged, 'a-secret-of-some-length')).toBeNull();
    expect(signToken({ p: 'p1', k: 'view' }, 's'.repeat(16))).not.toBe(signToken({ p: 'p2', k: 'view' }, 's'.repeat(16)));
  });
});

describe('template lint', () => {
  const lint = async (body: string, kind: 'marketing' | 'transactional' = 'marketing', coverage = new Map<string, number>()) =>
    lintTemplate(kind, await compileTemplate(src(body), blocks(), now), coverage).map((i) => `${i.severity} ${i.rule}`);

  it('requires an unsubscribe link in marketing, not in transactional templates', async () => {
    expect(await lint(section('Hi'))).toContain('error no-unsubscribe');
    expect(await lint(section('Hi'), 'transactional')).not.toContain('error no-unsubscribe');
    expect(await lint(section('<a href="{{ unsubscribe_url }}">Unsubscribe</a>'))).toEqual([]);
  });

  it('reports unknown traits, and outputs without fallback for traits many profiles lack', async () => {
    const coverage = new Map([['first_name', 0.6], ['email', 1]]);
    const issues = await lint(section('{{ profile.first_name }} {{ profile.email }} {{ profile.nickname }} <a href="{{ unsubscribe_url }}">u</a>'), 'marketing', coverage);
    expect(issues).toEqual(['warning unknown-variable', 'warning missing-fallback']);
    expect(await lint(section('{{ profile.first_name | default: "there" }} <a href="{{ unsubscribe_url }}">u</a>'), 'marketing', coverage)).toEqual([]);
  });

  it('reports links that do not parse, images without alt text, and HTML Gmail would clip', async () => {
    const body = section('<a href="http//broken">a</a> <a href="javascript:alert(1)">b</a> <a href="https://shop.example/p/{{ p.id }}?a=1&b=2">ok</a> <a href="{{ unsubscribe_url }}">u</a>')
      + '<mj-section><mj-column><mj-image src="https://img.example/a.png" /><mj-image src="https://img.example/b.png" alt="B" /></mj-column></mj-section>';
    expect(await lint(body)).toEqual(['error bad-link', 'error bad-link', 'warning image-alt']);
    const big = section(`<a href="{{ unsubscribe_url }}">u</a>${'<p>padding text for size</p>'.repeat(4000)}`);
    expect(await lint(big)).toContain('warning gmail-clipping');
  });
});

describe('HTML-format templates', () => {
  it('get their <style> rules inlined (media queries stay in the head) with the Liquid intact', async () => {
    const body = '<html><head><style>.cta{color:#c00} @media (max-width:480px){.cta{color:#00c}}</style></head><body><a class="cta" href="{{ unsubscribe_url }}">Hi {{ profile.first_name | default: "there" }}{% if profile.vip %} VIP{% endif %}</a></body></html>';
    const r = await render({ subject: 'S', preheader: '', body, format: 'html' }, ctx({ first_name: 'Ana', vip: true }));
    expect(r.html).toContain('<a class="cta" href="https://t.example/u/x" style="color: #c00;">Hi Ana VIP</a>');
    expect(r.html).toContain('@media (max-width:480px)');
  });
});
