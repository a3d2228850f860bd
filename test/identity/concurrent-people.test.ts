import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { openApp, WRITE_AUTH } from '../helpers/tailor.ts';

// Many clients sending messages about the same people at once: the server resolves its own
// conflicts (a profile merged or changed by a concurrent transaction), so no request fails and
// nobody ends up split, without any client retrying.
const PEOPLE = 150;
const CONCURRENCY = 32;

/** Ten messages about person n that tie together a userId, an email in two cases, three anonymous ids and an alias chain. */
function messagesAbout(n: number): [string, Record<string, unknown>][] {
  const u = `user-${n}`;
  const [a1, a2, a3, tmp] = [`anon1-${n}`, `anon2-${n}`, `anon3-${n}`, `tmp-${n}`];
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000 + min * 60_000).toISOString();
  return [
    ['identify', { userId: u, traits: { email: `Person.${n}@Example.com`, plan: 'gold' }, timestamp: at(1) }],
    ['identify', { anonymousId: a1, traits: { email: `person.${n}@example.com` }, timestamp: at(2) }],
    ['track', { anonymousId: a1, event: 'Viewed', timestamp: at(3) }],
    ['track', { anonymousId: a2, event: 'Viewed', timestamp: at(4) }],
    ['page', { anonymousId: a3, name: 'Home', timestamp: at(5) }],
    ['identify', { anonymousId: a2, traits: { email: `PERSON.${n}@EXAMPLE.COM` }, timestamp: at(6) }],
    ['alias', { previousId: a3, userId: tmp, timestamp: at(7) }],
    ['alias', { previousId: tmp, userId: u, timestamp: at(8) }],
    ['track', { userId: u, event: 'Order Completed', properties: { total: 10 }, timestamp: at(9) }],
    ['track', { userId: u, anonymousId: a1, event: 'Viewed', timestamp: at(10) }],
  ].map(([type, body], k) => [type as string, { ...(body as object), messageId: `p${n}-m${k}` }]);
}

/** A deterministic shuffle (mulberry32), so that a failing order can be replayed. */
function shuffle<T>(list: T[], seed: number): T[] {
  let s = seed;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

describe.each(dialects)('concurrent messages about the same people on $name', ({ url }) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it(`${PEOPLE} people × 10 messages over ${CONCURRENCY} concurrent requests: no error, nobody split, every event on its person`, async () => {
    const h = await openApp(await url());
    close = h.close;
    // Shuffled within groups of ten people: each person's messages are then close enough in the
    // stream to be in flight together, which is where the conflicts are.
    const work = Array.from({ length: PEOPLE / 10 }, (_, g) =>
      shuffle(Array.from({ length: 10 }, (_, n) => messagesAbout(g * 10 + n)).flat(), 20260101 + g)).flat();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < work.length) {
        const [type, body] = work[next++]!;
        const r = await h.app.inject({
          method: 'POST', url: `/v1/${type}`, payload: JSON.stringify(body),
          headers: { 'content-type': 'application/json', authorization: WRITE_AUTH },
        });
        if (r.statusCode !== 200) failures.push(`${r.statusCode} ${body.messageId as string}: ${r.body}`);
      }
    }));
    expect(failures).toEqual([]);

    const k = h.t.db.kysely;
    const live = await k.selectFrom('profiles').select('id').where('merged_into', 'is', null).execute();
    const identities = await k.selectFrom('identities').select(['kind', 'value', 'profile_id']).execute();
    const events = await k.selectFrom('events').select(['message_id', 'profile_id']).execute();
    const liveIds = new Set(live.map((p) => p.id));
    const owner = new Map(identities.filter((i) => i.kind === 'user_id').map((i) => [i.value, i.profile_id]));

    // One live profile per person, holding every identity and every event of that person.
    expect(live.length).toBe(PEOPLE);
    expect(events.length).toBe(PEOPLE * 10);
    expect(identities.filter((i) => !liveIds.has(i.profile_id))).toEqual([]);
    const split: string[] = [];
    for (let n = 0; n < PEOPLE; n++) {
      const pid = owner.get(`user-${n}`);
      const mine = identities.filter((i) => i.value.endsWith(`-${n}`) || i.value === `person.${n}@example.com`);
      const theirs = events.filter((e) => e.message_id.startsWith(`p${n}-`));
      if (!pid || mine.some((i) => i.profile_id !== pid) || theirs.some((e) => e.profile_id !== pid)) split.push(`person ${n}`);
    }
    expect(split).toEqual([]);
  }, 300_000);
});
