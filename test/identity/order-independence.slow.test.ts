import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromJson, fromTs } from '../../src/store/sql/codec.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

// Identity resolution: the final state does not depend on the order (or batching) in which the same
// events arrive. Ids are drawn from small pools so that links, merges and aliases happen often.
const userId = fc.constantFrom('u1', 'u2', 'u3');
const anonId = fc.constantFrom('a1', 'a2', 'a3', 'a4');
const email = fc.constantFrom('e1@x.io', 'E1@X.IO', 'e2@x.io', 'not-an-email');
const traitValue = fc.oneof(fc.constantFrom('red', 'blue', 'gold'), fc.integer({ min: 0, max: 3 }), fc.constant(null));
const traits = fc.record({ plan: traitValue, color: traitValue, size: traitValue, email }, { requiredKeys: [] });
const ts = fc.integer({ min: 0, max: 20 }).map((m) => new Date(Date.UTC(2026, 0, 1) + m * 60_000).toISOString());
const ids = fc.oneof(
  fc.record({ userId }), fc.record({ anonymousId: anonId }), fc.record({ userId, anonymousId: anonId }),
);

const raw = fc.oneof(
  fc.tuple(ids, traits, ts).map(([i, t, timestamp]) => ({ type: 'identify', ...i, traits: t, timestamp })),
  fc.tuple(ids, fc.option(email, { nil: undefined }), ts).map(([i, e, timestamp]) => ({
    type: 'track', ...i, event: 'Viewed', timestamp, ...(e ? { context: { traits: { email: e } } } : {}),
  })),
  fc.tuple(fc.oneof(userId, anonId), userId, ts).map(([previousId, u, timestamp]) => ({ type: 'alias', previousId, userId: u, timestamp })),
);

const scenario = fc.array(raw, { minLength: 1, maxLength: 25 }).chain((list) => fc.record({
  list: fc.constant(list.map((r, n) => ({ ...r, messageId: `m${String(n).padStart(3, '0')}` }))),
  order: fc.shuffledSubarray(list.map((_, n) => n), { minLength: list.length, maxLength: list.length }),
  cutsA: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 30, maxLength: 30 }),
  cutsB: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 30, maxLength: 30 }),
}));

async function replay(t: TestTailor, messages: Record<string, unknown>[], cuts: number[]) {
  for (let i = 0, c = 0; i < messages.length; c++) {
    const n = cuts[c % cuts.length]!;
    await t.ingest(messages.slice(i, i + n).map((m) => msg(m)));
    i += n;
  }
}

/** Live profiles described without their (random) ids: identities, traits, events, first/last seen. */
async function canonical(t: TestTailor) {
  const k = t.db.kysely;
  const profiles = await k.selectFrom('profiles').selectAll().where('merged_into', 'is', null).execute();
  const identities = await k.selectFrom('identities').select(['kind', 'value', 'profile_id']).execute();
  const events = await k.selectFrom('events').select(['message_id', 'profile_id']).execute();
  return profiles.map((p) => ({
    identities: identities.filter((i) => i.profile_id === p.id).map((i) => `${i.kind}:${i.value}`).sort(),
    traits: fromJson(p.traits),
    events: events.filter((e) => e.profile_id === p.id).map((e) => e.message_id).sort(),
    firstSeenAt: fromTs(p.first_seen_at),
    lastSeenAt: fromTs(p.last_seen_at),
  })).sort((a, b) => (a.events[0]! < b.events[0]! ? -1 : 1));
}

describe.each(dialects)('identity resolution is order-independent on $name', ({ name, url }) => {
  it('gives the same profiles whatever the arrival order and batching', async () => {
    await fc.assert(fc.asyncProperty(scenario, async ({ list, order, cutsA, cutsB }) => {
      const a = await openTailor(await url());
      const b = await openTailor(await url());
      try {
        await replay(a, list, cutsA);
        await replay(b, order.map((i) => list[i]!), cutsB);
        const [ca, cb] = [await canonical(a), await canonical(b)];
        expect(cb).toEqual(ca);
        // every event is stored once, on a live profile
        expect(ca.flatMap((p) => p.events).length).toBe(list.length);
      } finally {
        await a.close();
        await b.close();
      }
    }), { numRuns: name === 'sqlite' ? 150 : 20, seed: 424242 });
  }, 300_000);
});
