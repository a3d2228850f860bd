import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationMetrics } from '../../src/core/ml/predict/holdout-metrics.ts';
import { EMAIL_LINK_CLICKED, ORDER_COMPLETED } from '../../src/core/tracking/email-event-names.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';
import { rngFor } from '../../src/core/prng.ts';

/**
 * The purchase model with its default predictors learns from email engagement once tracking fills
 * it: in this shop, people who clicked an email in the month before the cut-off buy in the next 30
 * days far more often (85 % against 10 %), and nothing else tells them apart (one order each, long
 * ago, the same day); scanner clicks (flagged bot) on the others must not count. Nobody has opened
 * an email and a third of the profiles have no email event at all: training must still work (counts
 * are 0, days_since_open is imputed with its indicator). Needs the feature module's human-only
 * counting of `Email Link Clicked`.
 */
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const N = 300;


describe.each(dialects)('engagement features in the purchase model on $name', ({ url }) => {
  let t: TestTailor;
  let clickers = 0;

  beforeAll(async () => {
    t = await openTailor(await url(), () => T0);
    // Seeded, so the data are the same on every run.
    const g = rngFor(7);
    const r = () => g.next();
    const at = (ms: number) => new Date(ms).toISOString();
    const batch = [];
    for (let i = 0; i < N; i++) {
      const userId = `u${i}`;
      const clicked = r() < 0.5;
      if (clicked) clickers++;
      batch.push(msg({ type: 'identify', userId, timestamp: at(T0 - 120 * DAY), traits: { email: `${userId}@mail.test` } }, T0));
      batch.push(msg({ type: 'track', event: ORDER_COMPLETED, userId, timestamp: at(T0 - 100 * DAY), properties: { revenue: 50 } }, T0));
      const click = { campaign_id: 'c1', step: 0, arm: null, email_id: `e${i}`, link_id: 'l1', url: 'https://shop.test/', user_agent: 'Mozilla/5.0', ip: null };
      // A human click, as tracking records it (no machine_open or bot flag), 35 days ago: inside the
      // 30 days before the cut-off at T0 − 30 d. A third of the others had their link clicked by a
      // scanner (flagged bot): a model that counted those would see clicks on both sides.
      if (clicked) batch.push(msg({ type: 'track', event: EMAIL_LINK_CLICKED, userId, timestamp: at(T0 - 35 * DAY), properties: click }, T0));
      else if (i % 3 === 0) {
        batch.push(msg({ type: 'track', event: EMAIL_LINK_CLICKED, userId, timestamp: at(T0 - 35 * DAY),
          properties: { ...click, user_agent: 'Barracuda Sentinel (EE)', bot: true, flag_reasons: ['scanner_agent'] } }, T0));
      }
      if (r() < (clicked ? 0.85 : 0.1)) {
        batch.push(msg({ type: 'track', event: ORDER_COMPLETED, userId, timestamp: at(T0 - 15 * DAY), properties: { revenue: 50 } }, T0));
      }
    }
    await t.ingest(batch);
    await t.realtime.drain();
  }, 120_000);
  afterAll(async () => t?.close());

  it('gives the click feature importance, with engagement in the default predictors', async () => {
    expect(clickers).toBeGreaterThan(100);
    const m = await t.models.predict.train({ target: 'purchase_30d', holdout: 'random', testFraction: 0.3, folds: 0, permutationRepeats: 5 });
    expect(m.spec.features).toEqual(expect.arrayContaining(['opens_30d', 'clicks_30d', 'days_since_open']));
    // No one has opened: the column stays numeric (imputed, with its indicator), not a category.
    expect(m.artifact.transform.featureNames).toEqual(expect.arrayContaining(['clicks_30d', 'days_since_open', 'days_since_open_missing']));
    const clicks = m.metrics.importances.find((f) => f.feature === 'clicks_30d')!;
    expect(clicks.permutation).toBeGreaterThan(0.1);
    expect(clicks.impurity).toBeGreaterThan(0.5);
    expect(m.metrics.importances[0]!.feature).toBe('clicks_30d');
    expect((m.metrics.holdout as ClassificationMetrics).rocAuc).toBeGreaterThan(0.8);
  }, 120_000);
});
