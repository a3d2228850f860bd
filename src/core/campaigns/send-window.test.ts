import { describe, expect, it } from 'vitest';
import { nextAllowedTime, type Cap, type QuietHours, type SendPolicy } from './send-window.ts';

// Expected instants are derived by hand from the 2026 rules:
// - Europe/Berlin is UTC+1 (CET) in winter, UTC+2 (CEST) from 2026-03-29 01:00Z (02:00 → 03:00 local)
//   until 2026-10-25 01:00Z (03:00 → 02:00 local, so 02:00-02:59 is read twice).
// - America/New_York is UTC-5 (EST), UTC-4 (EDT) from 2026-03-08 07:00Z (02:00 → 03:00 local) until
//   2026-11-01 06:00Z (02:00 → 01:00 local, so 01:00-01:59 is read twice).
// - Pacific/Auckland is UTC+13 (NZDT) in January; Pacific/Kiritimati is UTC+14 all year.
// - America/Santiago springs forward at local midnight on 2026-09-06 (00:00 -04 → 01:00 -03 = 04:00Z).
const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const H = 3_600_000;

const night: QuietHours = { start: '21:00', end: '08:00' };
const oneADay: Cap = { max: 1, per: 'day' };

function allowed(at: string, zone: string | undefined, policy: Partial<SendPolicy>, sent: string[] = [], defaultZone = 'UTC') {
  const r = nextAllowedTime({ at: t(at), zone, defaultZone, policy: { quietHours: undefined, caps: [], ...policy }, sentTimes: sent.map(t) });
  return { at: iso(r.at), holds: r.holds };
}

describe('nextAllowedTime without rules', () => {
  it('returns the very same instant and no holds', () => {
    const at = t('2026-01-10T03:00:00Z');
    const r = nextAllowedTime({ at, zone: 'Europe/Berlin', defaultZone: 'UTC', policy: { quietHours: undefined, caps: [] }, sentTimes: [at - 1000] });
    expect(r).toEqual({ at, holds: [] });
  });

  it('returns the same instant when rules exist but none holds', () => {
    // 12:00Z is 13:00 CET: outside the night, and nothing was sent.
    const at = t('2026-01-10T12:00:00Z');
    const r = nextAllowedTime({ at, zone: 'Europe/Berlin', defaultZone: 'UTC', policy: { quietHours: night, caps: [oneADay] }, sentTimes: [] });
    expect(r.at).toBe(at);
    expect(r.holds).toEqual([]);
  });
});

