import fs from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/core/tracking/tokens.ts';
import { createServer } from '../../src/http.ts';
import { clockedTailor, drainSends, outboxFiles, type ClockedTailor } from '../helpers/campaigns.ts';
import { dialects } from '../helpers/databases.ts';
import { KEYS, msg } from '../helpers/tailor.ts';

// The open pixel and click redirect end to end: a real send renders tracked links into the .eml,
// and hitting them through the HTTP app writes Email Opened / Email Link Clicked on the recipient's
// profile, flagged when a machine made them. Tampered tokens count nothing and never redirect.

const PUBLIC = 'https://mail.shop.test';
const SECRET = 'tracking-test-secret-0123456789abcdef';
const BODY = `<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello {{ profile.first_name }}. <a href="https://shop.test/sale?from=mail">Sale</a> and
<a href="https://shop.test/new">New in</a>, <a data-tailor-track="off" href="https://shop.test/account">your account</a>.</mj-text>
<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const START = '2026-03-02T09:00:00Z';

for (const d of dialects) {
  describe(`open pixel and click redirect (${d.name})`, () => {
    let c: ClockedTailor;
    let app: ReturnType<typeof createServer>;
    let html = '';
    let text = '';
    let profileId = '';

    beforeAll(async () => {
      c = await clockedTailor(await d.url(), START, { publicUrl: PUBLIC, secret: SECRET });
      app = createServer(c.t, KEYS);
      await c.t.ingest([msg({ type: 'identify', userId: 'ann', traits: { email: 'ann@mail.test', first_name: 'Ann' },
        context: { consent: { categoryPreferences: { email_marketing: true } } } })]);
      await c.t.realtime.drain();
      profileId = (await c.t.profiles.resolve({ id: 'ann' }))!;
      await c.t.templates.create({ name: 'sale', subject: 'Sale', body: BODY });
      const campaign = await c.t.campaigns.campaigns.create({ name: 'spring', audience: { profiles: [profileId] }, template: 'sale',
        tracking: { utm: { source: 'tailor', medium: 'email' } } });
      await c.t.campaigns.campaigns.launch(campaign.id);
      await drainSends(c.t);
      const [file] = outboxFiles(c.outbox);
      const parsed = await PostalMime.parse(fs.readFileSync(path.join(c.outbox, file!)));
      html = parsed.html ?? '';
      text = parsed.text ?? '';
    });

    afterAll(async () => {
      await app?.close();
      await c?.t.close();
    });

    const tokens = (kind: 'o' | 'c') => [...html.matchAll(new RegExp(`${PUBLIC}/t/${kind}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`, 'g'))].map((m) => m[1]!);
    const clickFor = (url: string) => tokens('c').find((t) => verifyToken(t, SECRET)?.u === url && verifyToken(t, SECRET)?.l !== 'decoy')!;
    const hit = (url: string, opts: { ua?: string; ip?: string; method?: 'GET' | 'HEAD' } = {}) => app.inject({
      method: opts.method ?? 'GET', url, headers: { 'user-agent': opts.ua ?? SAFARI }, remoteAddress: opts.ip ?? '198.51.100.20',
    });
    const events = async (name: string) => (await c.t.db.read<{ properties: unknown }>(
      'SELECT properties FROM events WHERE profile_id = ? AND name = ? ORDER BY id', [profileId, name]))
      .map((r) => (typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties) as Record<string, unknown>);

    it('rewrites links (with UTM) and adds the pixel and a decoy, leaving opted-out and unsubscribe links alone', () => {
      expect(tokens('o')).toHaveLength(1);
      const claims = tokens('c').map((t) => verifyToken(t, SECRET)!);
      expect(claims.map((x) => x.u).sort()).toEqual([
        'https://shop.test/new?utm_source=tailor&utm_medium=email',
        // The decoy leads where the first link does.
        'https://shop.test/sale?from=mail&utm_source=tailor&utm_medium=email',
        'https://shop.test/sale?from=mail&utm_source=tailor&utm_medium=email',
      ]);
      expect(claims.filter((x) => x.l === 'decoy')).toHaveLength(1);
      expect(claims.every((x) => x.p === profileId && x.m && x.k === 'click' && x.n === 2)).toBe(true);
      expect(html).toContain('href="https://shop.test/account"');
      expect(html).toContain(`${PUBLIC}/u/`);
      expect(text).toContain(`${PUBLIC}/t/c/`);
      expect(text).toContain('https://shop.test/account');
    });

    it('counts a human open and answers an uncacheable 1×1 GIF', async () => {
      c.clock.now += 10 * 60_000;
      const r = await hit(`/t/o/${tokens('o')[0]}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/gif');
      expect(r.headers['cache-control']).toContain('no-store');
      expect(r.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
      const [open] = await events('Email Opened');
      expect(open).toMatchObject({ step: 0, user_agent: SAFARI, ip: '198.51.100.20', campaign_name: 'spring' });
      expect(open!.machine_open).toBeUndefined();
      expect(open!.email_id).toBe(verifyToken(tokens('o')[0]!, SECRET)!.m);
    });

    it('flags an Apple Mail Privacy Protection fetch as a machine open, and keeps it as a raw event', async () => {
      await hit(`/t/o/${tokens('o')[0]}`, { ua: 'Mozilla/5.0', ip: '17.58.100.4' });
      const opens = await events('Email Opened');
      expect(opens).toHaveLength(2);
      expect(opens[1]).toMatchObject({ machine_open: true });
      expect(opens[1]!.flag_reasons).toEqual(expect.arrayContaining(['apple_mpp_agent', 'apple_network']));
    });

    it('does not count a tampered, foreign or wrong-kind open token, but still answers the GIF', async () => {
      const good = tokens('o')[0]!;
      const [body, sig] = good.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      const forged = `${Buffer.from(JSON.stringify({ ...claims, c: 'other' })).toString('base64url')}.${sig}`;
      for (const bad of [forged, `${body}.${sig.slice(0, -2)}AA`, signToken(claims, 'another-secret-of-enough-length'), clickFor('https://shop.test/new?utm_source=tailor&utm_medium=email'), 'x', '']) {
        const r = await hit(`/t/o/${bad}`);
        expect(r.statusCode).toBe(200);
        expect(r.headers['content-type']).toBe('image/gif');
      }
      expect(await events('Email Opened')).toHaveLength(2);
    });

    it('redirects a valid click to the signed URL only, whatever the query says, and adds the identify parameter', async () => {
      const url = 'https://shop.test/sale?from=mail&utm_source=tailor&utm_medium=email';
      const r = await hit(`/t/c/${clickFor(url)}?u=https://evil.test/&url=https://evil.test/&redirect=//evil.test`);
      expect(r.statusCode).toBe(302);
      const location = new URL(r.headers.location as string);
      expect(`${location.origin}${location.pathname}`).toBe('https://shop.test/sale');
      expect(location.searchParams.get('from')).toBe('mail');
      expect(location.searchParams.get('utm_source')).toBe('tailor');
      expect(location.searchParams.get('_tailor')).toMatch(/^[\w-]+\.[\w-]+$/);
      expect(verifyToken(location.searchParams.get('_tailor')!, SECRET)).toMatchObject({ p: profileId, k: 'identify' });
      const [click] = await events('Email Link Clicked');
      expect(click).toMatchObject({ url, link_id: verifyToken(clickFor(url), SECRET)!.l, campaign_name: 'spring' });
      expect(click!.bot).toBeUndefined();
    });

    it('refuses tampered and foreign click tokens with 400 and the error body, and records nothing', async () => {
      const good = clickFor('https://shop.test/new?utm_source=tailor&utm_medium=email');
      const [body, sig] = good.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      const bad = [
        `${Buffer.from(JSON.stringify({ ...claims, u: 'https://evil.test/' })).toString('base64url')}.${sig}`,
        signToken({ ...claims, u: 'https://evil.test/' }, 'another-secret-of-enough-length'),
        signToken({ ...claims, u: 'javascript:alert(1)' }, SECRET),
        tokens('o')[0]!,
        `${body}.`, 'nonsense',
      ];
      for (const token of bad) {
        const r = await hit(`/t/c/${token}?u=https://evil.test/`);
        expect(r.statusCode).toBe(400);
        expect(r.headers.location).toBeUndefined();
        expect(r.json()).toMatchObject({ error: { code: 'invalid_argument', field: 'token' } });
      }
      expect(await events('Email Link Clicked')).toHaveLength(1);
    });

    it('counts a replayed click again as a raw click, redirecting the same way', async () => {
      const url = 'https://shop.test/sale?from=mail&utm_source=tailor&utm_medium=email';
      c.clock.now += 60_000;
      const r = await hit(`/t/c/${clickFor(url)}`);
      expect(r.statusCode).toBe(302);
      expect((r.headers.location as string).startsWith('https://shop.test/sale?from=mail&utm_source=tailor&utm_medium=email&_tailor=')).toBe(true);
      expect(await events('Email Link Clicked')).toHaveLength(2);
    });

    it('flags scanner clicks: a HEAD request, and the decoy link, without the identify parameter', async () => {
      const decoy = tokens('c').find((t) => verifyToken(t, SECRET)?.l === 'decoy')!;
      const head = await hit(`/t/c/${clickFor('https://shop.test/new?utm_source=tailor&utm_medium=email')}`, { method: 'HEAD' });
      expect(head.statusCode).toBe(302);
      const r = await hit(`/t/c/${decoy}`);
      expect(r.statusCode).toBe(302);
      expect(r.headers.location).not.toContain('_tailor=');
      const clicks = await events('Email Link Clicked');
      expect(clicks.slice(2).map((x) => [x.bot, (x.flag_reasons as string[]).includes(x.link_id === 'decoy' ? 'decoy_link' : 'head_request')]))
        .toEqual([[true, true], [true, true]]);
    });

    it('a human click clears the flag of an open that was flagged only for coming soon after delivery', async () => {
      // A second campaign, opened 2 s after delivery by a person, who then clicks. A live segment of
      // "opened this campaign" sees the open only once the click has proved it human.
      const { segment: openedSecond } = await c.t.segments.create({ name: 'opened second', rules: { event: 'Email Opened', where: [{ property: 'campaign_name', op: 'eq', value: 'second' }] } });
      const members = async () => (await c.t.segmentQueries.members(openedSecond.id, { limit: 10 })).members.map((m) => m.profileId);
      const campaign = await c.t.campaigns.campaigns.create({ name: 'second', audience: { profiles: [profileId] }, template: 'sale' });
      await c.t.campaigns.campaigns.launch(campaign.id);
      const before = outboxFiles(c.outbox);
      await drainSends(c.t);
      const file = outboxFiles(c.outbox).find((f) => !before.includes(f))!;
      const second = (await PostalMime.parse(fs.readFileSync(path.join(c.outbox, file)))).html ?? '';
      const open = second.match(new RegExp(`${PUBLIC}/t/o/([\\w-]+\\.[\\w-]+)`))![1]!;
      const click = [...second.matchAll(new RegExp(`${PUBLIC}/t/c/([\\w-]+\\.[\\w-]+)`, 'g'))].map((m) => m[1]!).find((t) => verifyToken(t, SECRET)!.l === '0')!;
      c.clock.now += 2_000;
      await hit(`/t/o/${open}`);
      let opens = (await events('Email Opened')).filter((e) => e.campaign_name === 'second');
      expect(opens[0]).toMatchObject({ machine_open: true, flag_reasons: ['soon_after_delivery'] });
      await c.t.realtime.drain();
      expect(await members()).toEqual([]);
      c.clock.now += 5 * 60_000;
      await hit(`/t/c/${click}`);
      opens = (await events('Email Opened')).filter((e) => e.campaign_name === 'second');
      expect(opens[0]!.machine_open).toBeUndefined();
      expect(opens[0]!.machine_open_cleared).toBe(true);
      await c.t.realtime.drain();
      expect(await members()).toEqual([profileId]);
    });

    it('sends a template that opts out of tracking as rendered, and a campaign can turn tracking off', async () => {
      await c.t.templates.create({ name: 'plain', subject: 'Plain', body: BODY, tracking: false });
      const off = await c.t.campaigns.campaigns.create({ name: 'untracked', audience: { profiles: [profileId] }, template: 'plain' });
      const noClicks = await c.t.campaigns.campaigns.create({ name: 'opens only', audience: { profiles: [profileId] }, template: 'sale', tracking: { clicks: false } });
      const before = outboxFiles(c.outbox);
      for (const x of [off, noClicks]) await c.t.campaigns.campaigns.launch(x.id);
      await drainSends(c.t);
      const bodies = await Promise.all(outboxFiles(c.outbox).filter((f) => !before.includes(f))
        .map(async (f) => PostalMime.parse(fs.readFileSync(path.join(c.outbox, f)))));
      const plain = bodies.find((b) => b.subject === 'Plain')!;
      const opensOnly = bodies.find((b) => b.subject === 'Sale')!;
      expect(plain.html).not.toContain('/t/');
      expect(plain.html).toContain('href="https://shop.test/sale?from=mail"');
      expect(opensOnly.html).toContain(`${PUBLIC}/t/o/`);
      expect(opensOnly.html).not.toContain(`${PUBLIC}/t/c/`);
      expect((await c.t.templates.get('plain')).template.tracking).toBe(false);
    });
  });
}
