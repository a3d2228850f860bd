import fs from 'node:fs';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictArtifact } from '../../src/core/ml/predict/service.ts';
import { createServer } from '../../src/http.ts';
import { clockedTailor, drainSends, outboxFiles, type ClockedTailor } from '../helpers/campaigns.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, KEYS, msg } from '../helpers/tailor.ts';

/**
 * Scoring now (`POST /v1/models/:ref/predict`) and fresh scores at send time, with two models whose
 * outputs are known by hand rather than from the code under test:
 * - purchase: logistic, p = σ(−2 + 0.5·frequency + 0.01·monetary), no scaling;
 * - churn: a GBT of one stump, frequency ≤ 1.5 → σ(1), else σ(−2).
 */
const σ = (z: number) => 1 / (1 + Math.exp(-z));
const purchaseOf = (frequency: number, monetary: number) => σ(-2 + 0.5 * frequency + 0.01 * monetary);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

const columns = [{ name: 'frequency', kind: 'number' as const }, { name: 'monetary', kind: 'number' as const }];
const transform = {
  scaling: 'none' as const, categories: [], featureNames: ['frequency', 'monetary'],
  numeric: columns.map((c) => ({ name: c.name, log: false, median: 0, center: 0, scale: 1, indicator: false })),
};
const logistic: PredictArtifact = { transform, columns, model: { kind: 'logistic', task: 'classification', coefficients: [0.5, 0.01], intercept: -2, iterations: 0, converged: true } };
const stump: PredictArtifact = {
  transform, columns,
  model: { kind: 'gbt', task: 'classification', features: 2, trees: 1, learningRate: 1, init: 0, importances: [1, 0],
    feature: [0, -1, -1], value: [1.5, 1, -2], left: [1, -1, -1], roots: [0] },
};

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

