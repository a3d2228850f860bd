import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tailor } from '../../src/main.ts';
import { parseRule, type Rule } from '../../src/core/schemas/segment-rule.ts';
import { compileSegmentQuery } from '../../src/core/segments/compile-sql.ts';
import { evaluate } from '../../src/core/segments/evaluate.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openDatabase, type Database } from '../../src/store/sql/database.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';
import { insertFixtures, profileData, type FixtureProfile } from '../segments/helpers/insert-fixtures.ts';

/**
 * Issue 15: segment conditions on opens and clicks count human events only. A profile whose only
 * opens are machine opens (Apple MPP) is not in "opened an email in the last 7 days"; one with a
 * human open is. Checked through Tailor itself, in batch (a segment created over stored events: the
 * SQL compiler) and in real time (events arriving for an existing segment: the evaluator), on both
 * dialects; and the two interpreters agree on random flagged data.
 */
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 12);

const OPENED_7D = { event: 'Email Opened', within: '7d' };
const CLICKED_7D = { event: 'Email Link Clicked', within: '7d' };
const MACHINE_OPENED = { event: 'Email Opened', where: [{ property: 'machine_open', op: 'eq', value: true }] };

const opened = (userId: string, machine: boolean) => ({
  type: 'track', userId, event: 'Email Opened',
  properties: { campaign_id: 'c1', step: 0, arm: null, email_id: `m-${userId}`, user_agent: machine ? 'Mozilla/5.0' : 'Mozilla/5.0 (iPhone)', ip: null, machine_open: machine, ...(machine ? { flag_reasons: ['apple_mpp_agent'] } : {}) },
});
const clicked = (userId: string, bot: boolean) => ({
  type: 'track', userId, event: 'Email Link Clicked',
  properties: { campaign_id: 'c1', step: 0, arm: null, email_id: `m-${userId}`, link_id: '0', user_agent: null, ip: null, bot },
});

async function setup(url: string) {
  let now = T0;
  const t = await openTailor(url, () => now);
  const send = async (raw: Record<string, unknown>[]) => {
    await t.ingest(raw.map((r) => msg({ timestamp: new Date(now).toISOString(), ...r }, now)));
    await t.realtime.drain();
  };
  const members = async (name: string) => {
    const s = await t.segments.get(name);
    return (await t.segmentQueries.members(s.id, { limit: 1000 })).members.map((m) => m.userId).sort();
  };
  return { t, send, members, advance: (ms: number) => { now += ms; } };
}

// Three readers: mia's opens are all Apple MPP prefetches, hal opened once himself (and had an MPP
// open too), and sam's only click was a link scanner's while her open was human.
const HISTORY = [opened('mia', true), opened('mia', true), opened('hal', true), opened('hal', false), opened('sam', false), clicked('sam', true), clicked('hal', false)];

