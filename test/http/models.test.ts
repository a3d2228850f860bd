import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { createServer } from '../../src/http.ts';
import type { Tailor } from '../../src/main.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, KEYS, openTailor, WRITE_AUTH } from '../helpers/tailor.ts';

describe.each(dialects)('/v1/models on $name', ({ url }) => {
  let t: Tailor;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await openTailor(await url(), () => DEFAULT_DEMO_END.getTime());
    app = createServer(t, KEYS);
    await loadDemo(t, { customers: 400, seed: 9 });
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('trains a model on the worker thread, lists it, shows it, and scores with it', async () => {
    const res = await jsonRequest(app, 'POST', '/v1/models/train', { target: 'purchase_30d', algo: 'logistic', folds: 2 });
    expect(res.statusCode).toBe(201);
    const m = res.json();
    expect(m).toMatchObject({ name: 'purchase_30d', version: 1, kind: 'predict', algo: 'logistic', status: 'active' });
    expect(m.metrics.holdout.rocAuc).toBeGreaterThan(0.6);
    expect(m.artifact).toBeUndefined();
    const list = (await jsonRequest(app, 'GET', '/v1/models?kind=predict')).json();
    expect(list.models.map((x: { id: string }) => x.id)).toEqual([m.id]);
    expect((await jsonRequest(app, 'GET', '/v1/models/purchase_30d@1')).json().id).toBe(m.id);
    const score = await jsonRequest(app, 'POST', `/v1/models/${m.id}/score`);
    expect(score.statusCode).toBe(200);
    expect(score.json()).toMatchObject({ written: score.json().scored, drift: false });
    expect(score.json().scored).toBeGreaterThan(100);
  });

  it('runs a clustering and returns cards and SVGs', async () => {
    const res = await jsonRequest(app, 'POST', '/v1/models/cluster', { algo: 'kmeans', k: 4, nInit: 2, truth: 'demo_segment' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.k).toBe(4);
    expect(body.cards).toHaveLength(4);
    expect(body.ari.trait).toBe('demo_segment');
    expect(body.svg.scatter).toMatch(/^<svg/);
    const dry = await jsonRequest(app, 'POST', '/v1/models/cluster', { algo: 'kmeans', k: 3, nInit: 1, save: false });
    expect(dry.statusCode).toBe(200);
    expect(dry.json().model).toBeNull();
  });

  it('answers bad input with a 4xx and the error shape, and needs the admin key', async () => {
    const cases: [string, string, unknown, number, RegExp, string?][] = [
      ['POST', '/v1/models/train', { target: 'nope' }, 400, /target/, 'target'],
      ['POST', '/v1/models/train', { target: 'churn', algo: 'svm' }, 400, /algo/, 'algo'],
      ['POST', '/v1/models/train', { target: 'churn', params: { trees: 0 } }, 400, /trees/],
      ['POST', '/v1/models/train', { target: 'churn', asOf: 'yesterday' }, 400, /asOf/, 'asOf'],
      ['POST', '/v1/models/cluster', { algo: 'kmeans', k: 1 }, 400, /^k: /, 'k'],
      ['POST', '/v1/models/cluster', { features: ['not_a_feature'] }, 400, /features/],
      ['POST', '/v1/models/nope/score', {}, 404, /no predictive model/, 'model'],
      ['GET', '/v1/models/nope', undefined, 404, /no model/, 'model'],
      ['GET', '/v1/models?kind=other', undefined, 400, /kind/, 'kind'],
    ];
    for (const [method, path, payload, status, message, field] of cases) {
      const res = await jsonRequest(app, method as 'GET' | 'POST', path, payload);
      expect(res.statusCode, `${method} ${path} ${JSON.stringify(payload)}`).toBe(status);
      expect(res.json().error.message).toMatch(message);
      if (field) expect(res.json().error.field).toBe(field);
    }
    expect((await jsonRequest(app, 'GET', '/v1/models', undefined, WRITE_AUTH)).statusCode).toBe(403);
    expect((await jsonRequest(app, 'GET', '/v1/models', undefined, null)).statusCode).toBe(401);
  });
});
