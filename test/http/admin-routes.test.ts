import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, jsonRequest, msg, openApp } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;
const section = (inner: string) => `<mjml><mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;

/** The documented error body: exactly {"error": {"code", "message", "field"?}}. */
function expectErrorShape(r: { statusCode: number; body: string }, status: number, code: string): void {
  expect(r.statusCode, r.body).toBe(status);
  const body = JSON.parse(r.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  for (const k of Object.keys(body.error)) expect(['code', 'message', 'field']).toContain(k);
}

// Routes that had no test at all, and the 415 and 500 branches of the error handler.
describe.each(dialects)('admin routes without other tests, on $name', ({ url }) => {
  let h: App;
  beforeEach(async () => { h = await openApp(await url()); });
  afterEach(async () => h?.close());
  const call = (method: Parameters<typeof jsonRequest>[1], path: string, payload?: unknown) => jsonRequest(h.app, method, path, payload);

  it('PUT /v1/segments/:id replaces the rules and recomputes; POST /v1/segments/:id/recompute recomputes', async () => {
    await h.t.ingest([
      msg({ type: 'identify', userId: 'a', traits: { tier: 'gold' } }),
      msg({ type: 'identify', userId: 'b', traits: { tier: 'silver' } }),
      msg({ type: 'identify', userId: 'c', traits: { tier: 'silver' } }),
    ]);
    const created = await call('POST', '/v1/segments', { name: 'tier', rules: { trait: 'tier', op: 'eq', value: 'gold' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const put = await call('PUT', `/v1/segments/${id}`, { description: 'silver now', rules: { trait: 'tier', op: 'eq', value: 'silver' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ id, name: 'tier', description: 'silver now', warnings: [], computed: { size: 2, entered: 2, exited: 1 } });
    expect((await call('GET', `/v1/segments/${id}`)).json()).toMatchObject({ rules: { trait: 'tier', op: 'eq', value: 'silver' } });
    expect((await call('GET', `/v1/segments/${id}/members`)).json().total).toBe(2);

    // A recompute with nothing changed: same size, nobody enters or leaves.
    const again = await call('POST', `/v1/segments/${id}/recompute`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ size: 2, entered: 0, exited: 0 });
    expectErrorShape(await call('POST', '/v1/segments/nope/recompute'), 404, 'not_found');
    expectErrorShape(await call('PUT', '/v1/segments/nope', { name: 'x' }), 404, 'not_found');
  });

  it('PATCH and DELETE /v1/experiments/:id, and the success path of POST /v1/experiments/:id/counts', async () => {
    const created = await call('POST', '/v1/experiments', {
      name: 'subject', vary: 'subject', metric: 'click', rule: 'fixed',
      variants: [{ key: 'A', content: { subject: 'x' } }, { key: 'B', content: { subject: 'y' } }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    const patched = await call('PATCH', `/v1/experiments/${id}`, { minPerArm: 30 });
    expect(patched.statusCode, patched.body).toBe(200);
    // PATCH keeps the other fields of the definition.
    expect(patched.json()).toMatchObject({ id, name: 'subject', spec: { minPerArm: 30, metric: 'click', rule: 'fixed' }, arms: [{ key: 'A' }, { key: 'B' }] });

    const counts = await call('POST', `/v1/experiments/${id}/counts`, { arms: [{ key: 'A', recipients: 1000, clicks: 50 }, { key: 'B', recipients: 1000, clicks: 80 }] });
    expect(counts.statusCode, counts.body).toBe(200);
    expect(counts.json()).toMatchObject({ id, name: 'subject' });
    const results = await call('GET', `/v1/experiments/${id}/results`);
    expect(results.statusCode, results.body).toBe(200);
    expect(results.json().source).toBe('counts');

    // Counts recorded: no longer a draft, so it cannot be deleted.
    expectErrorShape(await call('DELETE', `/v1/experiments/${id}`), 409, 'conflict');

    const draft = await call('POST', '/v1/experiments', {
      name: 'draft', vary: 'subject', metric: 'click', variants: [{ key: 'A', content: { subject: 'x' } }, { key: 'B', content: { subject: 'y' } }],
    });
    const draftId = draft.json().id as string;
    const del = await call('DELETE', `/v1/experiments/${draftId}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expectErrorShape(await call('GET', `/v1/experiments/${draftId}`), 404, 'not_found');
    expectErrorShape(await call('DELETE', `/v1/experiments/${draftId}`), 404, 'not_found');
    expectErrorShape(await call('PATCH', `/v1/experiments/${draftId}`, { minPerArm: 1 }), 404, 'not_found');
    expect((await call('GET', '/v1/experiments')).json().experiments.map((e: { id: string }) => e.id)).toEqual([id]);
  });

  it('PUT /v1/templates/:id writes a new version', async () => {
    const created = await call('POST', '/v1/templates', { name: 'hello', subject: 'Hi', body: section('<mj-text>one</mj-text>') });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const put = await call('PUT', `/v1/templates/${id}`, { subject: 'Hello {{ profile.first_name }}', body: section('<mj-text>two</mj-text>') });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ id, name: 'hello', version: 2, content: { version: 2, subject: 'Hello {{ profile.first_name }}' } });
    expect(put.json().content.body).toContain('two');
    expect((await call('GET', `/v1/templates/${id}/versions`)).json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expectErrorShape(await call('PUT', '/v1/templates/nope', { subject: 'x' }), 404, 'not_found');
  });

  it('answers an unsupported content type with 415 in the documented error shape', async () => {
    const r = await h.app.inject({ method: 'POST', url: '/v1/segments', headers: { authorization: ADMIN_AUTH, 'content-type': 'application/xml' }, payload: '<segment/>' });
    expectErrorShape(r, 415, 'unsupported_media_type');
  });

  it('answers an internal failure with 500 internal_error in the documented shape, without leaking the cause', async () => {
    // A real failure below the route: the store's connection is gone.
    await h.t.db.close();
    const r = await call('GET', '/v1/segments');
    expectErrorShape(r, 500, 'internal_error');
    expect(r.json().error.message).toBe('internal error');
  });
});