for (const d of dialects) {
  describe(`segments count human opens and clicks only (${d.name})`, () => {
    let t: Tailor | undefined;
    afterEach(async () => { await t?.close(); t = undefined; });

    it('in batch: a segment created over stored events leaves machine-only profiles out', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.send(HISTORY);
      s.advance(DAY);
      await s.t.segments.create({ name: 'opened 7d', rules: OPENED_7D });
      await s.t.segments.create({ name: 'clicked 7d', rules: CLICKED_7D });
      await s.t.segments.create({ name: 'machine opened', rules: MACHINE_OPENED });
      expect(await s.members('opened 7d')).toEqual(['hal', 'sam']);
      expect(await s.members('clicked 7d')).toEqual(['hal']);
      // A rule that asks about the flag itself sees the raw events: the MPP readers.
      expect(await s.members('machine opened')).toEqual(['hal', 'mia']);
      // The raw events stay on the profile.
      const [{ n }] = await s.t.db.transaction((sql) => sql.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM events WHERE name IN ('Email Opened', 'Email Link Clicked')`)) as [{ n: number | string }];
      expect(Number(n)).toBe(HISTORY.length);
    });

    it('in real time: a machine open does not bring a profile in, a human open does', async () => {
      const s = await setup(await d.url());
      t = s.t;
      await s.t.segments.create({ name: 'opened 7d', rules: OPENED_7D });
      await s.t.segments.create({ name: 'clicked 7d', rules: CLICKED_7D });
      await s.send([opened('mia', true), clicked('mia', true)]);
      expect(await s.members('opened 7d')).toEqual([]);
      expect(await s.members('clicked 7d')).toEqual([]);
      s.advance(3 * DAY);
      await s.send([opened('mia', false), clicked('mia', false)]);
      expect(await s.members('opened 7d')).toEqual(['mia']);
      expect(await s.members('clicked 7d')).toEqual(['mia']);
      // And the batch recompute over the same events agrees.
      await s.t.segments.recompute('opened 7d');
      expect(await s.members('opened 7d')).toEqual(['mia']);
    });
  });

  describe(`the interpreters agree on flagged email events (${d.name})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await openDatabase(await d.url());
      await migrate(db);
    });
    afterAll(async () => db?.close());

    const NOW = T0;
    const NAMES = ['Email Opened', 'Email Link Clicked', 'Email Clicked', 'A'];
    // Flags as JSON true, and the values that are not true: false, strings, numbers, null, objects.
    const flag = fc.constantFrom<unknown>(true, true, false, 'true', 1, null, { a: true }, undefined);
    const props = fc.record({ machine_open: flag, bot: flag, p: fc.constantFrom<unknown>(1, 'x', true) }, { requiredKeys: [] })
      .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    const event = fc.record({
      type: fc.constantFrom('track', 'page'), name: fc.constantFrom(...NAMES),
      timestamp: fc.integer({ min: -10 * DAY, max: DAY / 2 }).map((x) => NOW + x), properties: props,
    });
    const profile = (i: number) => fc.array(event, { maxLength: 6 }).map((events): FixtureProfile => ({
      id: `p${i}`, traits: {}, mergedInto: null, events, features: null, memberships: [], consents: [],
    }));
    const profiles = fc.tuple(...Array.from({ length: 6 }, (_, i) => profile(i)));
    const where = fc.option(fc.array(fc.record({
      property: fc.constantFrom('machine_open', 'bot', 'p'), op: fc.constantFrom('eq', 'neq', 'exists'), value: fc.constantFrom(true, false, 1),
    }).map((f) => (f.op === 'exists' ? { property: f.property, op: f.op } : f)), { minLength: 1, maxLength: 2 }), { nil: undefined });
    const base = fc.record({
      event: fc.constantFrom(...NAMES), where, within: fc.option(fc.constantFrom('24h', '7d'), { nil: undefined }),
      count: fc.option(fc.constantFrom({ gte: 2 }, { eq: 0 }, { lt: 2 }), { nil: undefined }),
    });
    const rule: fc.Arbitrary<Rule> = fc.oneof(
      base,
      fc.record({ event: fc.constantFrom(...NAMES), where, notFollowedBy: fc.record({ event: fc.constantFrom(...NAMES), where, within: fc.constantFrom('24h', '7d') }) }),
    ).map((r) => JSON.parse(JSON.stringify(r)) as Rule);

    it('compileSegmentQuery selects exactly what evaluate() accepts', async () => {
      let members = 0;
      let rules = 0;
      await fc.assert(fc.asyncProperty(profiles, fc.array(rule, { minLength: 4, maxLength: 6 }), async (ps, rs) => {
        await insertFixtures(db, ps, new Map());
        for (const r of rs) {
          parseRule(r);
          const q = compileSegmentQuery(r, { dialect: d.name, now: NOW, segmentIds: new Map() });
          const got = new Set((await db.transaction((sql) => sql.all<{ id: string }>(q.sql, q.params))).map((x) => x.id));
          rules++;
          members += got.size;
          for (const p of ps) {
            const want = evaluate(r, profileData(p), NOW).value;
            if (got.has(p.id) !== want) throw new Error(`rule ${JSON.stringify(r)} profile ${JSON.stringify(p.events)}: SQL ${got.has(p.id)}, evaluate ${want}`);
          }
        }
      }), { numRuns: 60, seed: 15 });
      // Not vacuous: the rules select some profiles and skip others.
      expect(members).toBeGreaterThan(rules / 2);
      expect(members).toBeLessThan(rules * 6);
    }, 120_000);

    it('a machine-only profile is out of "opened in 7 days" in both interpreters, a human one in', async () => {
      const ev = (machine_open: unknown) => ({ type: 'track', name: 'Email Opened', timestamp: NOW - DAY, properties: { machine_open } });
      const ps: FixtureProfile[] = [
        { id: 'machine', traits: {}, mergedInto: null, events: [ev(true), ev(true)], features: null, memberships: [], consents: [] },
        { id: 'human', traits: {}, mergedInto: null, events: [ev(true), ev(false)], features: null, memberships: [], consents: [] },
      ];
      await insertFixtures(db, ps, new Map());
      const q = compileSegmentQuery(OPENED_7D as Rule, { dialect: d.name, now: NOW, segmentIds: new Map() });
      const got = (await db.transaction((sql) => sql.all<{ id: string }>(q.sql, q.params))).map((x) => x.id);
      expect(got).toEqual(['human']);
      expect(ps.map((p) => evaluate(OPENED_7D as Rule, profileData(p), NOW).value)).toEqual([false, true]);
    });
  });
}
