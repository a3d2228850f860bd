import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profileConsents } from '../../src/store/privacy/consent-store.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor, type TestTailor } from '../helpers/tailor.ts';

const consent = (prefs: Record<string, unknown>) => ({ consent: { categoryPreferences: prefs } });
const T = Date.UTC(2026, 3, 1);
const at = (h: number) => new Date(T + h * 3_600_000).toISOString();

describe.each(dialects)('consent on $name', ({ url }) => {
  let t: TestTailor;
  let now = T + 1000 * 3_600_000;
  beforeEach(async () => {
    // Every ingest a millisecond later: the older profile (created first) survives a merge.
    t = await openTailor(await url(), () => ++now);
  });
  afterEach(async () => t.close());

  const stateOf = async (ref: { userId?: string; anonymousId?: string }) => {
    const id = (await t.profiles.resolve(ref))!;
    return Object.fromEntries((await profileConsents(t.db, id)).map((c) => [c.purpose, [c.granted, c.updatedAt, c.source]]));
  };

  it('any message’s context.consent.categoryPreferences sets each purpose; non-boolean values are ignored', async () => {
    const r = await t.ingest([msg({ type: 'track', userId: 'u', event: 'Viewed', timestamp: at(1),
      context: consent({ marketing: true, analytics: false, ads: 'yes', '': true }) })]);
    expect(await stateOf({ userId: 'u' })).toEqual({ marketing: [true, T + 3_600_000, 'test'], analytics: [false, T + 3_600_000, 'test'] });
    expect(r.touched[0]!.consents.sort()).toEqual(['analytics', 'marketing']);
  });

  it('the latest message wins, whatever the arrival order; touched lists only purposes that flipped', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'u', timestamp: at(5), context: consent({ marketing: true, analytics: true }) })]);
    const older = await t.ingest([msg({ type: 'page', userId: 'u', name: 'Home', timestamp: at(4), context: consent({ marketing: false }) })]);
    expect(older.touched[0]!.consents).toEqual([]);
    expect(await stateOf({ userId: 'u' })).toMatchObject({ marketing: [true, T + 5 * 3_600_000, 'test'] });
    const newer = await t.ingest([msg({ type: 'page', userId: 'u', name: 'Home', timestamp: at(6), context: consent({ marketing: false, analytics: true }) })]);
    expect(newer.touched[0]!.consents).toEqual(['marketing']);
    expect(await stateOf({ userId: 'u' })).toEqual({ marketing: [false, T + 6 * 3_600_000, 'test'], analytics: [true, T + 6 * 3_600_000, 'test'] });
  });

  it('a tie on timestamp goes to the larger messageId, within a batch and across batches in either order', async () => {
    const a = (user: string, id: string, granted: boolean) =>
      msg({ type: 'track', userId: user, event: 'Set', messageId: id, timestamp: at(2), context: consent({ email: granted }) });
    await t.ingest([a('x', 'msg-b', true), a('x', 'msg-a', false)]);
    await t.ingest([a('y', 'msg-d', true)]);
    await t.ingest([a('y', 'msg-c', false)]);
    await t.ingest([a('z', 'msg-e', false)]);
    await t.ingest([a('z', 'msg-f', true)]);
    for (const user of ['x', 'y', 'z']) expect((await stateOf({ userId: user })).email?.[0]).toBe(true);
  });

  it('a merge moves consent to the survivor, the latest per purpose winning', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'm', timestamp: at(1), context: consent({ marketing: false, analytics: true }) })]);
    await t.ingest([msg({ type: 'page', anonymousId: 'anon', name: 'Home', timestamp: at(3), context: consent({ marketing: true, sms: false }) })]);
    const loser = (await t.profiles.resolve({ anonymousId: 'anon' }))!;
    const r = await t.ingest([msg({ type: 'track', userId: 'm', anonymousId: 'anon', event: 'Signed In', timestamp: at(4) })]);
    expect(r.mergedAway).toEqual([loser]);
    expect(await stateOf({ userId: 'm' })).toEqual({
      marketing: [true, T + 3 * 3_600_000, 'test'], analytics: [true, T + 3_600_000, 'test'], sms: [false, T + 3 * 3_600_000, 'test'],
    });
    expect(r.touched[0]!.consents.sort()).toEqual(['marketing', 'sms']);
    expect(await profileConsents(t.db, loser)).toEqual([]);
  });

  it('a merge with a tie between the two profiles’ stored consent reads the messages back', async () => {
    await t.ingest([msg({ type: 'identify', userId: 'm2', messageId: 'tie-1', timestamp: at(2), context: consent({ marketing: false }) })]);
    await t.ingest([msg({ type: 'page', anonymousId: 'anon2', messageId: 'tie-2', timestamp: at(2), context: consent({ marketing: true }) })]);
    await t.ingest([msg({ type: 'track', userId: 'm2', anonymousId: 'anon2', event: 'Signed In', timestamp: at(4) })]);
    expect((await stateOf({ userId: 'm2' })).marketing?.[0]).toBe(true);
  });
});
