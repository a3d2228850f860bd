import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, openApp } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;
interface ErrorBody { error: { code: string; message: string; field?: string } }
interface Issue { rule: string; severity: string; message: string }

const section = (inner: string) => `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;
const UNSUB = '<a href="{{ unsubscribe_url }}">u</a>';

/**
 * The strict template check on save and in lint (issue 18): a template that would fail or
 * misrender at send time is the author's 400, named by field and line; lint reports the same as
 * `liquid` errors.
 */
describe.each(dialects)('strict Liquid check on save and lint, $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, payload?: unknown) => jsonRequest(h.app, method, path, payload, ADMIN_AUTH);

  it.each([
    // Ruby's Liquid: append takes one argument ("wrong number of arguments").
    ['body', { subject: 'S', body: section(`<mj-text>Hi\n{{ profile.first_name | append }} ${UNSUB}</mj-text>`) }, /^body: Liquid: .*append.*line:2/],
    // Liquid has no "*" operator (Ruby lexer): liquidjs would print x and drop the rest.
    ['subject', { subject: '{{ x * 2 }}', body: section(`<mj-text>${UNSUB}</mj-text>`) }, /^subject: Liquid: /],
    // An identifier cannot start with "-" (Ruby lexer; Golden Liquid identifiers).
    ['preheader', { subject: 'S', preheader: '{{ -name }}', body: section(`<mj-text>${UNSUB}</mj-text>`) }, /^preheader: Liquid: /],
    // Trailing words after an output (Ruby strict parser).
    ['body', { subject: 'S', body: section(`<mj-text>{{ profile.first_name profile.last_name }} ${UNSUB}</mj-text>`) }, /^body: Liquid: .*unexpected "profile.last_name"|^body: Liquid: .*unexpected/],
  ])('refuses an invalid %s with a 400 naming the field', async (field, body, message) => {
    const res = await call('POST', '/v1/templates', { name: 'bad', ...body });
    expect(res.statusCode, res.body).toBe(400);
    const e = (res.json() as ErrorBody).error;
    expect(e).toMatchObject({ code: 'validation_failed', field });
    expect(e.message).toMatch(message);
    expect((await call('GET', '/v1/templates')).json()).toMatchObject({ templates: [] });
  });

  it('refuses the same on update, and keeps the current version', async () => {
    const created = await call('POST', '/v1/templates', { name: 'ok', subject: 'S', body: section(`<mj-text>Hi ${UNSUB}</mj-text>`) });
    expect(created.statusCode, created.body).toBe(201);
    const res = await call('PATCH', '/v1/templates/ok', { subject: '{{ name | upcase: 1 }}' });
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as ErrorBody).error).toMatchObject({ code: 'validation_failed', field: 'subject' });
    expect((await call('GET', '/v1/templates/ok')).json()).toMatchObject({ version: 1, content: { version: 1, subject: 'S' } });
  });

  it('refuses a block whose Liquid is invalid', async () => {
    const res = await call('PUT', '/v1/templates/blocks/sig', { kind: 'liquid', body: 'Bye {{ name | nosuchfilter }}' });
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as ErrorBody).error).toMatchObject({ code: 'validation_failed', field: 'body' });
  });

  it('accepts valid but unusual Liquid, and lint has no liquid issue for it', async () => {
    const body = section(`<mj-text>{% assign first-name = profile.first_name | default: 'you' %}{{ first-name }} {{ profile['nick name'] }} ${UNSUB}</mj-text>`);
    const res = await call('POST', '/v1/templates', { name: 'odd', subject: "{{ false | default: 'x', allow_false: true }}", body });
    expect(res.statusCode, res.body).toBe(201);
    const lint = (await call('GET', '/v1/templates/odd/lint')).json() as { issues: Issue[] };
    expect(lint.issues.filter((i) => i.rule === 'liquid')).toEqual([]);
  });

  it('lint reports strict-check problems of a saved version as liquid errors', async () => {
    const created = await call('POST', '/v1/templates', { name: 'old', subject: 'S', body: section(`<mj-text>Hi ${UNSUB}</mj-text>`) });
    expect(created.statusCode, created.body).toBe(201);
    expect(((await call('GET', '/v1/templates/old/lint')).json() as { issues: Issue[] }).issues).toEqual([]);

    // A version saved before the strict check existed: written to the store as it was then.
    const svc = h.t.templates;
    const store = (svc as unknown as { d: { store: { save(t: unknown, v: unknown): Promise<void> } } }).d.store;
    const cur = await svc.get('old');
    await store.save({ ...cur.template, version: 2 }, { ...cur.version, version: 2, subject: 'Hi\n{{ name | upcase: 1 }}' });
    const res = await call('GET', '/v1/templates/old/lint');
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { issues: Issue[] }).issues).toEqual([{ rule: 'liquid', severity: 'error', message: expect.stringMatching(/^subject: .*upcase.*line:2, col:1/) }]);
  });
});
