import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { msg, type TestTailor } from '../helpers/tailor.ts';
import { clockedTailor, drainSends, outboxFiles, type ClockedTailor } from '../helpers/campaigns.ts';

// Schedules (at an instant, recurring by cron) and triggers (an event with filters, a segment
// entry, re-entry policies) on a fake clock, through the outbox transport.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.first_name }} {{ event.sku }}</mj-text></mj-column></mj-section></mj-body></mjml>';
const MIN = 60_000;
const HOUR = 60 * MIN;
const SETTLE = 6000; // past the trigger scan's settle time (core/campaigns/triggers.ts)

type Setup = ClockedTailor;

async function setUp(url: string, start: string): Promise<Setup> {
  const s = await clockedTailor(url, start);
  await s.t.templates.create({ name: 'hi', subject: 'Hi {{ profile.first_name }}', body: BODY });
  return s;
}

const drain = (t: TestTailor) => drainSends(t);

async function person(s: Setup, id: string, traits: Record<string, unknown> = {}): Promise<void> {
  await s.t.ingest([msg({
    type: 'identify', userId: id, traits: { email: `${id}@mail.test`, first_name: id, ...traits },
    context: { consent: { categoryPreferences: { email_marketing: true } } },
  }, s.clock.now)]);
  await s.t.realtime.drain();
}

const track = (s: Setup, id: string, event: string, properties: Record<string, unknown> = {}) =>
  s.t.ingest([msg({ type: 'track', userId: id, event, properties, timestamp: new Date(s.clock.now).toISOString() }, s.clock.now)]);

const count = (dir: string) => outboxFiles(dir).length;

