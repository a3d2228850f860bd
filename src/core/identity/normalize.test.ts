import { describe, expect, it } from 'vitest';
import { normalizeCountry } from './country.ts';
import { normalizeDate } from './dates.ts';
import { normalizeEmail } from './email.ts';
import { normalizeTraits } from './normalize-traits.ts';
import { normalizePhone } from './phone.ts';
import { normalizeTimezone } from './timezone.ts';

const ok = (value: unknown) => ({ ok: true, value });

describe('email', () => {
  it.each([
    ['  Jane.Doe+news@Example.CO.UK ', 'Jane.Doe+news@example.co.uk'],
    ["o'brien@mail.ie", "o'brien@mail.ie"],
    ['"john smith"@example.com', '"john smith"@example.com'],
    ['user@sub-domain.example.travel', 'user@sub-domain.example.travel'],
    ['a@b.co.', 'a@b.co'],
  ])('accepts %j as %j', (input, out) => expect(normalizeEmail(input)).toEqual(ok(out)));

  it.each([
    'plainaddress', '@no-local.com', 'no-domain@', 'two@@at.com', 'a..b@example.com', '.a@example.com', 'a.@example.com',
    'a@localhost', 'a@-bad.com', 'a@bad-.com', 'a@1.2.3.4', 'sp ace@example.com', `${'x'.repeat(65)}@example.com`,
    `a@${'d'.repeat(250)}.com`, 'a@exa_mple.com', '', 42,
  ])('rejects %j', (input) => expect(normalizeEmail(input).ok).toBe(false));
});

describe('phone', () => {
  it('formats international numbers to E.164 without a region', () => {
    expect(normalizePhone('+44 20 7946 0958')).toEqual(ok('+442079460958'));
    expect(normalizePhone('+1 (415) 555-2671')).toEqual(ok('+14155552671'));
  });
  it('reads national numbers with the default region', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual(ok('+442079460958'));
    expect(normalizePhone('06 12 34 56 78', 'FR')).toEqual(ok('+33612345678'));
    expect(normalizePhone('020 7946 0958').ok).toBe(false);
  });
  it.each(['12', '+44 20', 'call me', '+999 123456789'])('rejects %j', (p) => expect(normalizePhone(p, 'GB').ok).toBe(false));
});

describe('country', () => {
  it.each([['gb', 'GB'], ['UK', 'GB'], ['United Kingdom', 'GB'], ['united states', 'US'], ['USA', 'US'], ['Deutschland', 'DE'],
    ['Côte d’Ivoire', 'CI'], ['the Netherlands', 'NL'], [' fr ', 'FR'], ['Éire', 'IE']])('%j → %j', (i, o) => expect(normalizeCountry(i)).toEqual(ok(o)));
  it.each(['XX', 'Narnia', 'EU', '', 'U.K.S'])('rejects %j', (i) => expect(normalizeCountry(i).ok).toBe(false));
});

describe('timezone', () => {
  it.each([['europe/london', 'Europe/London'], ['America/New_York', 'America/New_York'], ['utc', 'UTC']])('%j → %j', (i, o) =>
    expect(normalizeTimezone(i)).toEqual(ok(o)));
  it('accepts IANA links the runtime resolves', () => expect(normalizeTimezone('US/Eastern').ok).toBe(true));
  it.each(['Mars/Olympus', 'GMT+25', '', 'Europe'])('rejects %j', (i) => expect(normalizeTimezone(i).ok).toBe(false));
});

describe('dates', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T10:20:30+02:00', '2024-02-29T08:20:30.000Z'],
    ['2024-02-29 10:20', '2024-02-29T10:20:00.000Z'],
    [1700000000, '2023-11-14T22:13:20.000Z'],
    [1700000000123, '2023-11-14T22:13:20.123Z'],
  ])('%j → %j', (i, o) => expect(normalizeDate(i)).toEqual(ok(o)));
  it.each(['2023-02-29', '03/04/2020', 'yesterday', '2024-13-01', '10000-01-01', 1e18, NaN])('rejects %j', (i) => expect(normalizeDate(i).ok).toBe(false));
});

describe('normalizeTraits', () => {
  it('normalises known fields at any depth, trims strings, keeps null, and reports what it drops', () => {
    const r = normalizeTraits({
      email: ' A@B.COM ', name: '  Ann ', phone: 'nope', address: { country: 'france', city: ' Lyon ' }, createdAt: '2020-01-02',
      plan: null, tags: [' a ', 'b'], age: 30,
    }, { defaultRegion: 'GB' });
    expect(r.traits).toEqual({
      email: 'A@b.com', name: 'Ann', address: { country: 'FR', city: 'Lyon' }, createdAt: '2020-01-02T00:00:00.000Z', plan: null, tags: ['a', 'b'], age: 30,
    });
    expect(r.issues).toEqual([{ field: 'phone', value: 'nope', reason: 'phone does not parse' }]);
  });
});
