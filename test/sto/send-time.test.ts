import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { clockedTailor, drainSends, type ClockedTailor } from '../helpers/campaigns.ts';
import { msg } from '../helpers/tailor.ts';

// Send-time optimisation end to end on a fake clock: human opens in local time are learnt (machine
// opens are not), a campaign with `sendTime` schedules each recipient at their hour with the choice
// logged on the row, and the evaluation counts only human clicks on the message within 24 h.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';
const HOUR = 3_600_000;
// Weekdays of 11-22 May 2026 (16 and 17 are a weekend).
const WEEKDAYS = [11, 12, 13, 14, 15, 18, 19, 20, 21, 22];

async function person(s: ClockedTailor, id: string, timezone?: string): Promise<void> {
  await s.t.ingest([msg({
    type: 'identify', userId: id, traits: { email: `${id}@mail.test`, plan: 'pro', ...(timezone ? { timezone } : {}) },
    context: { consent: { categoryPreferences: { email_marketing: true } } },
  }, s.clock.now)]);
}

const event = (id: string, name: string, at: number, properties: Record<string, unknown> = {}) =>
  msg({ type: 'track', userId: id, event: name, properties, timestamp: new Date(at).toISOString() }, at);

for (const d of dialects) {
  describe(`send-time optimisation (${d.name})`, () => {
    let s: ClockedTailor | undefined;
    afterEach(async () => {
      await s?.t.close();
      s = undefined;
    });

    it('learns local human hours, schedules each recipient at theirs, and evaluates human clicks only', async () => {
      s = await clockedTailor(await d.url(), '2026-06-01T06:00:00Z'); // a Monday
      await person(s, 'ny', 'America/New_York');
      await person(s, 'tk', 'Asia/Tokyo');
      await person(s, 'new');
      const history = [];
      for (const day of WEEKDAYS) {
        // 20:00 in New York (EDT, UTC-4) is midnight UTC; 08:00 in Tokyo (UTC+9) is 23:00 UTC the day before.
        history.push(event('ny', 'Email Opened', Date.UTC(2026, 4, day + 1, 0, 0)));
        history.push(event('tk', 'Email Link Clicked', Date.UTC(2026, 4, day - 1, 23, 0)));
        // Machine opens at 03:00 New York time, more of them than human ones: they must not count.
        history.push(event('ny', 'Email Opened', Date.UTC(2026, 4, day, 7, 0), { machine_open: true }));
        history.push(event('ny', 'Email Opened', Date.UTC(2026, 4, day, 7, 5), { machine_open: true }));
      }
      await s.t.ingest(history);
      await s.t.realtime.drain();

      const { model } = await s.t.sto.fit({ groupBy: 'none' });
      expect(model.profiles).toBe(2);
      expect(model.events).toBe(20);
      expect(model.alphaProfile).toBeGreaterThan(0);
      const ny = await s.t.sto.show('ny');
      expect(ny.events).toBe(10);
      expect(ny.counts[20]).toBe(10);
      expect(ny.bestHour.weekday).toBe(20);
      expect((await s.t.sto.show('tk')).bestHour.weekday).toBe(8);

      await s.t.templates.create({ name: 'hi', subject: 'Hi', body: BODY });
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await s.t.realtime.drain();
      const c = await s.t.campaigns.campaigns.create({
        name: 'timed', audience: { segments: ['pro'] }, template: 'hi', sendTime: { optimize: true, window: '24h', explore: 0 },
      });
      await s.t.campaigns.campaigns.launch(c.id);
      await drainSends(s.t);
      const rows = await s.t.db.read<Record<string, unknown>>(
        'SELECT profile_id, message_id, due_at, state, sto_start, sto_hours, sto_slot, sto_best, sto_p FROM sends WHERE campaign_id = ? ORDER BY profile_id', [c.id]);
      const byId = new Map(rows.map((r) => [r.profile_id as string, r]));
      const row = async (userId: string) => byId.get((await s!.t.profiles.resolve({ id: userId }))!)!;
      const start = Date.parse('2026-06-01T06:00:00Z');
      // New York: Monday 20:00 EDT = Tuesday 00:00Z, 18 h into the window; Tokyo: Tuesday 08:00 JST = Monday 23:00Z, 17 h in.
      expect(Number((await row('ny')).due_at)).toBe(start + 18 * HOUR);
      expect(Number((await row('tk')).due_at)).toBe(start + 17 * HOUR);
      for (const r of rows) {
        expect(Number(r.sto_start)).toBe(start);
        expect(Number(r.sto_hours)).toBe(24);
        expect(Number(r.sto_slot)).toBe(Number(r.sto_best));
        expect(Number(r.sto_p)).toBe(1); // no exploration: the best hour for sure
        expect(Number(r.due_at)).toBe(start + Number(r.sto_slot) * HOUR);
      }
      expect(rows.every((r) => r.state === 'queued')).toBe(true);

      // Deliver everything over the window, then clicks: a human one within 24 h, a bot one, and a late human one.
      for (let h = 1; h <= 24; h++) {
        s.clock.now = start + h * HOUR;
        await drainSends(s.t);
      }
      const sent = await s.t.db.read<Record<string, unknown>>('SELECT profile_id, message_id, sent_at FROM sends WHERE campaign_id = ? AND state = ?', [c.id, 'sent']);
      expect(sent).toHaveLength(3);
      const mid = async (userId: string) => (await row(userId)).message_id as string;
      const sentAt = (id: string) => Number(sent.find((r) => r.message_id === id)!.sent_at);
      const nyMid = await mid('ny');
      const tkMid = await mid('tk');
      const newMid = await mid('new');
      s.clock.now = start + 72 * HOUR;
      await s.t.ingest([
        event('ny', 'Email Link Clicked', sentAt(nyMid) + 2 * HOUR, { email_id: nyMid, campaign_id: c.id }),
        event('tk', 'Email Link Clicked', sentAt(tkMid) + 1000, { email_id: tkMid, campaign_id: c.id, bot: true }),
        event('new', 'Email Link Clicked', sentAt(newMid) + 30 * HOUR, { email_id: newMid, campaign_id: c.id }),
      ]);
      const { ips } = await s.t.sto.evaluate({ campaignId: c.id, reps: 50, replay: false });
      expect(ips.sends).toBe(3);
      expect(ips.recipients).toBe(3);
      expect(ips.clicks).toBe(1);
      expect(ips.explored).toBe(0);
      // Every send matched Tailor's rule with propensity 1: 1 click / 3 sends.
      expect(ips.tailor.ips).toBeCloseTo(1 / 3, 12);
      expect(ips.tailor.snips).toBeCloseTo(1 / 3, 12);
    });

    it('refuses sendTime on a triggered campaign and a window over 7 days', async () => {
      s = await clockedTailor(await d.url(), '2026-06-01T06:00:00Z');
      await expect(s.t.campaigns.campaigns.create({ name: 'w', audience: { segments: ['x'] }, template: 'hi', sendTime: { optimize: true, window: '8d' } }))
        .rejects.toThrow(/window/);
      await expect(s.t.campaigns.campaigns.create({ name: 't', kind: 'triggered', trigger: { event: 'x' }, steps: [{ template: 'hi' }], sendTime: { optimize: true } }))
        .rejects.toThrow(/sendTime|send-time/);
    });
  });
}
