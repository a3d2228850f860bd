import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/http.ts';
import { clockedTailor, drainSends, type ClockedTailor } from '../helpers/campaigns.ts';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, KEYS, msg } from '../helpers/tailor.ts';

// An experiment campaign with a holdout: the report shows the incremental lift against the holdout
// beside last-touch revenue, over HTTP as `GET /v1/campaigns/:id/report`.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';
const HOUR = 3_600_000;

for (const d of dialects) {
  describe(`report: incremental lift against the holdout (${d.name})`, () => {
    let s: ClockedTailor;
    afterAll(async () => {
      await s?.t.close();
    });

    it('puts the holdout comparison beside attributed revenue', async () => {
      s = await clockedTailor(await d.url(), '2026-04-01T10:00:00Z', { from: 'Shop <shop@shop.test>' });
      await s.t.ingest(Array.from({ length: 40 }, (_, i) => msg({
        type: 'identify', userId: `p${i}`, traits: { plan: 'pro', first_name: `P${i}`, email: `p${i}@mail.test` },
        context: { consent: { categoryPreferences: { email_marketing: true } } },
      }, s.clock.now)));
      await s.t.realtime.drain();
      await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await s.t.templates.create({ name: 'hi', subject: 'Hi', body: BODY });
      await s.t.experiments.create({
        name: 'lift', vary: 'subject', segment: 'pro', holdout: 0.25, minPerArm: 2,
        variants: [{ key: 'a', content: { subject: 'A' } }, { key: 'b', content: { subject: 'B' } }],
      });
      const c = await s.t.campaigns.campaigns.create({ name: 'exp', experiment: 'lift', template: 'hi' });
      await s.t.campaigns.campaigns.launch(c.id);
      await drainSends(s.t);

      // Assignments name profile ids; events are sent by user id.
      const userOf = new Map<string, string>();
      for (let i = 0; i < 40; i++) userOf.set((await s.t.profiles.resolve({ id: `p${i}` }))!, `p${i}`);
      const mailed: string[] = [];
      const held: string[] = [];
      for (let cursor: string | undefined; ;) {
        const page = await s.t.experiments.assignments('lift', { limit: 500, cursor });
        for (const a of page.assignments) (a.group === 'holdout' ? held : mailed).push(a.profileId);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(held.length).toBeGreaterThan(1);
      // Every mailed recipient buys for 20 an hour later, after a human click on the email; every
      // held-out one buys for 10 with no email to click.
      const sends = new Map((await s.t.campaigns.campaigns.sends(c, { limit: 1000 })).map((r) => [r.profileId, r]));
      const at = (ms: number) => new Date(ms).toISOString();
      const t0 = s.clock.now;
      s.clock.now += 2 * HOUR;
      await s.t.ingest([
        ...mailed.map((p) => {
          const row = sends.get(p)!;
          return msg({ type: 'track', userId: userOf.get(p)!, event: 'Email Link Clicked', timestamp: at(t0 + HOUR / 2),
            properties: { campaign_id: c.id, step: 0, arm: row.arm, email_id: row.messageId, experiment_id: 'x', link_id: 'l1', url: 'https://shop.test/' } }, s.clock.now);
        }),
        ...mailed.map((p) => msg({ type: 'track', userId: userOf.get(p)!, event: 'Order Completed', timestamp: at(t0 + HOUR), properties: { revenue: 20 } }, s.clock.now)),
        ...held.map((p) => msg({ type: 'track', userId: userOf.get(p)!, event: 'Order Completed', timestamp: at(t0 + HOUR), properties: { revenue: 10 } }, s.clock.now)),
      ]);
      s.clock.now += 10_000;
      await s.t.reports.follower.follow();

      const app = createServer(s.t, KEYS);
      try {
        const res = await jsonRequest(app, 'GET', `/v1/campaigns/${c.id}/report`);
        expect(res.statusCode).toBe(200);
        const r = res.json();
        // Last touch credits every mailed order: 20 each.
        expect(r.attribution).toMatchObject({ conversions: mailed.length, revenue: 20 * mailed.length });
        expect(r.metrics).toMatchObject({ sent: mailed.length, suppressed: held.length, suppressedByReason: { holdout: held.length } });
        // The holdout's rows have no arm: they are the arm-less slice, suppressed, never sent.
        expect(r.arms.map((a: { arm: string | null }) => a.arm)).toEqual([null, 'a', 'b']);
        expect(r.arms[0]).toMatchObject({ sent: 0, suppressed: held.length });
        // Against the holdout: 20 - 10 per recipient, times the mailed recipients, is what the email caused.
        expect(r.attribution.incremental).toMatchObject({
          experiment: 'lift',
          holdout: { recipients: held.length, conversionRate: 1, revenuePerRecipient: 10 },
          mailed: { recipients: mailed.length, conversionRate: 1, revenuePerRecipient: 20 },
        });
        expect(r.attribution.incremental.incrementalRevenue.value).toBeCloseTo(10 * mailed.length, 6);
        expect(r.attribution.note).toMatch(/double-counts/);
      } finally {
        await app.close();
      }
    });
  });
}
