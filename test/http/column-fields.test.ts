import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { openApp, WRITE_AUTH } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;

// Fields stored in a column of their own (not inside a JSON document) must be scalars of the
// column's kind. A JSON array or object there was flattened into PostgreSQL's bulk insert, shifting
// the following columns (["x"] stored as x), and failed to bind on SQLite (500).
const NON_SCALARS: [string, unknown][] = [['an array', ['a', 'b']], ['a one-element array', ['x']], ['an object', { a: 1 }], ['a boolean', true]];

const CASES: [path: string, body: Record<string, unknown>, field: string][] = [
  ['/v1/identify', { userId: 'u', traits: {} }, 'name'],
  ['/v1/identify', { traits: {} }, 'userId'],
  ['/v1/identify', { userId: 'u' }, 'anonymousId'],
  ['/v1/identify', { userId: 'u' }, 'messageId'],
  ['/v1/identify', { userId: 'u' }, 'timestamp'],
  ['/v1/identify', { userId: 'u' }, 'sentAt'],
  ['/v1/identify', { userId: 'u' }, 'originalTimestamp'],
  ['/v1/track', { userId: 'u' }, 'event'],
  ['/v1/page', { userId: 'u' }, 'name'],
  ['/v1/page', { userId: 'u' }, 'category'],
  ['/v1/screen', { userId: 'u' }, 'name'],
  ['/v1/group', { userId: 'u' }, 'groupId'],
  ['/v1/alias', { userId: 'u' }, 'previousId'],
];

describe.each(dialects)('column fields on $name', ({ url }) => {
  let h: App;
  beforeAll(async () => {
    h = await openApp(await url());
  });
  afterAll(async () => h.close());

  const post = (path: string, payload: unknown) =>
    h.app.inject({ method: 'POST', url: path, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', authorization: WRITE_AUTH } });
  const count = async () => Number((await h.t.db.kysely.selectFrom('events').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  for (const [path, body, field] of CASES) {
    it.each(NON_SCALARS)(`${path} with ${field} as %s: 400 validation_failed naming ${field}`, async (_what, value) => {
      const before = await count();
      const extra = path === '/v1/group' && field !== 'groupId' ? { groupId: 'g' } : path === '/v1/alias' && field !== 'previousId' ? { previousId: 'p' } : {};
      const r = await post(path, { ...body, ...extra, ...(path === '/v1/track' && field !== 'event' ? { event: 'E' } : {}), [field]: value });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'validation_failed', field });
      expect(await count()).toBe(before);
    });
  }

  it('names the batch item, and stores none of the batch', async () => {
    const before = await count();
    const r = await post('/v1/batch', { batch: [
      { type: 'identify', userId: 'ok-1', name: 'fine' },
      { type: 'identify', userId: 'bad-1', name: ['a', 'b'] },
    ] });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'batch.1.name' });
    expect(await count()).toBe(before);
  });

  it('still stores a string name on identify, in its own row', async () => {
    const r = await post('/v1/batch', { batch: [
      { type: 'identify', userId: 'named-1', name: 'Signup form', messageId: 'named-m1' },
      { type: 'identify', userId: 'named-2', messageId: 'named-m2' },
    ] });
    expect(r.statusCode, r.body).toBe(200);
    const rows = await h.t.db.kysely.selectFrom('events').select(['message_id', 'name', 'user_id']).where('message_id', 'in', ['named-m1', 'named-m2']).orderBy('message_id').execute();
    expect(rows).toEqual([
      { message_id: 'named-m1', name: 'Signup form', user_id: 'named-1' },
      { message_id: 'named-m2', name: null, user_id: 'named-2' },
    ]);
  });
});
