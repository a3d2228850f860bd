import { describe, expect, it } from 'vitest';
import { localBin, localClock, localHourOfWeek } from './local-bins.ts';

describe('local bins', () => {
  it('reads the wall clock of the recipient, across a DST change', () => {
    // 2026-03-29 is a Sunday; Berlin moves from UTC+1 to UTC+2 at 01:00 UTC.
    expect(localClock(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toEqual({ hour: 1, weekday: 6 });
    expect(localClock(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toEqual({ hour: 3, weekday: 6 });
    // Monday 2026-03-30 08:15 in Berlin (CEST) is 06:15 UTC.
    expect(localBin(Date.parse('2026-03-30T06:15:00Z'), 'Europe/Berlin')).toBe(8);
  });

  it('puts a UTC Monday-morning instant on a Sunday evening in Los Angeles (weekend bin)', () => {
    const t = Date.parse('2026-06-01T03:00:00Z'); // Sunday 20:00 PDT
    expect(localClock(t, 'America/Los_Angeles')).toEqual({ hour: 20, weekday: 6 });
    expect(localBin(t, 'America/Los_Angeles')).toBe(24 + 20);
    expect(localHourOfWeek(t, 'America/Los_Angeles')).toBe(6 * 24 + 20);
  });

  it('handles half-hour zones', () => {
    expect(localClock(Date.parse('2026-01-05T03:45:00Z'), 'Asia/Kolkata')).toEqual({ hour: 9, weekday: 0 });
  });
});