describe.each(dialects)('live scoring on $name', ({ url }) => {
  let s: ClockedTailor;
  const ids: Record<string, string> = {};

  const identify = (userId: string, at: number) => msg({
    type: 'identify', userId, timestamp: new Date(at).toISOString(),
    traits: { email: `${userId}@mail.test`, plan: 'pro' }, context: { consent: { categoryPreferences: { email_marketing: true } } },
  }, at);
  const order = (userId: string, at: number, revenue: number) =>
    msg({ type: 'track', event: 'Order Completed', userId, timestamp: new Date(at).toISOString(), properties: { revenue } }, at);

  async function save(name: string, target: 'purchase_30d' | 'churn', algo: 'logistic' | 'gbt', artifact: PredictArtifact) {
    const spec = { ...s.t.models.predict.parseSpec({ target, algo, features: ['frequency', 'monetary'], scaling: 'none' }), name };
    return s.t.models.registry.save({ name, kind: 'predict', target, algo, spec, metrics: {}, artifact, dataWindow: {}, baseline: null, createdAt: s.clock.now });
  }

  beforeAll(async () => {
    s = await clockedTailor(await url(), new Date(T0 - 5 * DAY).toISOString());
    // a and b are customers (one order each); c has no order yet. Orders are recent, so no 90-day
    // window expires during the test.
    await s.t.ingest([identify('a', T0 - 5 * DAY), identify('b', T0 - 5 * DAY), identify('c', T0 - 5 * DAY),
      order('a', T0 - 5 * DAY, 100), order('b', T0 - 5 * DAY, 50)]);
    await s.t.realtime.drain();
    for (const u of ['a', 'b', 'c']) ids[u] = (await s.t.profiles.resolve({ userId: u }))!;
    s.clock.now = T0;
    await save('hand-purchase', 'purchase_30d', 'logistic', logistic);
    await save('hand-churn', 'churn', 'gbt', stump);
    await s.t.models.predict.score('hand-purchase');
    await s.t.models.predict.score('hand-churn');
  }, 60_000);
  afterAll(async () => s?.t.close());

  it('stores the batch scores the hand-computed models give', async () => {
    const a = (await s.t.profiles.get(ids.a!, 0))!.features;
    expect(a.purchase_propensity).toBeCloseTo(purchaseOf(1, 100), 12);
    expect(a.churn_risk).toBeCloseTo(σ(1), 12);
    const c = (await s.t.profiles.get(ids.c!, 0))!.features;
    expect(c.purchase_propensity).toBeCloseTo(purchaseOf(0, 0), 12);
    expect(c.churn_risk).toBeNull();
  });

  describe('POST /v1/models/:ref/predict', () => {
    const post = async (ref: string, body: unknown, auth?: string | null) => {
      const app = createServer(s.t, KEYS);
      try {
        const r = await jsonRequest(app, 'POST', `/v1/models/${ref}/predict`, body, auth);
        return { status: r.statusCode, body: r.json() as Record<string, unknown> & { error?: { code: string; field?: string } } };
      } finally {
        await app.close();
      }
    };

    it('scores a feature vector with the model a name, name@version or id names', async () => {
      const r = await post('hand-purchase', { features: { frequency: 2, monetary: 300 } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ model: 'hand-purchase', version: 1, target: 'purchase_30d', algo: 'logistic' });
      expect(r.body.score).toBeCloseTo(σ(2), 12);
      const id = r.body.id as string;
      expect((await post('hand-purchase@1', { features: { frequency: 2, monetary: 300 } })).body.score).toBeCloseTo(σ(2), 12);
      expect((await post(id, { features: { frequency: 0, monetary: 0 } })).body.score).toBeCloseTo(σ(-2), 12);
      // The stump: one order is the risky side of the split.
      expect((await post('hand-churn', { features: { frequency: 1, monetary: 10 } })).body.score).toBeCloseTo(σ(1), 12);
      expect((await post('hand-churn', { features: { frequency: 3, monetary: 10 } })).body.score).toBeCloseTo(σ(-2), 12);
    });

    it('imputes an explicit null as training did (the stored median, 0 here) and lists ignored keys', async () => {
      const r = await post('hand-purchase', { features: { frequency: null, monetary: 100, plan: 'pro' } });
      expect(r.status).toBe(200);
      expect(r.body.score).toBeCloseTo(σ(-1), 12);
      expect(r.body.ignored).toEqual(['plan']);
    });

    it('scores a profile by id or userId from its current features', async () => {
      const byId = await post('hand-purchase', { profileId: ids.b });
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ profileId: ids.b, eligible: true, features: { frequency: 1, monetary: 50 } });
      expect(byId.body.score).toBeCloseTo(purchaseOf(1, 50), 12);
      expect((await post('hand-purchase', { profileId: 'b' })).body.profileId).toBe(ids.b);
      // Churn is defined for customers only: c has no order, so no score (as the batch run stores).
      expect((await post('hand-churn', { profileId: ids.c })).body).toMatchObject({ score: null, eligible: false });
    });

    it('answers errors with their code and field', async () => {
      const cases: [string, unknown, number, string, string][] = [
        ['nope', { features: { frequency: 1, monetary: 1 } }, 404, 'not_found', 'model'],
        ['hand-purchase@7', { features: { frequency: 1, monetary: 1 } }, 404, 'not_found', 'model'],
        ['hand-purchase', { features: { frequency: 1 } }, 400, 'missing_field', 'features.monetary'],
        ['hand-purchase', { features: { frequency: 'two', monetary: 1 } }, 400, 'validation_failed', 'features.frequency'],
        ['hand-purchase', { features: { frequency: 1, monetary: true } }, 400, 'validation_failed', 'features.monetary'],
        ['hand-purchase', { features: [1, 2] }, 400, 'validation_failed', 'features'],
        ['hand-purchase', { profileId: 'nobody' }, 404, 'not_found', 'profileId'],
        ['hand-purchase', { profileId: 7 }, 400, 'validation_failed', 'profileId'],
        ['hand-purchase', {}, 400, 'validation_failed', 'profileId'],
        ['hand-purchase', { profileId: ids.a, features: { frequency: 1, monetary: 1 } }, 400, 'validation_failed', 'features'],
        ['hand-purchase', { profile: ids.a }, 400, 'validation_failed', 'profile'],
      ];
      for (const [ref, body, status, code, field] of cases) {
        const r = await post(ref, body);
        expect({ ref, body, status: r.status, error: r.body.error }).toMatchObject({ status, error: { code, field } });
      }
      expect((await post('hand-purchase', { features: { frequency: 1, monetary: 1 } }, null)).status).toBe(401);
    });
  });

  describe('fresh scores at send time', () => {
    beforeAll(async () => {
      // b keeps its features; its stored score is replaced by a marker (without touching the row's
      // update time) to show that an unchanged recipient is rendered with the stored score.
      await s.t.db.transaction((sql) => sql.run('UPDATE profile_features SET purchase_propensity = ? WHERE profile_id = ?', [0.123, ids.b]));
      // After the scoring runs, a orders again and c orders for the first time.
      s.clock.now = T0 + HOUR;
      await s.t.ingest([order('a', T0 + HOUR, 200), order('c', T0 + HOUR, 100)]);
      await s.t.realtime.drain();
      s.clock.now = T0 + 2 * HOUR;
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await s.t.templates.create({ name: 'scores', subject: '{{ profile.scores.purchase_propensity }}|{{ profile.churn_risk }}|{{ profile.features.purchase_propensity }}', body: BODY });
    });

    it('leaves the stored scores stale (no scoring run since)', async () => {
      const a = (await s.t.profiles.get(ids.a!, 0))!.features;
      expect(a.frequency).toBe(2);
      expect(a.purchase_propensity).toBeCloseTo(purchaseOf(1, 100), 12);
      expect(a.churn_risk).toBeCloseTo(σ(1), 12);
    });

    it('re-scores a changed recipient in a template preview (one recipient)', async () => {
      const r = await s.t.templates.preview('scores', ids.a!);
      if (!r.ok) throw new Error(r.error);
      const [p, churn, again] = r.subject.split('|').map(Number);
      expect(p).toBeCloseTo(purchaseOf(2, 300), 12);
      expect(again).toBeCloseTo(purchaseOf(2, 300), 12);
      expect(churn).toBeCloseTo(σ(-2), 12);
      expect(p).not.toBeCloseTo(purchaseOf(1, 100), 3);
    });

    it('re-scores changed recipients in a campaign send (the batch path), and keeps unchanged ones', async () => {
      const c = await s.t.campaigns.campaigns.create({ name: 'fresh', audience: { segments: ['pro'] }, template: 'scores' });
      await s.t.campaigns.campaigns.launch(c.id);
      await drainSends(s.t);
      const files = outboxFiles(s.outbox);
      expect(files).toHaveLength(3);
      const by: Record<string, number[]> = {};
      for (const f of files) {
        const m = await PostalMime.parse(fs.readFileSync(`${s.outbox}/${f}`));
        by[m.to![0]!.address!.split('@')[0]!] = m.subject!.split('|').map((v) => (v === '' ? NaN : Number(v)));
      }
      expect(by.a![0]).toBeCloseTo(purchaseOf(2, 300), 12);
      expect(by.a![1]).toBeCloseTo(σ(-2), 12);
      // c became a customer: churn now applies to it (the stored value is empty).
      expect(by.c![0]).toBeCloseTo(purchaseOf(1, 100), 12);
      expect(by.c![1]).toBeCloseTo(σ(1), 12);
      // b did not change since scoring: the stored values, not a re-score (which would give σ(−1)).
      expect(by.b![0]).toBe(0.123);
      expect(by.b![1]).toBeCloseTo(σ(1), 12);
    });
  });
});
