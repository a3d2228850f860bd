import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { toTs } from '../../src/store/sql/codec.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

// Ingest now refuses documents nested over 32 levels, but a database written before that can hold
// one nested 1,000 deep, which SQLite's JSON functions refuse ("malformed JSON") and which used to
// fail every batch query that read it. Such a row must read as missing in the batch paths
// (features, RFM, recommendations), and the other customers' results must be unaffected.
const NOW = Date.UTC(2026, 5, 1);
const deep = (n: number): string => `{"revenue":5,"products":${'['.repeat(n)}${']'.repeat(n)}}`;

describe.each(dialects)('a deeply nested document stored before the limit, on $name', ({ url }) => {
  let t: TestTailor;
  beforeEach(async () => {
    t = await openTailor(await url(), () => NOW);
  });
  afterEach(async () => {
    await t.close();
  });

  it('does not break feature recomputes, RFM or recommendations', async () => {
    await t.ingest([
      msg({ type: 'identify', userId: 'ok', traits: { email: 'ok@example.com' } }, NOW - 5 * DAY_MS),
      msg({ type: 'track', userId: 'ok', event: ORDER_EVENT, properties: { revenue: 40 }, timestamp: new Date(NOW - 2 * DAY_MS).toISOString() }, NOW),
      msg({ type: 'identify', userId: 'poisoned', traits: {} }, NOW - 5 * DAY_MS),
    ]);
    await t.realtime.drain();
    const poisoned = (await t.profiles.resolve({ userId: 'poisoned' }))!;
    // Straight into the table, as an older version of Tailor would have stored it.
    await t.db.transaction((sql) => sql.run(
      'INSERT INTO events (message_id, profile_id, type, name, user_id, timestamp, received_at, properties, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ['deep-1', poisoned, 'track', ORDER_EVENT, 'poisoned', toTs(t.db.dialect, NOW - DAY_MS), toTs(t.db.dialect, NOW), deep(1000), 'test']));

    const recomputed = await t.features.recompute(NOW);
    expect(recomputed.profiles).toBe(2);
    const ok = await t.features.show('ok');
    expect(ok.row.monetary).toBe(40);
    const bad = await t.features.show('poisoned');
    expect(bad.row.frequency).toBe(1);
    // SQLite cannot read the document: its revenue is missing (0). PostgreSQL's jsonb reads it.
    expect(bad.row.monetary).toBe(t.db.dialect === 'sqlite' ? 0 : 5);

    const rfm = await t.rfm.run({ windowDays: 365, save: true });
    expect(rfm.summary.totals.customers).toBe(2);
    const recs = await t.recs.build();
    expect(recs.profiles).toBeGreaterThanOrEqual(2);
  });
});
