import Handlebars from 'handlebars';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/core/tracking/tokens.ts';
import { getSetting } from '../../src/store/system/settings-store.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;
interface Rendered { ok: boolean; subject: string; preheader: string; html: string; text: string; error?: string; template: string; version: number }
interface Issue { rule: string; severity: string; message: string }

const HEADER = '<mj-section><mj-column><mj-text>Hello {{ profile.first_name | default: "there" }}!</mj-text></mj-column></mj-section>';
const SIG = 'Cheers, the {{ campaign.team | default: "Tailor" }} team';
const WELCOME = [
  '<mjml><mj-body>',
  "{% render 'header' %}",
  // A Liquid tag between sections: the compiler wraps it in <mj-raw>.
  '{% if profile.vip %}<mj-section><mj-column><mj-text>VIP lounge is open</mj-text></mj-column></mj-section>{% endif %}',
  "<mj-section><mj-column><mj-text>{% render 'sig' %} <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></mj-text></mj-column></mj-section>",
  '</mj-body></mjml>',
].join('\n');
const XSS = '<script>alert(1)</script>';

/** One section with the given content elements. */
const section = (inner: string) => `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;

/** The unsubscribe URL in a text part ("Unsubscribe [url]"). */
const unsubscribeIn = (text: string): string => {
  const m = /\[(http:\/\/localhost:3000\/u\/[^\]\s]+)\]/.exec(text);
  expect(m, `no unsubscribe URL in ${text}`).not.toBeNull();
  return m![1]!;
};

describe.each(dialects)('templates API on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h.close());

  const call = (method: Parameters<typeof jsonRequest>[1], path: string, payload?: unknown, auth: string | null = ADMIN_AUTH) =>
    jsonRequest(h.app, method, path, payload, auth);

  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, payload?: unknown, status = 200) => {
    const res = await call(method, path, payload);
    expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(status);
    return res.json();
  };

  const ingest = async (batch: Record<string, unknown>[]) => {
    const res = await call('POST', '/v1/batch', { batch }, WRITE_AUTH);
    expect(res.statusCode, res.body).toBe(200);
    await h.t.realtime.drain();
  };

  const profileId = async (userId: string): Promise<string> => (await ok('GET', `/v1/profiles/lookup?userId=${userId}`)).id;

  const preview = async (template: string, profile: string, extra: Record<string, unknown> = {}): Promise<Rendered> =>
    ok('POST', `/v1/templates/${template}/preview`, { profileId: profile, ...extra });

  const lint = async (template: string): Promise<Issue[]> => (await ok('GET', `/v1/templates/${template}/lint`)).issues;

  const expectError = async (res: { statusCode: number; body: string; json(): unknown }, status: number, code: string, field?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    const e = (res.json() as { error: { code: string; message: string; field?: string } }).error;
    expect(e.code).toBe(code);
    if (field !== undefined) expect(e.field).toBe(field);
    expect(typeof e.message).toBe('string');
    return e;
  };

  /** The header and sig blocks and the welcome template that uses both. */
  const setUpWelcome = async () => {
    const header = await ok('PUT', '/v1/templates/blocks/header', { kind: 'mjml', body: HEADER, description: 'greeting' });
    expect(header).toMatchObject({ name: 'header', kind: 'mjml', body: HEADER, description: 'greeting', recompiled: [] });
    expect((await ok('PUT', '/v1/templates/blocks/sig', { kind: 'liquid', body: SIG })).recompiled).toEqual([]);
    expect((await ok('GET', '/v1/templates/blocks')).blocks.map((b: { name: string }) => b.name).sort()).toEqual(['header', 'sig']);
    const created = await ok('POST', '/v1/templates', {
      name: 'welcome', subject: 'Welcome, {{ profile.first_name | default: "friend" }}', preheader: 'Hi {{ profile.first_name | default: "there" }}', body: WELCOME,
    }, 201);
    expect(created).toMatchObject({ name: 'welcome', kind: 'marketing', version: 1, content: { version: 1, format: 'mjml', blocks: ['header', 'sig'], warnings: [] } });
    return created as { id: string };
  };

  it('blocks, a conditional section and signed links render per profile, with trait values escaped', async () => {
    const { id } = await setUpWelcome();
    await ingest([
      { type: 'identify', userId: 'eve', traits: { email: 'eve@example.com', first_name: XSS, vip: true } },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com', vip: false } },
    ]);
    const eveId = await profileId('eve');
    const bobId = await profileId('bob');

    const eve = await preview(id, 'eve');
    expect(eve).toMatchObject({ ok: true, template: 'welcome', version: 1 });
    // Subject and preheader are not HTML: the value is printed as it is.
    expect(eve.subject).toBe(`Welcome, ${XSS}`);
    expect(eve.preheader).toBe(`Hi ${XSS}`);
    expect(eve.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;!');
    // The preheader goes into the HTML's hidden preview text, escaped too.
    expect(eve.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;</div>');
    expect(eve.html).not.toContain('<script>alert(1)');
    expect(eve.html).toContain('VIP lounge is open');
    expect(eve.html).toContain('Cheers, the Tailor team');
    expect(eve.html).not.toMatch(/\{\{|\{%|mj-raw|tailor:__block/);
    expect(eve.text).toContain(`Hello ${XSS}!`);
    expect(eve.text).toContain('VIP lounge is open');
    expect(eve.text).toContain('Cheers, the Tailor team');
    expect(eve.text).not.toContain('Hi <script>'); // the hidden preview text stays out of the text part

    const bob = await preview(id, bobId);
    expect(bob).toMatchObject({ ok: true, subject: 'Welcome, friend', preheader: 'Hi there' });
    expect(bob.html).toContain('Hello there!');
    expect(bob.html).not.toContain('VIP');
    expect(bob.text).toContain('Hello there!');
    expect(bob.text).not.toContain('VIP');
    // An email resolves the same profile as the userId.
    expect((await preview(id, 'bob@example.com')).text).toBe(bob.text);

    // The unsubscribe link: the same URL in the HTML and in the text part, signed per profile.
    const eveUrl = unsubscribeIn(eve.text);
    const bobUrl = unsubscribeIn(bob.text);
    expect(eve.html).toContain(`href="${eveUrl}"`);
    expect(bob.html).toContain(`href="${bobUrl}"`);
    const eveToken = eveUrl.slice('http://localhost:3000/u/'.length);
    const bobToken = bobUrl.slice('http://localhost:3000/u/'.length);
    expect(eveToken).not.toBe(bobToken);
    for (const [token, pid] of [[eveToken, eveId], [bobToken, bobId]] as const) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const claims = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
      expect(claims).toEqual({ p: pid, k: 'unsubscribe', t: id });
    }
    // No TAILOR_SECRET here: the generated secret is kept in the store, and the tokens verify with it.
    const secret = await getSetting(h.t.db, 'link_secret');
    expect(secret).toBeTruthy();
    expect(verifyToken(eveToken, secret!)).toEqual({ p: eveId, k: 'unsubscribe', t: id });
    expect(verifyToken(bobToken, secret!)).toEqual({ p: bobId, k: 'unsubscribe', t: id });
    // A token edited to point at another profile does not verify.
    const forged = `${Buffer.from(JSON.stringify({ p: bobId, k: 'unsubscribe', t: id })).toString('base64url')}.${eveToken.split('.')[1]}`;
    expect(verifyToken(forged, secret!)).toBeNull();
    // The same recipient gets the same link every time.
    expect(unsubscribeIn((await preview(id, eveId)).text)).toBe(eveUrl);

    // Campaign data given to the preview reaches the Liquid block.
    expect((await preview(id, 'bob', { campaign: { team: 'Acme' } })).text).toContain('Cheers, the Acme team');
  });

  it('content changes make versions; old versions stay readable and renderable; a block change recompiles its users', async () => {
    const { id } = await setUpWelcome();
    await ingest([{ type: 'identify', userId: 'ana', traits: { first_name: 'Ana' } }]);

    const patched = await ok('PATCH', `/v1/templates/${id}`, { subject: 'New subject for {{ profile.first_name }}' });
    expect(patched).toMatchObject({ version: 2, content: { version: 2, subject: 'New subject for {{ profile.first_name }}', body: WELCOME } });
    // A change that is not content (the description) keeps the version.
    expect(await ok('PATCH', `/v1/templates/${id}`, { description: 'the welcome mail' })).toMatchObject({ version: 2, description: 'the welcome mail' });

    expect((await ok('GET', `/v1/templates/${id}?version=1`)).content).toMatchObject({ version: 1, subject: 'Welcome, {{ profile.first_name | default: "friend" }}' });
    expect((await ok('GET', '/v1/templates/welcome')).content).toMatchObject({ version: 2, subject: 'New subject for {{ profile.first_name }}' });
    expect((await ok('GET', `/v1/templates/${id}/versions`)).versions.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);

    expect((await preview(id, 'ana', { version: 1 })).subject).toBe('Welcome, Ana');
    expect(await preview(id, 'ana')).toMatchObject({ subject: 'New subject for Ana', version: 2 });

    const header = await ok('PUT', '/v1/templates/blocks/header', { kind: 'mjml', body: HEADER.replace('Hello', 'Good morning') });
    expect(header.recompiled).toEqual(['welcome']);
    const current = await ok('GET', `/v1/templates/${id}`);
    expect(current).toMatchObject({ version: 3, content: { version: 3, subject: 'New subject for {{ profile.first_name }}', blocks: ['header', 'sig'] } });
    const v3 = await preview(id, 'ana');
    expect(v3).toMatchObject({ version: 3, subject: 'New subject for Ana' });
    expect(v3.text).toContain('Good morning Ana!');
    // Version 1 was compiled with the old block and keeps it.
    expect((await preview(id, 'ana', { version: 1 })).text).toContain('Hello Ana!');
    expect((await ok('GET', `/v1/templates/${id}/versions`)).versions).toHaveLength(3);

    // A liquid block change recompiles too.
    expect((await ok('PUT', '/v1/templates/blocks/sig', { kind: 'liquid', body: 'Bye' })).recompiled).toEqual(['welcome']);
    expect((await preview(id, 'ana')).version).toBe(4);

    const inUse = await expectError(await call('DELETE', '/v1/templates/blocks/header'), 409, 'conflict', 'block');
    expect(inUse.message).toContain('welcome');
    await expectError(await call('DELETE', '/v1/templates/blocks/nope'), 404, 'not_found', 'block');
    await expectError(await call('GET', `/v1/templates/${id}?version=9`), 404, 'not_found', 'version');
    await expectError(await call('POST', `/v1/templates/${id}/preview`, { profileId: 'ana', version: 9 }), 404, 'not_found');

    // Once no template uses a block, it can go.
    expect((await call('DELETE', `/v1/templates/${id}`)).statusCode).toBe(204);
    await expectError(await call('GET', `/v1/templates/${id}`), 404, 'not_found');
    expect((await call('DELETE', '/v1/templates/blocks/header')).statusCode).toBe(204);
    expect((await ok('GET', '/v1/templates/blocks')).blocks.map((b: { name: string }) => b.name)).toEqual(['sig']);
  });

  it('lint: unsubscribe for marketing only, image alt, bad links, unknown variables and missing fallbacks', async () => {
    await ingest([
      { type: 'identify', userId: 'p1', traits: { first_name: 'Ana', tier: 'gold' } },
      { type: 'identify', userId: 'p2', traits: { first_name: 'Ben' } },
      { type: 'identify', userId: 'p3', traits: { first_name: 'Cy' } },
    ]);
    const create = async (name: string, body: string, kind = 'marketing') => (await ok('POST', '/v1/templates', { name, kind, subject: 'S', body }, 201)).id as string;
    const rules = (issues: Issue[]) => issues.map((i) => i.rule);

    const noUnsub = await lint(await create('no-unsub', section('<mj-text>Hi</mj-text>')));
    expect(noUnsub).toEqual([{ rule: 'no-unsubscribe', severity: 'error', message: expect.stringContaining('unsubscribe_url') }]);
    expect(await lint(await create('receipt', section('<mj-text>Hi</mj-text>'), 'transactional'))).toEqual([]);
    expect(await lint(await create('clean', section('<mj-text>Hi <a href="{{ unsubscribe_url }}">u</a></mj-text>')))).toEqual([]);

    const messy = await lint(await create('messy', section([
      '<mj-image src="https://x.example/a.png" />',
      '<mj-image src="https://x.example/b.png" alt="A shoe" />',
      '<mj-text><a href="http//broken">x</a> <a href="https://ok.example/{{ profile.first_name }}">ok</a>',
      '{{ profile.nickname }} {{ profile.tier }} {{ profile.first_name }} <a href="{{ unsubscribe_url }}">u</a></mj-text>',
    ].join(''))));
    expect(rules(messy).sort()).toEqual(['bad-link', 'image-alt', 'missing-fallback', 'unknown-variable']);
    const by = (rule: string) => messy.find((i) => i.rule === rule)!;
    expect(by('image-alt')).toMatchObject({ severity: 'warning', message: expect.stringContaining('https://x.example/a.png') });
    expect(by('bad-link')).toMatchObject({ severity: 'error', message: expect.stringContaining('"http//broken"') });
    expect(by('unknown-variable').message).toContain("'nickname'");
    // 2 of 3 profiles lack tier; every profile has first_name, so it needs no fallback.
    expect(by('missing-fallback').message).toMatch(/^67% of profiles have no 'tier'/);

    const fallback = await lint(await create('fallback', section('<mj-text>{{ profile.tier | default: "x" }} <a href="{{ unsubscribe_url }}">u</a></mj-text>')));
    expect(fallback).toEqual([]);
  });

  it('export, then import from tailor under a new name, renders identically', async () => {
    await ok('PUT', '/v1/templates/blocks/header', { kind: 'mjml', body: HEADER });
    await ok('PUT', '/v1/templates/blocks/sig', { kind: 'liquid', body: SIG });
    const { id } = await ok('POST', '/v1/templates', { name: 'welcome', description: 'first mail', subject: 'Hi {{ profile.first_name }}', preheader: 'p', body: WELCOME }, 201);
    await ingest([{ type: 'identify', userId: 'ana', traits: { first_name: 'Ana', vip: true } }]);

    const exported = await ok('GET', `/v1/templates/${id}/export`);
    expect(exported).toMatchObject({ tailorTemplate: 1, name: 'welcome', kind: 'marketing', subject: 'Hi {{ profile.first_name }}', body: WELCOME, format: 'mjml' });
    expect(exported.blocks.map((b: { name: string }) => b.name).sort()).toEqual(['header', 'sig']);
    expect(exported.blocks.find((b: { name: string }) => b.name === 'sig')).toMatchObject({ kind: 'liquid', body: SIG });

    const imported = await ok('POST', '/v1/templates/import', { from: 'tailor', template: exported, name: 'welcome-copy' }, 201);
    expect(imported).toMatchObject({ name: 'welcome-copy', kind: 'marketing', version: 1, issues: [], content: { blocks: ['header', 'sig'], body: WELCOME } });
    expect(imported.id).not.toBe(id);

    const a = await preview(id, 'ana');
    const b = await preview(imported.id, 'ana');
    expect(a.ok && b.ok).toBe(true);
    expect(b.subject).toBe(a.subject);
    expect(b.preheader).toBe(a.preheader);
    // The links are signed with the template's id: everything but the token is the same.
    const untokened = (s: string) => s.replace(/\/u\/[A-Za-z0-9_.-]+/g, '/u/TOKEN');
    expect(untokened(b.html)).toBe(untokened(a.html));
    expect(untokened(b.text)).toBe(untokened(a.text));
    expect(a.text).toContain('Hello Ana!');
    // The original is untouched; the blocks that already existed were not replaced.
    expect((await ok('GET', `/v1/templates/${id}`)).version).toBe(1);
    // A template without a description exports it as null, and still imports.
    const bare = await ok('POST', '/v1/templates', { name: 'bare', subject: 'S', body: WELCOME }, 201);
    const bareExport = await ok('GET', `/v1/templates/${bare.id}/export`);
    expect(bareExport.description).toBeNull();
    expect(await ok('POST', '/v1/templates/import', { from: 'tailor', template: bareExport, name: 'bare-copy' }, 201)).toMatchObject({ name: 'bare-copy', description: null });
  });

  it('imports Mailchimp merge tags and Handlebars, reporting what it could not convert', async () => {
    await ingest([
      { type: 'identify', userId: 'ana', traits: { first_name: 'Ana' } },
      { type: 'identify', userId: 'nobody', traits: { email: 'nobody@example.com' } },
    ]);
    const source = '<p>Hi *|FNAME|*</p>*|IF:FNAME|*<p>yes</p>*|END:IF|*<a href="*|UNSUB|*">u</a>*|WEIRD_TAG|*';
    const mc = await ok('POST', '/v1/templates/import', { from: 'mailchimp', name: 'mc', source, subject: 'Hello *|FNAME|*' }, 201);
    expect(mc).toMatchObject({ name: 'mc', kind: 'marketing', content: { format: 'html', subject: 'Hello {{ profile.first_name }}' } });
    expect(mc.issues).toEqual([{
      line: 1, column: source.indexOf('*|WEIRD_TAG|*') + 1, construct: '*|WEIRD_TAG|*',
      message: 'custom audience field WEIRD_TAG assumed to be the profile trait profile.weird_tag',
    }]);
    const ana = await preview(mc.id, 'ana');
    expect(ana.subject).toBe('Hello Ana');
    expect(ana.html).toMatch(/^<p>Hi Ana<\/p><p>yes<\/p><a href="http:\/\/localhost:3000\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+">u<\/a>$/);
    const nobody = await preview(mc.id, 'nobody');
    expect(nobody.subject).toBe('Hello');
    expect(nobody.html).toMatch(/^<p>Hi <\/p><a href="http:\/\/localhost:3000\/u\//);
    // The unsubscribe link makes it a valid marketing template.
    expect((await lint(mc.id)).map((i) => i.rule)).not.toContain('no-unsubscribe');

    // A broken conditional block is the author's 400.
    await expectError(await call('POST', '/v1/templates/import', { from: 'mailchimp', name: 'mc2', source: '*|IF:FNAME|*x' }), 400, 'validation_failed');
    await expectError(await call('POST', '/v1/templates/import', { from: 'mailchimp', name: 'mc3' }), 400, 'missing_field', 'source');
    await expectError(await call('POST', '/v1/templates/import', { from: 'word', name: 'w', source: 'x' }), 400, 'validation_failed', 'from');

    // Handlebars: byte-identical to what the handlebars package renders, escaping included.
    const tricky = `O'Brien & <Co> = "ok" \``;
    await ingest([{ type: 'identify', userId: 'ob', traits: { first_name: tricky } }]);
    const hbSource = '{{#if profile.first_name}}<p>Hi {{profile.first_name}}!</p>{{else}}<p>Hi you</p>{{/if}}';
    const hb = await ok('POST', '/v1/templates/import', { from: 'handlebars', name: 'hb', kind: 'transactional', source: hbSource, subject: 'Yo {{profile.first_name}}' }, 201);
    expect(hb.issues).toEqual([]);
    const reference = Handlebars.compile(hbSource);
    for (const [user, firstName] of [['ana', 'Ana'], ['ob', tricky], ['nobody', undefined]] as const) {
      const r = await preview(hb.id, user);
      expect(r.ok).toBe(true);
      expect(r.html, user).toBe(reference({ profile: { first_name: firstName } }));
    }
    // The same, written out by hand.
    expect((await preview(hb.id, 'ob')).html).toBe('<p>Hi O&#x27;Brien &amp; &lt;Co&gt; &#x3D; &quot;ok&quot; &#x60;!</p>');
    expect((await preview(hb.id, 'ana')).subject).toBe('Yo Ana');
    expect((await preview(hb.id, 'nobody')).html).toBe('<p>Hi you</p>');

    // Mustache sections over a list, with a partial that is one of the store's liquid blocks.
    await ok('PUT', '/v1/templates/blocks/greet', { kind: 'liquid', body: '[{{ name }}]' });
    await ingest([{ type: 'identify', userId: 'kids', traits: { kids: [{ name: 'Ada' }, { name: 'Bo' }] } }]);
    const mu = await ok('POST', '/v1/templates/import', { from: 'handlebars', name: 'mu', kind: 'transactional', source: '{{#profile.kids}}{{> greet}}{{/profile.kids}}{{^profile.kids}}none{{/profile.kids}}' }, 201);
    expect(mu.issues).toEqual([]);
    expect((await preview(mu.id, 'kids')).html).toBe('[Ada][Bo]');
    expect((await preview(mu.id, 'ana')).html).toBe('none');

    // What cannot be converted is kept as text and reported with its position.
    const helper = await ok('POST', '/v1/templates/import', { from: 'handlebars', name: 'hb2', kind: 'transactional', source: 'A\n  {{formatDate profile.birthday "Y"}}' }, 201);
    expect(helper.issues).toHaveLength(1);
    expect(helper.issues[0]).toMatchObject({ line: 2, column: 3, construct: expect.stringContaining('formatDate') });
  });

  it('errors: author mistakes are 400s naming the field, lookups 404, names 409, auth 401/403', async () => {
    await ingest([
      { type: 'identify', userId: 'small', traits: { n: 3 } },
      { type: 'identify', userId: 'huge', traits: { n: 10_000_000 } },
    ]);
    const unclosed = await expectError(await call('POST', '/v1/templates', { name: 'x', subject: 'S', body: section('<mj-text>{% if profile.n %}hi</mj-text>') }), 400, 'validation_failed', 'body');
    // The position is in what the author wrote, not in the compiled HTML.
    expect(unclosed.message).toMatch(/^body: Liquid: .*not closed, line:1, col:\d+/);
    const subjectSyntax = await expectError(await call('POST', '/v1/templates', { name: 'x', subject: '{% if %}', body: section('<mj-text>hi</mj-text>') }), 400, 'validation_failed', 'subject');
    expect(subjectSyntax.message).toMatch(/^subject: Liquid: /);
    const noBlock = await expectError(await call('POST', '/v1/templates', { name: 'x', subject: 'S', body: section("<mj-text>{% render 'missing' %}</mj-text>") }), 400, 'validation_failed', 'body');
    expect(noBlock.message).toContain("'missing'");
    await expectError(await call('POST', '/v1/templates', { name: 'x', body: section('<mj-text>hi</mj-text>') }), 400, 'validation_failed');
    await expectError(await call('POST', '/v1/templates', { name: 'x', subject: 'S', body: 'b', colour: 'red' }), 400, 'validation_failed');
    await expectError(await call('PUT', '/v1/templates/blocks/Bad%20Name', { body: 'x' }), 400, 'validation_failed');
    // Nothing was saved by the failures.
    expect((await ok('GET', '/v1/templates')).templates).toEqual([]);

    const { id } = await ok('POST', '/v1/templates', { name: 'loop', kind: 'transactional', subject: 'n={{ profile.n }}', body: section('<mj-text>{% for i in (1..profile.n) %}x{% endfor %}</mj-text>') }, 201);
    const dup = await expectError(await call('POST', '/v1/templates', { name: 'loop', subject: 'S', body: section('<mj-text>hi</mj-text>') }), 409, 'conflict', 'name');
    expect(dup.message).toContain("'loop'");
    await expectError(await call('GET', '/v1/templates/nope'), 404, 'not_found');
    await expectError(await call('PATCH', '/v1/templates/nope', { subject: 'x' }), 404, 'not_found');
    await expectError(await call('GET', '/v1/templates/nope/lint'), 404, 'not_found');
    await expectError(await call('POST', '/v1/templates/nope/preview', { profileId: 'small' }), 404, 'not_found');
    await expectError(await call('POST', `/v1/templates/${id}/preview`, {}), 400, 'missing_field', 'profileId');
    const ghost = await expectError(await call('POST', `/v1/templates/${id}/preview`, { profileId: 'ghost' }), 404, 'not_found');
    expect(ghost.message).toContain('ghost');
    await expectError(await call('POST', `/v1/templates/${id}/preview`, { profileId: 'small', event: [1] }), 400, 'validation_failed', 'event');
    await expectError(await call('GET', `/v1/templates/${id}?version=abc`), 400, 'invalid_argument');
    await expectError(await call('GET', '/v1/templates', undefined, null), 401, 'unauthorized');
    await expectError(await call('POST', `/v1/templates/${id}/preview`, { profileId: 'small' }, null), 401, 'unauthorized');
    await expectError(await call('PUT', '/v1/templates/blocks/x', { body: 'x' }, WRITE_AUTH), 403, 'forbidden');

    // One recipient's runaway loop is that recipient's failure, not a 500, and not everyone's.
    const huge = await preview(id, 'huge');
    expect(huge.ok).toBe(false);
    expect(huge.error).toMatch(/limit/);
    expect(huge.error).toMatch(/^render stopped: /);
    expect(huge).not.toHaveProperty('html');
    const small = await preview(id, 'small');
    expect(small).toMatchObject({ ok: true, subject: 'n=3', text: 'xxx' });
    expect(small.html).toContain('>xxx</div>');
  });
});