describe('quiet hours', () => {
  it('wraps midnight: before and after midnight both wait for the end, in local time', () => {
    // 22:00Z = 23:00 CET; 08:00 CET on the 11th = 07:00Z.
    expect(allowed('2026-01-10T22:00:00Z', 'Europe/Berlin', { quietHours: night })).toEqual({ at: '2026-01-11T07:00:00.000Z', holds: [{ kind: 'quiet' }] });
    // 02:00Z = 03:00 CET on the 11th: the same night.
    expect(allowed('2026-01-11T02:00:00Z', 'Europe/Berlin', { quietHours: night }).at).toBe('2026-01-11T07:00:00.000Z');
  });

  it('includes the start and excludes the end', () => {
    // 20:00Z = 21:00 CET (start: quiet); 19:59Z = 20:59 (not); 07:00Z = 08:00 (end: not); 06:59Z = 07:59 (quiet).
    expect(allowed('2026-01-10T20:00:00Z', 'Europe/Berlin', { quietHours: night }).at).toBe('2026-01-11T07:00:00.000Z');
    expect(allowed('2026-01-10T19:59:00Z', 'Europe/Berlin', { quietHours: night }).at).toBe('2026-01-10T19:59:00.000Z');
    expect(allowed('2026-01-11T07:00:00Z', 'Europe/Berlin', { quietHours: night }).holds).toEqual([]);
    expect(allowed('2026-01-11T06:59:00Z', 'Europe/Berlin', { quietHours: night }).at).toBe('2026-01-11T07:00:00.000Z');
  });

  it('handles quiet hours within one day', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(allowed('2026-01-10T13:00:00Z', 'UTC', { quietHours: lunch }).at).toBe('2026-01-10T14:00:00.000Z');
    expect(allowed('2026-01-10T14:00:00Z', 'UTC', { quietHours: lunch }).holds).toEqual([]);
    expect(allowed('2026-01-10T23:00:00Z', 'UTC', { quietHours: lunch }).holds).toEqual([]);
  });

  it('is in the recipient zone, not the server zone', () => {
    // 03:00Z is 22:00 EST on the 9th in New York (quiet) and 04:00 CET in Berlin (quiet), but 12:00 in Tokyo (UTC+9, not).
    expect(allowed('2026-01-10T03:00:00Z', 'America/New_York', { quietHours: night }).at).toBe('2026-01-10T13:00:00.000Z'); // 08:00 EST
    expect(allowed('2026-01-10T03:00:00Z', 'Asia/Tokyo', { quietHours: night }).holds).toEqual([]);
  });

  it('treats start = end as no quiet hours', () => {
    expect(allowed('2026-01-10T03:00:00Z', 'UTC', { quietHours: { start: '08:00', end: '08:00' } }).holds).toEqual([]);
  });

  it('ends at the end of the gap when the end time is skipped (spring forward)', () => {
    const toHalfPastTwo = { start: '22:00', end: '02:30' };
    // Berlin: 2026-03-28T23:00Z = 00:00 CET on the 29th (quiet); 02:30 does not exist, the gap ends at 03:00 CEST = 01:00Z.
    expect(allowed('2026-03-28T23:00:00Z', 'Europe/Berlin', { quietHours: toHalfPastTwo }).at).toBe('2026-03-29T01:00:00.000Z');
    // And at 03:00 CEST itself the night is over.
    expect(allowed('2026-03-29T01:00:00Z', 'Europe/Berlin', { quietHours: toHalfPastTwo }).holds).toEqual([]);
    // New York: 06:00Z = 01:00 EST on 2026-03-08 (quiet); the gap ends at 03:00 EDT = 07:00Z.
    expect(allowed('2026-03-08T06:00:00Z', 'America/New_York', { quietHours: toHalfPastTwo }).at).toBe('2026-03-08T07:00:00.000Z');
  });

  it('starts at the end of the gap when the start time is skipped', () => {
    const early = { start: '02:30', end: '06:00' };
    // New York 2026-03-08: 06:59:59Z is 01:59:59 EST (not yet); 07:00Z is 03:00 EDT (quiet until 06:00 EDT = 10:00Z).
    expect(allowed('2026-03-08T06:59:59Z', 'America/New_York', { quietHours: early }).holds).toEqual([]);
    expect(allowed('2026-03-08T07:00:00Z', 'America/New_York', { quietHours: early }).at).toBe('2026-03-08T10:00:00.000Z');
  });

  it('ends at the first reading of a repeated end time, and the repeated hour is not quiet again (fall back)', () => {
    const toHalfPastOne = { start: '22:00', end: '01:30' };
    // New York 2026-11-01: 04:00Z = 00:00 EDT (quiet); 01:30 is first read at 05:30Z (EDT).
    expect(allowed('2026-11-01T04:00:00Z', 'America/New_York', { quietHours: toHalfPastOne }).at).toBe('2026-11-01T05:30:00.000Z');
    // 06:10Z is 01:10 EST, the second reading: the night ended at 05:30Z, so this is not quiet.
    expect(allowed('2026-11-01T06:10:00Z', 'America/New_York', { quietHours: toHalfPastOne }).holds).toEqual([]);
    // Berlin 2026-10-25 with an end of 02:30: 22:30Z on the 24th = 00:30 CEST; 02:30 is first read at 00:30Z (CEST).
    expect(allowed('2026-10-24T22:30:00Z', 'Europe/Berlin', { quietHours: { start: '22:00', end: '02:30' } }).at).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('day caps', () => {
  it('counts the local calendar day in a zone far ahead of UTC (Auckland, UTC+13)', () => {
    // Sent at 12:00Z on the 14th = 01:00 NZDT on the 15th. At 10:00Z on the 15th it is 23:00 on the 15th: full.
    // The 16th begins at 00:00 NZDT = 11:00Z on the 15th.
    expect(allowed('2026-01-15T10:00:00Z', 'Pacific/Auckland', { caps: [oneADay] }, ['2026-01-14T12:00:00Z']))
      .toEqual({ at: '2026-01-15T11:00:00.000Z', holds: [{ kind: 'cap', cap: oneADay }] });
    // Sent at 10:30Z on the 14th = 23:30 on the 14th local; 11:00Z on the 14th is already the 15th there: free,
    // although both are the same UTC day.
    expect(allowed('2026-01-14T11:00:00Z', 'Pacific/Auckland', { caps: [oneADay] }, ['2026-01-14T10:30:00Z']).holds).toEqual([]);
  });

  it('counts a send at local midnight in its day (Kiritimati, UTC+14)', () => {
    // 10:00Z on the 14th = 00:00 on the 15th; 09:59:59.999Z on the 15th = 23:59:59.999 on the 15th: full until 10:00Z.
    expect(allowed('2026-01-15T09:59:59.999Z', 'Pacific/Kiritimati', { caps: [oneADay] }, ['2026-01-14T10:00:00Z']).at).toBe('2026-01-15T10:00:00.000Z');
    // One millisecond before local midnight belongs to the 14th.
    expect(allowed('2026-01-15T09:00:00Z', 'Pacific/Kiritimati', { caps: [oneADay] }, ['2026-01-14T09:59:59.999Z']).holds).toEqual([]);
  });

  it('allows up to max per day', () => {
    const twice: Cap = { max: 2, per: 'day' };
    expect(allowed('2026-01-10T18:00:00Z', 'UTC', { caps: [twice] }, ['2026-01-10T09:00:00Z']).holds).toEqual([]);
    expect(allowed('2026-01-10T18:00:00Z', 'UTC', { caps: [twice] }, ['2026-01-10T09:00:00Z', '2026-01-10T10:00:00Z']).at).toBe('2026-01-11T00:00:00.000Z');
  });

  it('defers to the first instant of a day whose midnight is skipped (Santiago)', () => {
    // 2026-09-05 20:00 -04 = 2026-09-06T00:00Z; the 6th begins at 01:00 -03 = 04:00Z.
    expect(allowed('2026-09-06T00:00:00Z', 'America/Santiago', { caps: [oneADay] }, ['2026-09-05T14:00:00Z']).at).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('rolling caps', () => {
  const twoPerDay: Cap = { max: 2, per: 'rolling', windowMs: 24 * H };

  it('waits until the max-th most recent send leaves the window', () => {
    // Sends 20 h and 10 h ago: the older leaves the 24 h window 4 h from now.
    expect(allowed('2026-01-10T12:00:00Z', 'UTC', { caps: [twoPerDay] }, ['2026-01-09T16:00:00Z', '2026-01-10T02:00:00Z']))
      .toEqual({ at: '2026-01-10T16:00:00.000Z', holds: [{ kind: 'cap', cap: twoPerDay }] });
    // Three sends (over the cap already): the second most recent decides.
    expect(allowed('2026-01-10T12:00:00Z', 'UTC', { caps: [twoPerDay] }, ['2026-01-09T13:00:00Z', '2026-01-09T16:00:00Z', '2026-01-10T02:00:00Z']).at)
      .toBe('2026-01-10T16:00:00.000Z');
  });

  it('counts sends in (t - window, t]: one exactly a window ago no longer counts', () => {
    expect(allowed('2026-01-10T12:00:00Z', 'UTC', { caps: [twoPerDay] }, ['2026-01-09T12:00:00Z', '2026-01-10T02:00:00Z']).holds).toEqual([]);
    expect(allowed('2026-01-10T12:00:00Z', 'UTC', { caps: [twoPerDay] }, ['2026-01-09T12:00:00.001Z', '2026-01-10T02:00:00Z']).at).toBe('2026-01-10T12:00:00.001Z');
  });

  it('allows a send when under the max', () => {
    expect(allowed('2026-01-10T12:00:00Z', 'UTC', { caps: [twoPerDay] }, ['2026-01-10T11:00:00Z']).holds).toEqual([]);
  });

  it('does not depend on the zone', () => {
    const sent = ['2026-01-09T16:00:00Z', '2026-01-10T02:00:00Z'];
    expect(allowed('2026-01-10T12:00:00Z', 'Pacific/Kiritimati', { caps: [twoPerDay] }, sent).at).toBe('2026-01-10T16:00:00.000Z');
  });
});

describe('caps and quiet hours together', () => {
  it('a full day moves to the next local midnight, which is quiet, so it waits for the morning', () => {
    // Sent 09:00 CET today; at 13:00 CET the day is full; the next day starts at 00:00 CET = 23:00Z, inside the night;
    // the night ends at 08:00 CET = 07:00Z on the 11th.
    const r = allowed('2026-01-10T12:00:00Z', 'Europe/Berlin', { quietHours: night, caps: [oneADay] }, ['2026-01-10T08:00:00Z']);
    expect(r.at).toBe('2026-01-11T07:00:00.000Z');
    expect(r.holds).toEqual(expect.arrayContaining([{ kind: 'cap', cap: oneADay }, { kind: 'quiet' }]));
    expect(r.holds).toHaveLength(2);
  });

  it('the end of the night can still be inside a rolling window', () => {
    // UTC: quiet 00:00-08:00; sent 09:00 yesterday with 1 per 24 h: 03:00 → 08:00 (quiet) → 09:00 (cap).
    const perDay: Cap = { max: 1, per: 'rolling', windowMs: 24 * H };
    const r = allowed('2026-01-11T03:00:00Z', 'UTC', { quietHours: { start: '00:00', end: '08:00' }, caps: [perDay] }, ['2026-01-10T09:00:00Z']);
    expect(r).toEqual({ at: '2026-01-11T09:00:00.000Z', holds: [{ kind: 'quiet' }, { kind: 'cap', cap: perDay }] });
  });

  it('a cap that lands in the night waits again for the morning', () => {
    // UTC: sent 22:00 yesterday, 1 per 24 h: 10:00 → 22:00 (cap) → quiet 21:00-08:00 → 08:00 on the 12th.
    const perDay: Cap = { max: 1, per: 'rolling', windowMs: 24 * H };
    const r = allowed('2026-01-11T10:00:00Z', 'UTC', { quietHours: night, caps: [perDay] }, ['2026-01-10T22:00:00Z']);
    expect(r.at).toBe('2026-01-12T08:00:00.000Z');
    expect(r.holds).toEqual([{ kind: 'cap', cap: perDay }, { kind: 'quiet' }]);
  });

  it('satisfies every cap at once', () => {
    // 1/day and 3 per 7 days: three sends this week, the oldest on the 5th at 12:00; today is free by the day cap
    // but the week is full until the 12th 12:00, which is a day with no sends.
    const week: Cap = { max: 3, per: 'rolling', windowMs: 7 * 24 * H };
    const r = allowed('2026-01-10T15:00:00Z', 'UTC', { caps: [oneADay, week] }, ['2026-01-05T12:00:00Z', '2026-01-07T12:00:00Z', '2026-01-09T12:00:00Z']);
    expect(r).toEqual({ at: '2026-01-12T12:00:00.000Z', holds: [{ kind: 'cap', cap: week }] });
  });
});

describe('zones that are missing or invalid', () => {
  it('uses the default zone, then UTC', () => {
    // 22:00Z is 23:00 CET (quiet until 07:00Z) but 22:00 UTC (quiet until 08:00Z).
    expect(allowed('2026-01-10T22:00:00Z', 'Mars/Olympus_Mons', { quietHours: night }, [], 'Europe/Berlin').at).toBe('2026-01-11T07:00:00.000Z');
    expect(allowed('2026-01-10T22:00:00Z', undefined, { quietHours: night }, [], 'Europe/Berlin').at).toBe('2026-01-11T07:00:00.000Z');
    expect(allowed('2026-01-10T22:00:00Z', 'Mars/Olympus_Mons', { quietHours: night }, [], 'Also/Wrong').at).toBe('2026-01-11T08:00:00.000Z');
  });
});
