import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rngFor } from '../../src/core/prng.ts';
import { ORDER_COMPLETED } from '../../src/core/tracking/email-event-names.ts';
import { createModelData } from '../../src/store/models/model-data-store.ts';
import { tempSqlite } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

/**
 * Issue 18 part 5: profiles were ordered by first activity with ties broken by their random UUIDs,
 * so the same file imported into two fresh databases gave k-means inertias from 1988.7 to 1999.4.
 * Here every customer is identified at the same instant (as one import run does), the two
 * databases give the profiles different random ids, and the models must not notice.
 */
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const N = 240;

function history() {
  const g = rngFor(18, 'deterministic-order');
  const at = (ms: number) => new Date(ms).toISOString();
  const out: Record<string, unknown>[] = [];
  // Shuffled user ids, so that the order of ingestion says nothing either.
  const users = Array.from({ length: N }, (_, i) => `cust-${String(i).padStart(4, '0')}`);
  for (let i = users.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  for (const userId of users) {
    out.push({ type: 'identify', userId, timestamp: at(T0 - 400 * DAY), traits: { email: `${userId}@mail.test`, vip: g.next() < 0.5 ? 'yes' : 'no' } });
    const orders = 1 + g.int(0, 6);
    for (let k = 0; k < orders; k++) {
      out.push({ type: 'track', event: ORDER_COMPLETED, userId, timestamp: at(T0 - g.int(1, 390) * DAY), properties: { revenue: Math.round(5 + 200 * g.next() ** 3) } });
    }
  }
  return out;
}

describe('the same history in two fresh databases', () => {
  const runs: TestTailor[] = [];

  beforeAll(async () => {
    const h = history();
    for (let d = 0; d < 2; d++) {
      const t = await openTailor(tempSqlite(), () => T0);
      await t.ingest(h.map((m) => msg(m, T0)));
      await t.realtime.drain();
      runs.push(t);
    }
  }, 120_000);
  afterAll(async () => Promise.all(runs.map((t) => t.close())));

  it('orders profiles with equal first activity by their identities, not their random ids', async () => {
    const [a, b] = await Promise.all(runs.map((t) => createModelData(t.db, () => T0).snapshot(T0, ['frequency', 'monetary'], ['vip'])));
    expect(a!.ids).not.toEqual(b!.ids); // different random ids…
    expect(a!.rows).toEqual(b!.rows); // …the same rows in the same order
  });

  it('gives identical k-means labels and inertia', async () => {
    const spec = { algo: 'kmeans' as const, k: 8, nInit: 1, seed: 3, features: ['recency_days', 'frequency', 'monetary', 'aov'] };
    const [a, b] = await Promise.all(runs.map((t) => t.models.cluster.run(spec, { save: false, asOf: T0 })));
    expect(a!.ids).not.toEqual(b!.ids);
    expect(Array.from(b!.labels)).toEqual(Array.from(a!.labels));
    expect(b!.metrics.inertia).toBe(a!.metrics.inertia);
  });

  it('gives identical forest holdout metrics on a trait label', async () => {
    const spec = { target: 'trait:vip', algo: 'forest' as const, holdout: 'random' as const, folds: 0, permutationRepeats: 1, params: { trees: 20 } };
    const [a, b] = await Promise.all(runs.map((t) => t.models.predict.train(spec, T0)));
    expect(b!.metrics.holdout).toEqual(a!.metrics.holdout);
  });
});
