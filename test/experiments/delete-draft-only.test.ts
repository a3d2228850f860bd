import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailorCli } from '../helpers/cli.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, msg, openApp } from '../helpers/tailor.ts';

type App = Awaited<ReturnType<typeof openApp>>;

const spec = (name: string) => ({
  name, vary: 'subject', metric: 'click', rule: 'fixed', waitHours: 24, holdout: 0.1,
  variants: [{ key: 'A', content: { subject: 'Hello' } }, { key: 'B', content: { subject: 'Hi there' } }],
});

/**
 * The README allows changes to an experiment only while it is a draft: a started (testing) or
 * decided one keeps its assignments, counts and decision, so DELETE and `tailor experiment delete`
 * refuse it with 409 conflict and say which status it is in.
 */
describe.each(dialects)('deleting experiments on $name', ({ url }) => {
  let h: App;
  let db: string;
  let ids: string[];
  beforeEach(async () => {
    db = await url();
    h = await openApp(db);
    await h.t.ingest(Array.from({ length: 20 }, (_, i) => msg({ type: 'identify', userId: `u${i}` })));
    ids = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await h.t.profiles.resolve({ userId: `u${i}` }))!));
  });
  afterEach(async () => h.close());

  it('HTTP: a draft is deleted (204); a testing or decided one is a 409 conflict naming its status', async () => {
    const call = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: unknown) => jsonRequest(h.app, method, path, payload);
    expect((await call('POST', '/v1/experiments', spec('draft one'))).statusCode).toBe(201);
    expect((await call('DELETE', '/v1/experiments/draft%20one')).statusCode).toBe(204);
    expect((await call('GET', '/v1/experiments/draft%20one')).statusCode).toBe(404);

    expect((await call('POST', '/v1/experiments', spec('running'))).statusCode).toBe(201);
    expect((await call('POST', '/v1/experiments/running/start', { profileIds: ids })).statusCode).toBe(200);
    const refused = await call('DELETE', '/v1/experiments/running');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: { code: 'conflict', message: "experiment 'running' is testing, not a draft: only a draft can be deleted", field: 'experiment' } });
    expect((await call('GET', '/v1/experiments/running')).json()).toMatchObject({ name: 'running', status: 'testing' });
    const assigned = await call('GET', '/v1/experiments/running/assignments?limit=100');
    expect(assigned.json().assignments).toHaveLength(20);

    const decided = await call('POST', '/v1/experiments/running/decide', { force: true });
    expect(decided.statusCode, decided.body).toBe(200);
    const again = await call('DELETE', '/v1/experiments/running');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe("experiment 'running' is decided, not a draft: only a draft can be deleted");
  });

  it('CLI: tailor experiment delete deletes a draft and refuses a started one with a one-line reason', async () => {
    await h.t.experiments.create(spec('draft two'));
    await h.t.experiments.create(spec('started'));
    await h.t.experiments.start('started', ids);
    await h.close();
    expect(JSON.parse((await tailorCli(['--db', db, 'experiment', 'delete', 'draft two', '--json'])).stdout)).toEqual({ deleted: 'draft two' });
    const e = await tailorCli(['--db', db, 'experiment', 'delete', 'started']).then(() => null, (x: { code: number; stderr: string }) => x);
    expect(e).not.toBeNull();
    expect(e!.code).toBe(2);
    expect(e!.stderr).toBe("tailor: experiment 'started' is testing, not a draft: only a draft can be deleted\n");
    h = await openApp(db);
    expect((await h.t.experiments.list()).map((x) => [x.name, x.status])).toEqual([['started', 'testing']]);
  });
});