for (const d of dialects) {
  describe(`schedules and triggers (${d.name})`, () => {
    let s: Setup | undefined;
    afterEach(async () => {
      await s?.t.close();
      s = undefined;
    });

    it('waits for schedule.at, then sends', async () => {
      s = await setUp(await d.url(), '2026-04-01T08:00:00Z');
      await person(s, 'a', { plan: 'pro' });
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      const c = await s.t.campaigns.campaigns.create({ name: 'later', audience: { segments: ['pro'] }, template: 'hi', schedule: { at: '2026-04-01T10:00:00Z' } });
      expect((await s.t.campaigns.campaigns.launch(c.id)).status).toBe('scheduled');
      await drain(s.t);
      expect(count(s.outbox)).toBe(0);
      s.clock.now = Date.parse('2026-04-01T10:00:00Z');
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      expect((await s.t.campaigns.campaigns.get(c.id)).status).toBe('sent');
    });

    it('recurs on a cron in its zone, resolving the audience at each run', async () => {
      s = await setUp(await d.url(), '2026-04-01T05:00:00Z');
      await person(s, 'a', { plan: 'pro' });
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      const c = await s.t.campaigns.campaigns.create({ name: 'daily', audience: { segments: ['pro'] }, template: 'hi', schedule: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } });
      // Berlin is UTC+2 in April: 09:00 local is 07:00Z.
      expect(await s.t.campaigns.campaigns.launch(c.id)).toMatchObject({ status: 'scheduled', nextRunAt: Date.parse('2026-04-01T07:00:00Z') });
      s.clock.now = Date.parse('2026-04-01T07:00:00Z');
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      expect(await s.t.campaigns.campaigns.get(c.id)).toMatchObject({ status: 'scheduled', nextRunAt: Date.parse('2026-04-02T07:00:00Z') });
      await person(s, 'b', { plan: 'pro' });
      s.clock.now = Date.parse('2026-04-02T07:00:00Z');
      await drain(s.t);
      // The second run mails both: one message per person per run, each its own Message-ID.
      expect(count(s.outbox)).toBe(3);
      expect((await s.t.campaigns.campaigns.counts(c)).sent).toBe(3);
    });

    it('triggers on an event with filters, once per person, after the delay', async () => {
      s = await setUp(await d.url(), '2026-04-01T12:00:00Z');
      await person(s, 'a');
      await person(s, 'b');
      await track(s, 'a', 'Product Added', { sku: 'OLD' }); // before launch: no trigger
      s.clock.now += SETTLE;
      const c = await s.t.campaigns.campaigns.create({
        name: 'added', kind: 'triggered', trigger: { event: 'Product Added', where: [{ property: 'price', op: 'gte', value: 10 }] },
        steps: [{ delay: '1h', template: 'hi' }], exit: { event: 'Order Completed' }, reentry: 'once',
      });
      await s.t.campaigns.campaigns.launch(c.id);
      await track(s, 'a', 'Product Added', { sku: 'S1', price: 20 });
      await track(s, 'a', 'Product Added', { sku: 'S2', price: 30 }); // once: no second occurrence
      await track(s, 'b', 'Product Added', { sku: 'S3', price: 5 }); // filtered out
      s.clock.now += SETTLE;
      await drain(s.t);
      expect((await s.t.campaigns.campaigns.counts(c)).queued).toBe(1);
      expect(count(s.outbox)).toBe(0);
      s.clock.now += HOUR;
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      const eml = fs.readFileSync(`${s.outbox}/${fs.readdirSync(s.outbox).find((f) => f.endsWith('.eml'))}`, 'utf8');
      expect(eml).toContain('Hi a S1');
      expect((await s.t.campaigns.campaigns.get(c.id)).status).toBe('sending');
    });

    it('stops at the exit event and honours re-entry after N days', async () => {
      s = await setUp(await d.url(), '2026-04-01T12:00:00Z');
      await person(s, 'a');
      const c = await s.t.campaigns.campaigns.create({
        name: 'cart', kind: 'triggered', trigger: { event: 'Product Added' },
        steps: [{ delay: '1h', template: 'hi' }, { delay: '23h', template: 'hi' }], exit: { event: 'Order Completed' }, reentry: { afterDays: 2 },
      });
      await s.t.campaigns.campaigns.launch(c.id);
      await track(s, 'a', 'Product Added', { sku: 'S1' });
      s.clock.now += SETTLE;
      await drain(s.t);
      s.clock.now += HOUR;
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      await track(s, 'a', 'Order Completed');
      s.clock.now += 23 * HOUR;
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      const rows = await s.t.campaigns.campaigns.sends(c, { limit: 10 });
      expect(rows.map((r) => [r.step, r.state, r.reason])).toEqual([[0, 'sent', null], [1, 'suppressed', 'exit_condition']]);
      // A day later: within 2 days of the first trigger, no new start; after, a new one.
      await track(s, 'a', 'Product Added', { sku: 'S2' });
      s.clock.now += SETTLE;
      await drain(s.t);
      expect((await s.t.campaigns.campaigns.sends(c, { limit: 10 })).length).toBe(2);
      s.clock.now += 2 * 24 * HOUR;
      await track(s, 'a', 'Product Added', { sku: 'S3' });
      s.clock.now += SETTLE;
      await drain(s.t);
      expect((await s.t.campaigns.campaigns.sends(c, { limit: 10 })).length).toBe(4);
    });

    it('triggers on segment entry', async () => {
      s = await setUp(await d.url(), '2026-04-01T12:00:00Z');
      await s.t.segments.create({ name: 'vip', rules: { trait: 'vip', op: 'eq', value: true } });
      const c = await s.t.campaigns.campaigns.create({ name: 'welcome vip', kind: 'triggered', trigger: { segmentEntered: 'vip' }, steps: [{ template: 'hi' }] });
      await s.t.campaigns.campaigns.launch(c.id);
      await person(s, 'a', { vip: true });
      await person(s, 'b', { vip: false });
      s.clock.now += SETTLE;
      await drain(s.t);
      expect(count(s.outbox)).toBe(1);
      const [row] = await s.t.campaigns.campaigns.sends(c, { limit: 10 });
      expect(row!.profileId).toBe(await s.t.profiles.resolve({ id: 'a' }));
    });
  });
}
