import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailorCli } from '../helpers/cli.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, msg, openApp } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;

/**
 * A segment name is stored trimmed; a look-up by name is trimmed the same way, so the HTTP API and
 * the CLI find "trail" whether they are handed "trail", " trail" or "trail ".
 */
describe.each(dialects)('segment look-up by name on $name', ({ url }) => {
  let h: App;
  let db: string;
  beforeEach(async () => {
    db = await url();
    h = await openApp(db);
    await h.t.ingest([msg({ type: 'identify', userId: 'ana', traits: { tier: 'gold' } }), msg({ type: 'identify', userId: 'ben', traits: { tier: 'silver' } })]);
  });
  afterEach(async () => h.close());

  it('HTTP: a name with blanks around it finds the segment saved without them', async () => {
    const created = await jsonRequest(h.app, 'POST', '/v1/segments', { name: 'trail ', rules: { trait: 'tier', op: 'eq', value: 'gold' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'trail', size: 1 });
    const id = created.json().id as string;

    for (const ref of ['trail', 'trail%20', '%20trail', '%20trail%09']) {
      const got = await jsonRequest(h.app, 'GET', `/v1/segments/${ref}`);
      expect(got.statusCode, `GET /v1/segments/${ref}: ${got.body}`).toBe(200);
      expect(got.json()).toMatchObject({ id, name: 'trail' });
    }
    const members = await jsonRequest(h.app, 'GET', '/v1/segments/trail%20/members');
    expect(members.statusCode, members.body).toBe(200);
    expect(members.json()).toMatchObject({ total: 1, members: [{ userId: 'ana' }] });
    expect((await jsonRequest(h.app, 'POST', '/v1/segments/%20trail/recompute')).statusCode).toBe(200);

    // The same name once more, with other blanks, is the same name: a conflict, not a second segment.
    const again = await jsonRequest(h.app, 'POST', '/v1/segments', { name: ' trail', rules: { trait: 'tier', op: 'eq', value: 'silver' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: { code: 'conflict', message: 'a segment named "trail" exists', field: 'name' } });

    const renamed = await jsonRequest(h.app, 'PATCH', '/v1/segments/trail%20', { name: 'gold ' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id, name: 'gold' });
    expect((await jsonRequest(h.app, 'DELETE', '/v1/segments/%20gold%20')).statusCode).toBe(204);
    expect((await jsonRequest(h.app, 'GET', '/v1/segments/gold')).statusCode).toBe(404);
  });

  it('CLI: show, members, recompute and delete find "trail " as "trail"', async () => {
    await h.close();
    const seg = (...args: string[]) => tailorCli(['--db', db, 'segment', ...args]);
    expect(JSON.parse((await seg('create', ' trail ', '--rules', '{"trait":"tier","op":"eq","value":"gold"}', '--json')).stdout)).toMatchObject({ name: 'trail', size: 1 });
    expect(JSON.parse((await seg('show', 'trail ', '--json')).stdout)).toMatchObject({ name: 'trail', size: 1 });
    expect(JSON.parse((await seg('members', ' trail', '--json')).stdout)).toMatchObject({ total: 1, members: [{ userId: 'ana' }] });
    expect(JSON.parse((await seg('recompute', 'trail ', '--json')).stdout)).toMatchObject({ size: 1 });
    await seg('delete', ' trail ');
    expect(JSON.parse((await seg('list', '--json')).stdout)).toEqual([]);
    h = await openApp(db);
  });
});
