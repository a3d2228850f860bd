import { describe, expect, it } from 'vitest';
import { TailorError } from '../errors.ts';
import { isValidZone, localInstant, nextLocalTime, parseHhmm, resolveZone, zonedParts } from './local-time.ts';

// Expected instants are derived by hand from the 2026 rules:
// - Europe/Berlin is UTC+1 (CET) in winter, UTC+2 (CEST) from 2026-03-29 01:00Z (02:00 → 03:00 local)
//   until 2026-10-25 01:00Z (03:00 → 02:00 local, so 02:00-02:59 is read twice).
// - America/New_York is UTC-5 (EST), UTC-4 (EDT) from 2026-03-08 07:00Z (02:00 → 03:00 local) until
//   2026-11-01 06:00Z (02:00 → 01:00 local, so 01:00-01:59 is read twice).
// - Pacific/Auckland is UTC+13 (NZDT) in January; Pacific/Kiritimati UTC+14 all year;
//   Pacific/Honolulu UTC-10 all year; Asia/Kathmandu UTC+5:45.
// - America/Havana springs forward at local midnight on 2026-03-08 (00:00 CST → 01:00 CDT, UTC-4).
const t = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('zones', () => {
  it('knows valid IANA names and refuses others', () => {
    expect(isValidZone('Europe/Berlin')).toBe(true);
    expect(isValidZone('UTC')).toBe(true);
    expect(isValidZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });

  it('falls back from the recipient zone to the default, and from a bad default to UTC', () => {
    expect(resolveZone('Asia/Tokyo', 'Europe/Berlin')).toBe('Asia/Tokyo');
    expect(resolveZone(undefined, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveZone('', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveZone('not a zone', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveZone('not a zone', 'nor this')).toBe('UTC');
  });

  it('gives wall-clock parts and the offset', () => {
    // 10:00Z is 15:45 in Kathmandu (UTC+5:45).
    expect(zonedParts(t('2026-01-14T10:00:00Z'), 'Asia/Kathmandu')).toEqual({ year: 2026, month: 1, day: 14, hour: 15, minute: 45, second: 0, offsetMs: 20_700_000 });
    // 11:00Z on the 14th is already midnight of the 15th in Auckland (UTC+13).
    expect(zonedParts(t('2026-01-14T11:00:00Z'), 'Pacific/Auckland')).toMatchObject({ day: 15, hour: 0, offsetMs: 13 * 3_600_000 });
    // Milliseconds do not leak into the offset.
    expect(zonedParts(t('2026-07-01T12:00:00.999Z'), 'Europe/Berlin')).toMatchObject({ hour: 14, second: 0, offsetMs: 2 * 3_600_000 });
    // Before the epoch too (1969-12-31 23:59:59.5Z is 18:59:59 in New York, UTC-5).
    expect(zonedParts(-500, 'America/New_York')).toMatchObject({ year: 1969, hour: 18, second: 59, offsetMs: -5 * 3_600_000 });
  });

  it('parses HH:MM and refuses anything else', () => {
    expect(parseHhmm('00:00')).toBe(0);
    expect(parseHhmm('23:59')).toBe(23 * 60 + 59);
    for (const bad of ['24:00', '9:00', '09:60', '0900', '', ' 09:00']) expect(() => parseHhmm(bad)).toThrow(TailorError);
  });

  it('starts a day whose midnight is skipped at the end of the gap', () => {
    // Havana: 2026-03-08 00:00 CST does not exist; the day begins at 01:00 CDT = 05:00Z.
    expect(iso(localInstant({ year: 2026, month: 3, day: 8 }, 0, 'America/Havana'))).toBe('2026-03-08T05:00:00.000Z');
  });
});

describe('nextLocalTime', () => {
  const at9 = (after: string, zone: string | undefined, def = 'UTC') => iso(nextLocalTime(t(after), zone, def, '09:00'));

  it('gives the same day when the time is still ahead, else the next day', () => {
    // 09:00 CET = 08:00Z.
    expect(at9('2026-01-10T07:00:00Z', 'Europe/Berlin')).toBe('2026-01-10T08:00:00.000Z');
    expect(at9('2026-01-10T08:00:00Z', 'Europe/Berlin')).toBe('2026-01-10T08:00:00.000Z'); // >= after
    expect(at9('2026-01-10T08:00:00.001Z', 'Europe/Berlin')).toBe('2026-01-11T08:00:00.000Z');
    // Honolulu (UTC-10): 09:00 = 19:00Z. At 05:00Z on the 10th it is still 19:00 on the 9th there.
    expect(at9('2026-01-10T05:00:00Z', 'Pacific/Honolulu')).toBe('2026-01-10T19:00:00.000Z');
    // Kiritimati (UTC+14): at 20:00Z on the 10th it is 10:00 on the 11th, so the next 09:00 is the 12th's (19:00Z on the 11th).
    expect(at9('2026-01-10T20:00:00Z', 'Pacific/Kiritimati')).toBe('2026-01-11T19:00:00.000Z');
  });

  it('follows the offset of the day itself across a DST change', () => {
    // Berlin, 2026-03-28 is CET (09:00 = 08:00Z); 2026-03-29 is CEST (09:00 = 07:00Z).
    expect(at9('2026-03-28T09:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T07:00:00.000Z');
    // New York, 2026-11-01 after fall-back is EST: 09:00 = 14:00Z.
    expect(at9('2026-11-01T00:00:00Z', 'America/New_York')).toBe('2026-11-01T14:00:00.000Z');
  });

  it('sends a skipped time when the gap ends (spring forward)', () => {
    // Berlin 2026-03-29: 02:30 does not exist; the gap ends at 03:00 CEST = 01:00Z.
    expect(iso(nextLocalTime(t('2026-03-28T23:00:00Z'), 'Europe/Berlin', 'UTC', '02:30'))).toBe('2026-03-29T01:00:00.000Z');
    // New York 2026-03-08: 02:30 does not exist; the gap ends at 03:00 EDT = 07:00Z.
    expect(iso(nextLocalTime(t('2026-03-08T05:00:00Z'), 'America/New_York', 'UTC', '02:30'))).toBe('2026-03-08T07:00:00.000Z');
    // The day after, 02:30 EDT exists again: 06:30Z.
    expect(iso(nextLocalTime(t('2026-03-08T07:00:00.001Z'), 'America/New_York', 'UTC', '02:30'))).toBe('2026-03-09T06:30:00.000Z');
  });

  it('sends a repeated time once, at its first reading (fall back)', () => {
    // New York 2026-11-01: 01:30 is read at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(iso(nextLocalTime(t('2026-11-01T04:00:00Z'), 'America/New_York', 'UTC', '01:30'))).toBe('2026-11-01T05:30:00.000Z');
    // Once it has passed, the next is 2026-11-02 01:30 EST = 06:30Z, not the second reading.
    expect(iso(nextLocalTime(t('2026-11-01T05:30:00.001Z'), 'America/New_York', 'UTC', '01:30'))).toBe('2026-11-02T06:30:00.000Z');
    // Berlin 2026-10-25: the repeated hour is 02:00-02:59; 02:30 is read at 00:30Z (CEST) and 01:30Z (CET).
    expect(iso(nextLocalTime(t('2026-10-24T22:00:00Z'), 'Europe/Berlin', 'UTC', '02:30'))).toBe('2026-10-25T00:30:00.000Z');
    // And Berlin's 01:30 that night is read once, in CEST: 23:30Z on the 24th.
    expect(iso(nextLocalTime(t('2026-10-24T22:00:00Z'), 'Europe/Berlin', 'UTC', '01:30'))).toBe('2026-10-24T23:30:00.000Z');
  });

  it('uses the default zone for a missing or invalid zone, and UTC for an invalid default', () => {
    expect(at9('2026-01-10T07:00:00Z', undefined, 'Europe/Berlin')).toBe('2026-01-10T08:00:00.000Z');
    expect(at9('2026-01-10T07:00:00Z', 'Not/AZone', 'Europe/Berlin')).toBe('2026-01-10T08:00:00.000Z');
    expect(at9('2026-01-10T07:00:00Z', 'Not/AZone', 'Nor/This')).toBe('2026-01-10T09:00:00.000Z');
  });

  it('refuses a malformed time', () => {
    expect(() => nextLocalTime(0, 'UTC', 'UTC', '25:00')).toThrow(TailorError);
  });
});
