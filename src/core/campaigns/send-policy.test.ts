import { describe, expect, it } from 'vitest';
import { TailorError } from '../errors.ts';
import { capFromSpec, lookBackMs, parseCaps, parseQuietHours, policyFor, type GlobalPolicy } from './send-policy.ts';

const H = 3_600_000;
const D = 24 * H;

function failure(f: () => unknown): TailorError {
  try {
    f();
  } catch (e) {
    if (e instanceof TailorError) return e;
    throw e;
  }
  throw new Error('expected a TailorError');
}

describe('parseCaps', () => {
  it('parses day and rolling caps', () => {
    expect(parseCaps('1/day,3/7d')).toEqual([{ max: 1, per: 'day' }, { max: 3, per: 'rolling', windowMs: 7 * D }]);
    expect(parseCaps(' 2/12h , 10/4w ')).toEqual([{ max: 2, per: 'rolling', windowMs: 12 * H }, { max: 10, per: 'rolling', windowMs: 28 * D }]);
    expect(parseCaps('5/30m')).toEqual([{ max: 5, per: 'rolling', windowMs: 30 * 60_000 }]);
  });

  it('gives no caps for empty text', () => {
    expect(parseCaps('')).toEqual([]);
    expect(parseCaps('   ')).toEqual([]);
  });

  it('refuses bad caps with invalid_config naming the field and the part', () => {
    for (const bad of ['0/day', '1/week', 'day', '1/', '/day', '1/7', '1/0d', '-1/day', '1/day,', '1.5/day', '1/7y', '1/1234567d']) {
      const e = failure(() => parseCaps(bad, 'TAILOR_CAPS'));
      expect(e.code, bad).toBe('invalid_config');
      expect(e.field).toBe('TAILOR_CAPS');
    }
    expect(failure(() => parseCaps('1/day,2/fortnight')).message).toContain('"2/fortnight"');
  });
});

describe('parseQuietHours', () => {
  it('parses a range, wrapping or not', () => {
    expect(parseQuietHours('21:00-08:00')).toEqual({ start: '21:00', end: '08:00' });
    expect(parseQuietHours(' 12:30 - 14:00 ')).toEqual({ start: '12:30', end: '14:00' });
  });

  it('gives none for empty text or an empty range', () => {
    expect(parseQuietHours('')).toBeUndefined();
    expect(parseQuietHours('08:00-08:00')).toBeUndefined();
  });

  it('refuses malformed text at parse time rather than at send time', () => {
    for (const bad of ['21:00', '21:00-', '25:00-08:00', '21:00-08:60', '9:00-17:00', '21:00-08:00-09:00', 'night']) {
      const e = failure(() => parseQuietHours(bad));
      expect(e.code, bad).toBe('invalid_config');
      expect(e.field).toBe('quietHours');
    }
  });
});

describe('policyFor', () => {
  const global: GlobalPolicy = { caps: [{ max: 3, per: 'rolling', windowMs: 7 * D }], quietHours: { start: '21:00', end: '08:00' }, defaultZone: 'UTC' };

  it('uses the global quiet hours when the campaign has none', () => {
    const p = policyFor(global, { caps: [] });
    expect(p.global).toEqual({ quietHours: global.quietHours, caps: global.caps });
    expect(p.campaign).toEqual({ quietHours: global.quietHours, caps: [] });
  });

  it("prefers the campaign's quiet hours", () => {
    const own = { start: '22:00', end: '07:00' };
    const p = policyFor(global, { caps: [], quietHours: own });
    expect(p.global.quietHours).toEqual(own);
    expect(p.campaign.quietHours).toEqual(own);
  });

  it('turns quiet hours off for a campaign with quietHours: null, even when the global ones are set', () => {
    const p = policyFor(global, { caps: [], quietHours: null });
    expect(p.global.quietHours).toBeUndefined();
    expect(p.campaign.quietHours).toBeUndefined();
    // The global caps still apply.
    expect(p.global.caps).toEqual(global.caps);
  });

  it('keeps the campaign caps apart from the global ones', () => {
    const p = policyFor(global, { caps: [{ max: 1, per: 'day' }, { max: 2, per: 'rolling', window: '48h' }] });
    expect(p.campaign.caps).toEqual([{ max: 1, per: 'day' }, { max: 2, per: 'rolling', windowMs: 48 * H }]);
    expect(p.global.caps).toEqual(global.caps);
  });
});

describe('capFromSpec and lookBackMs', () => {
  it('converts a spec window to ms', () => {
    expect(capFromSpec({ max: 4, per: 'rolling', window: '2w' })).toEqual({ max: 4, per: 'rolling', windowMs: 14 * D });
    expect(capFromSpec({ max: 1, per: 'day' })).toEqual({ max: 1, per: 'day' });
  });

  it('looks back over the longest window, two days for a day cap, nothing without caps', () => {
    expect(lookBackMs([])).toBe(0);
    expect(lookBackMs([{ max: 1, per: 'day' }])).toBe(2 * D);
    expect(lookBackMs([{ max: 1, per: 'day' }, { max: 3, per: 'rolling', windowMs: 7 * D }])).toBe(7 * D);
    expect(lookBackMs([{ max: 1, per: 'rolling', windowMs: H }])).toBe(H);
  });
});
