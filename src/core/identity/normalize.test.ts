import { describe, expect, it } from 'vitest';
import { normalizeCountry } from './country.ts';
import { normalizeDate } from './dates.ts';
import { normalizeEmail, undeliverableReason } from './email.ts';
import { normalizeTraits } from './normalize-traits.ts';
import { normalizePhone } from './phone.ts';
import { normalizeTimezone } from './timezone.ts';

const ok = (value: unknown) => ({ ok: true, value });

describe('email', () => {
  // The policy is stated in email.ts and the README; each case names the rule it applies.
  it.each([
    ['  Jane.Doe+news@Example.CO.UK ', 'Jane.Doe+news@example.co.uk'], // surrounding spaces trimmed; domain lower-cased
    ['\r\n\tann@example.com\r\n', 'ann@example.com'], // surrounding CR, LF and tab trimmed (CSV cells, form fields)
    ["o'brien@mail.ie", "o'brien@mail.ie"], // RFC 5322 atext includes the apostrophe
    ['"john smith"@example.com', '"john smith"@example.com'], // RFC 5321 quoted-string local part
    ['"a\\"b"@example.com', '"a\\"b"@example.com'], // quoted-pair inside a quoted string
    ['user@sub-domain.example.travel', 'user@sub-domain.example.travel'],
    ['a@b.co.', 'a@b.co'], // a trailing dot (absolute DNS name) is dropped
    ['customer/department=shipping@example.com', 'customer/department=shipping@example.com'], // RFC 3696 section 3
    ['!def!xyz%abc@example.com', '!def!xyz%abc@example.com'], // RFC 3696 section 3
    ['test@io', 'test@io'], // RFC 5321: a dotless domain is a valid address (kept, undeliverable)
    ['test@255.255.255.255', 'test@255.255.255.255'], // RFC 5322 dot-atom domain (kept, undeliverable)
    ['test@[255.255.255.255]', 'test@[255.255.255.255]'], // RFC 5321 4.1.3 IPv4 address literal (kept, undeliverable)
    ['test@[IPv6:2001:DB8::1]', 'test@[IPv6:2001:db8::1]'], // RFC 5321 4.1.3 IPv6 literal, written canonically
    ['jörg@müller.de', 'jörg@müller.de'], // RFC 6531 UTF-8 local part, IDNA domain
    ['ann@XN--MLLER-KVA.DE', 'ann@müller.de'], // a punycode domain is the same mailbox as its Unicode form
    ['用户@例子.广告', '用户@例子.广告'], // RFC 6531 example of an internationalised address
  ])('accepts %j as %j', (input, out) => expect(normalizeEmail(input)).toEqual(ok(out)));

  it.each([
    'plainaddress', '@no-local.com', 'no-domain@', 'two@@at.com', 'a..b@example.com', '.a@example.com', 'a.@example.com',
    'a@-bad.com', 'a@bad-.com', 'sp ace@example.com', `${'x'.repeat(65)}@example.com`, `a@${'d'.repeat(250)}.com`,
    'a@exa_mple.com', 'a@example..com', 'a@.example.com', 'a@[300.1.1.1]', 'a@[IPv6:zz::1]', 'a@[1.2.3.4', '', 42,
    '(comment)a@example.com', 'a@example.com (Ann)', // comments: RFC 5322 header syntax, not an RFC 5321 address
    'Ann <a@example.com>', // a display name is not an address
  ])('rejects %j', (input) => expect(normalizeEmail(input).ok).toBe(false));

  it.each(['a\r\nBcc: x@evil.example@example.com', 'a\nb@example.com', 'a@exam\rple.com', '"a\nb"@example.com', 'a\u0000b@example.com', 'a\tb@example.com'])(
    'never stores an address with a control character inside: %j', (input) => {
      const r = normalizeEmail(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/control character/);
    });

  it.each([
    ['test@io', /without a dot/],
    ['test@255.255.255.255', /numeric top-level/],
    ['test@[255.255.255.255]', /address literal/],
    ['test@[IPv6:::1]', /address literal/],
  ])('%j is valid but undeliverable', (email, why) => {
    const r = normalizeEmail(email);
    expect(r.ok).toBe(true);
    expect(undeliverableReason(r.ok ? r.value : '')).toMatch(why);
  });

  it.each(['ann@example.com', 'jörg@müller.de', 'a@b.co'])('%j is deliverable', (email) => expect(undeliverableReason(email)).toBeNull());
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

  it('reads a national phone number in the country given with it, before the stored one and the default region', () => {
    // libphonenumber: 020 7946 0958 is a London (GB) number; 06 12 34 56 78 a French mobile.
    expect(normalizeTraits({ phone: '020 7946 0958', country: 'United Kingdom' }).traits.phone).toBe('+442079460958');
    expect(normalizeTraits({ phone: '020 7946 0958', address: { country: 'gb' } }, { defaultRegion: 'FR' }).traits.phone).toBe('+442079460958');
    expect(normalizeTraits({ phone: '06 12 34 56 78' }, { defaultRegion: 'GB', stored: { country: 'FR' } }).traits.phone).toBe('+33612345678');
    expect(normalizeTraits({ phone: '06 12 34 56 78', country: 'France' }, { stored: { country: 'GB' } }).traits.phone).toBe('+33612345678');
    expect(normalizeTraits({ phone: '020 7946 0958' }, { defaultRegion: 'GB' }).traits.phone).toBe('+442079460958');
    const none = normalizeTraits({ phone: '020 7946 0958', country: 'Narnia' });
    expect(none.traits.phone).toBeUndefined();
    expect(none.issues.map((i) => i.field)).toEqual(['phone', 'country']);
  });

  it('keeps a valid but undeliverable email and reports it; drops an invalid one', () => {
    const kept = normalizeTraits({ email: 'ann@[192.0.2.1]' });
    expect(kept.traits.email).toBe('ann@[192.0.2.1]');
    expect(kept.issues).toEqual([{ field: 'email', value: 'ann@[192.0.2.1]', reason: 'kept but undeliverable: an address literal (mail servers and ESPs do not deliver to an IP address)' }]);
    const dropped = normalizeTraits({ email: 'ann@@example.com' });
    expect(dropped.traits.email).toBeUndefined();
    expect(dropped.issues[0]!.reason).toMatch(/^email /);
  });
});
