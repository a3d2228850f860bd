import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignRecord } from '../../src/core/campaigns/ports.ts';
import { ReportFollower } from '../../src/core/tracking/report-follower.ts';
import type { FullCampaignReport } from '../../src/core/tracking/campaign-report.ts';
import { createReportFollowerStore } from '../../src/store/tracking/report-follower-store.ts';
import { fromJson } from '../../src/store/sql/codec.ts';
import { clockedTailor, drainSends, type ClockedTailor } from '../helpers/campaigns.ts';
import { dialects } from '../helpers/databases.ts';
import { msg } from '../helpers/tailor.ts';

// A campaign's report from the rollups the follower keeps: two campaigns sent to a few profiles,
// opens, clicks, a bounce, a complaint, an unsubscribe and orders written as events, then every
// number checked against a count by hand (in the comments).

const BODY = `<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.first_name }}</mj-text>
<mj-text><a href="https://shop.test/a">A</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>`;
const consent = { consent: { categoryPreferences: { email_marketing: true } } };
const iso = (s: string) => `2026-03-${s}Z`;

for (const d of dialects) {
  describe(`campaign report from rollups (${d.name})`, () => {
    let s: ClockedTailor;
    let A: CampaignRecord;
    let B: CampaignRecord;
    const ids = new Map<string, string>();
    const msgOf = new Map<string, string>();

    const track = (user: string, event: string, at: string, properties: Record<string, unknown>) =>
      msg({ type: 'track', userId: user, event, properties, timestamp: iso(at) }, s.clock.now);
    const open = (user: string, c: CampaignRecord, at: string, extra: Record<string, unknown> = {}) =>
      track(user, 'Email Opened', at, { campaign_id: c.id, step: 0, arm: null, email_id: msgOf.get(`${c.name}:${user}`), ...extra });
    const click = (user: string, c: CampaignRecord, at: string, link: string, extra: Record<string, unknown> = {}, name = 'Email Link Clicked') =>
      track(user, name, at, { campaign_id: c.id, step: 0, arm: null, email_id: msgOf.get(`${c.name}:${user}`), link_id: link, url: `https://shop.test/${link}`, ...extra });
    const follow = async () => {
      s.clock.now += 10_000;
      return s.t.reports.follower.follow();
    };
    const report = async (c: CampaignRecord): Promise<FullCampaignReport> => s.t.reports.reports.report(await s.t.campaigns.campaigns.get(c.id));

    beforeAll(async () => {
      s = await clockedTailor(await d.url(), '2026-03-10T08:00:00Z', { from: 'Shop <shop@shop.test>' });
      const people = [['p0', 'pro'], ['p1', 'pro'], ['p2', 'pro'], ['p3', 'pro'], ['p4', 'gold'], ['p5', 'gold'], ['p6', 'pro']];
      await s.t.ingest(people.map(([id, plan]) => msg({
        type: 'identify', userId: id, traits: { plan, first_name: id, email: `${id}@mail.test` }, ...(id === 'p6' ? {} : { context: consent }),
      }, s.clock.now)));
      await s.t.realtime.drain();
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await s.t.segments.create({ name: 'gold', rules: { trait: 'plan', op: 'eq', value: 'gold' } });
      await s.t.templates.create({ name: 'hello', subject: 'Hi', body: BODY });
      for (const [id] of people) ids.set(id!, (await s.t.profiles.resolve({ id: id! }))!);

      s.clock.now = Date.parse(iso('10T09:00:00'));
      A = await s.t.campaigns.campaigns.create({ name: 'A', audience: { segments: ['pro', 'gold'] }, template: 'hello' });
      await s.t.campaigns.campaigns.launch(A.id);
      await drainSends(s.t);
      s.clock.now = Date.parse(iso('10T11:00:00'));
      B = await s.t.campaigns.campaigns.create({ name: 'B', audience: { segments: ['pro'] }, template: 'hello', attribution: { clickDays: 2 } });
      await s.t.campaigns.campaigns.launch(B.id);
      await drainSends(s.t);
      for (const c of [A, B]) {
        for (const [user, pid] of ids) {
          const [row] = await s.t.campaigns.campaigns.sendsOf(c, pid);
          if (row) msgOf.set(`${c.name}:${user}`, row.messageId);
        }
      }

      // Everything below is received on the 14th, about events of the 10th to the 13th.
      s.clock.now = Date.parse(iso('14T00:00:00'));
      await s.t.ingest([
        open('p0', A, '10T09:00:05', { machine_open: true }), open('p0', A, '10T09:30:00'), open('p0', A, '10T09:45:00'),
        click('p0', A, '10T09:31:00', 'a'),
        open('p1', A, '10T09:40:00'), click('p1', A, '10T09:00:10', 'a', { bot: true }),
        open('p2', A, '10T10:10:00'),
        click('p4', A, '10T10:20:00', 'b', {}, 'Email Clicked'),
        track('p5', 'Email Bounced', '10T10:30:00', { campaign_id: A.id, message_id: msgOf.get('A:p5'), step: 0, bounce_type: 'hard' }),
        track('p3', 'Email Marked as Spam', '10T10:30:00', { campaign_id: A.id, message_id: msgOf.get('A:p3'), step: 0 }),
        track('p3', 'Unsubscribed', '10T10:31:00', { campaign_id: A.id, source: 'one-click' }),
        click('p0', B, '10T11:30:00', 'a'),
        // p0: B's click (11:30) is the last human click: B. p1: only a bot click, so A's open (09:40, within 1 day).
        track('p0', 'Order Completed', '10T12:00:00', { order_id: 'o1', revenue: 100 }),
        track('p1', 'Order Completed', '10T12:00:00', { order_id: 'o2', total: 50 }),
        // p2's open was 24 h 50 min before: outside the 1-day open window, no credit.
        track('p2', 'Order Completed', '11T11:00:00', { order_id: 'o3', revenue: 70 }),
        // p4's click was 2 d 23 h 40 min before: within 5 days.
        track('p4', 'Order Completed', '13T10:00:00', { order_id: 'o4', revenue: 30 }),
        // p0 again: B's click is now 3 d 0.5 h old, past B's 2 days; A's (3 d 2.5 h) is within A's 5.
        track('p0', 'Order Completed', '13T12:00:00', { order_id: 'o5', revenue: 20 }),
      ]);
    });

    afterAll(async () => {
      await s?.t.close();
    });

    it('waits out the settle window, then processes every followed event once', async () => {
      expect(await s.t.reports.follower.follow()).toBe(0);
      // 9 opens and clicks (machine and bot hits included), a bounce, a complaint, an unsubscribe and 5 orders.
      expect(await follow()).toBe(17);
      expect(await follow()).toBe(0);
    });

    it("adds up campaign A's numbers as counted by hand", async () => {
      const r = await report(A);
      // p0-p5 sent, p6 has no consent; p5 bounced.
      expect(r.metrics).toMatchObject({
        sent: 6, delivered: 5, bounced: 1, suppressed: 1, suppressedByReason: { no_consent: 1 }, deferred: 0, failed: 0,
        // raw: p0 ×3 (one machine), p1, p2; human: 4; unique: p0, p1, p2.
        opens: { raw: 5, human: 4, uniqueRaw: 3, uniqueHuman: 3 },
        // raw: p0, p1 (bot), p4 (legacy name); human: p0, p4.
        clicks: { raw: 3, human: 2, uniqueRaw: 3, uniqueHuman: 2 },
        ctr: 2 / 5, ctor: 2 / 3, unsubscribes: 1, complaints: 1, complaintRate: 1 / 5, complaintLevel: 'alert',
        // o2 (50), o4 (30), o5 (20).
        conversions: 3, revenue: 100, revenuePerRecipient: 100 / 5,
      });
      expect(r.sent).toBe(r.delivered + r.bounced);
      expect(r.warnings[0]).toMatch(/^alert/);
      expect(r.counts).toMatchObject({ sent: 6, suppressed: 1 });
      expect(r.reasons).toEqual([{ state: 'suppressed', reason: 'no_consent', count: 1 }]);
      // The fake clock stood still while A was sent.
      expect([r.firstSentAt, r.lastSentAt]).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-10T09:00:00.000Z']);
      expect(r.links).toEqual([
        { linkId: 'a', url: 'https://shop.test/a', clicksHuman: 1, clicksRaw: 2 },
        { linkId: 'b', url: 'https://shop.test/b', clicksHuman: 1, clicksRaw: 1 },
      ]);
    });

    it('breaks A down by segment and by hour', async () => {
      const r = await report(A);
      const seg = Object.fromEntries(r.segments.map((x) => [x.segment, x]));
      expect(Object.keys(seg).sort()).toEqual(['gold', 'pro']);
      // pro: p0-p3 sent, p6 suppressed; opens p0 ×2, p1, p2 human; o2 + o5.
      expect(seg.pro).toMatchObject({ sent: 4, suppressed: 1, bounced: 0, opens: { human: 4, raw: 5 }, clicks: { human: 1, raw: 2 },
        unsubscribes: 1, complaints: 1, conversions: 2, revenue: 70 });
      // gold: p4, p5 sent, p5 bounced; p4's click and o4.
      expect(seg.gold).toMatchObject({ sent: 2, delivered: 1, bounced: 1, clicks: { human: 1, raw: 1 }, conversions: 1, revenue: 30, ctr: 1 });
      expect(r.steps.map((x) => x.step)).toEqual([0]);
      const hours = Object.fromEntries(r.hourly.map((h) => [h.hour, h]));
      expect(hours[iso('10T09:00:00.000')]).toMatchObject({ sent: 6, opens: { raw: 4, human: 3 }, clicks: { raw: 2, human: 1 } });
      expect(hours[iso('10T10:00:00.000')]).toMatchObject({ sent: 0, opens: { raw: 1, human: 1 }, clicks: { raw: 1, human: 1 }, bounces: 1, complaints: 1, unsubscribes: 1 });
      expect(hours[iso('10T12:00:00.000')]).toMatchObject({ conversions: 1, revenue: 50 });
      expect(hours[iso('13T10:00:00.000')]).toMatchObject({ conversions: 1, revenue: 30 });
      expect(hours[iso('13T12:00:00.000')]).toMatchObject({ conversions: 1, revenue: 20 });
    });

    it('credits campaign B with the order after its click, within its own 2-day window', async () => {
      const r = await report(B);
      expect(r.metrics).toMatchObject({ sent: 4, delivered: 4, suppressed: 1, clicks: { raw: 1, human: 1, uniqueHuman: 1 }, opens: { raw: 0 },
        conversions: 1, revenue: 100, ctr: 1 / 4, ctor: null });
      expect(r.attribution).toMatchObject({ model: 'last-touch', clickDays: 2, openDays: 1, conversions: 1, revenue: 100 });
      expect(r.attribution.note).toMatch(/double-counts/);
    });

    it('writes the decision on each order, and attributed revenue is the sum of those orders', async () => {
      const rows = await s.t.db.read<{ properties: unknown }>("SELECT properties FROM events WHERE name = 'Order Completed'");
      const orders = new Map(rows.map((x) => fromJson<Record<string, unknown>>(x.properties)).map((p) => [p.order_id, p]));
      expect(orders.get('o1')!.attribution).toEqual({ campaign_id: B.id, step: 0, arm: null, touch: 'click', touched_at: '2026-03-10T11:30:00.000Z', email_id: msgOf.get('B:p0') });
      expect(orders.get('o2')!.attribution).toMatchObject({ campaign_id: A.id, touch: 'open', touched_at: '2026-03-10T09:40:00.000Z', email_id: msgOf.get('A:p1') });
      expect(orders.get('o3')!.attribution).toBeUndefined();
      expect(orders.get('o4')!.attribution).toMatchObject({ campaign_id: A.id, touch: 'click', email_id: msgOf.get('A:p4') });
      expect(orders.get('o5')!.attribution).toMatchObject({ campaign_id: A.id, touch: 'click', touched_at: '2026-03-10T09:31:00.000Z' });
      const attributed = [...orders.values()].filter((p) => p.attribution)
        .reduce((sum, p) => sum + Number(p.revenue ?? p.total), 0);
      expect(attributed).toBe(200);
      expect((await report(A)).attribution.revenue + (await report(B)).attribution.revenue).toBe(attributed);
    });

    it('does not count a batch twice: a replay from a stale cursor, or a batch that failed half-way', async () => {
      const before = (await report(A)).metrics;
      await s.t.ingest([open('p3', A, '10T13:00:00'), click('p3', A, '10T13:01:00', 'a')]);
      s.clock.now += 10_000;
      const real = createReportFollowerStore(s.t.db);
      // A follower that read the cursor before another process moved it (or replays after a crash
      // of the process that did) loses the compare-and-set and writes nothing.
      const stale = new ReportFollower({ port: { ...real, cursor: async () => 0 }, now: () => s.clock.now });
      expect(await stale.follow()).toBe(0);
      // A batch whose transaction fails after the counters were written leaves nothing behind.
      const broken = new ReportFollower({ port: { ...real, apply: (from, to, plan, at) => real.apply(from, to,
        { ...plan, touches: [...plan.touches, { key: 'x', campaignId: {} as string, bits: 1 }] }, at) }, now: () => s.clock.now });
      await expect(broken.follow()).rejects.toThrow();
      expect((await report(A)).metrics).toEqual(before);
      expect(await follow()).toBe(2);
      expect(await follow()).toBe(0);
      const after = (await report(A)).metrics;
      // p3 opened and clicked once: one more of each, raw and human, unique too.
      expect(after.opens).toEqual({ raw: 6, human: 5, uniqueRaw: 4, uniqueHuman: 4 });
      expect(after.clicks).toEqual({ raw: 4, human: 3, uniqueRaw: 4, uniqueHuman: 3 });
    });

    it('two followers at once count each event once', async () => {
      await s.t.ingest([open('p2', A, '10T14:00:00'), open('p2', A, '10T14:05:00'), click('p2', A, '10T14:06:00', 'b')]);
      s.clock.now += 10_000;
      const one = () => new ReportFollower({ port: createReportFollowerStore(s.t.db), now: () => s.clock.now });
      const done = await Promise.all([one().follow(), one().follow(), one().follow()]);
      expect(done.reduce((a, b) => a + b, 0)).toBe(3);
      const m = (await report(A)).metrics;
      // p2 had opened once (human) before: two more opens, no new unique opener; a first click.
      expect(m.opens).toEqual({ raw: 8, human: 7, uniqueRaw: 4, uniqueHuman: 4 });
      expect(m.clicks).toEqual({ raw: 5, human: 4, uniqueRaw: 5, uniqueHuman: 4 });
    });
  });
}
