import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { dialects } from '../helpers/databases.ts';
import { ADMIN_AUTH, msg, openApp } from '../helpers/tailor.ts';

describe.each(dialects)('GET /v1/profiles/:id with features and consent on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  beforeEach(async () => {
    h = await openApp(await url());
  });
  afterEach(async () => h.close());

  it('returns the rule-visible features as of now, the histogram, category counts and consent', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    await h.t.ingest([
      msg({ type: 'identify', userId: 'doc', timestamp: iso(now - 10 * DAY_MS), traits: { name: 'Ann' }, context: { consent: { categoryPreferences: { marketing: true } } } }),
      msg({ type: 'track', userId: 'doc', event: ORDER_EVENT, timestamp: iso(now - 3 * DAY_MS - 1000), properties: { revenue: 30, products: [{ category: 'tops', quantity: 2 }] } }),
      msg({ type: 'track', userId: 'doc', event: ORDER_EVENT, timestamp: iso(now - 100 * DAY_MS), properties: { total: 10, products: [{ category: 'jeans' }] } }),
      msg({ type: 'track', userId: 'doc', event: 'Email Opened', timestamp: iso(now - DAY_MS) }),
    ]);
    const id = await h.t.profiles.resolve({ userId: 'doc' });
    const res = await h.app.inject({ method: 'GET', url: `/v1/profiles/${id}`, headers: { authorization: ADMIN_AUTH } });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.features).toMatchObject({
      frequency: 2, monetary: 40, aov: 20, recency_days: 3, tenure_days: 100, orders_90d: 1, revenue_90d: 30,
      opens_30d: 1, clicks_30d: 0, days_since_open: 1, top_category: 'tops', rfm_score: null,
      categoryCounts: { tops: 2, jeans: 1 },
    });
    expect(doc.features.hourHistogram).toHaveLength(168);
    expect(doc.features.hourHistogram.reduce((a: number, b: number) => a + b)).toBe(1);
    expect(doc.consents).toEqual({ marketing: { granted: true, updatedAt: iso(now - 10 * DAY_MS) } });
  });
});
