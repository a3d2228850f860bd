import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { dialects, tempDir } from '../helpers/databases.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { createTestTailor, msg, type TestTailor } from '../helpers/tailor.ts';
import { drainSends } from '../helpers/campaigns.ts';

// A broadcast through the whole pipeline to a real SMTP server in another process: audience from a
// segment, suppression per reason, personalization, the RFC 8058 headers, a 5xx as a hard bounce,
// and pause/resume without a duplicate.

const BODY = `<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello {{ profile.first_name | default: "friend" }}, your code is {{ profile.code }}.</mj-text>
<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

const drain = (t: TestTailor) => drainSends(t);

const consent = (granted: boolean) => ({ consent: { categoryPreferences: { email_marketing: granted } } });

for (const d of dialects) {
  describe(`send pipeline (${d.name})`, () => {
    let sink: SmtpSink;
    let t: TestTailor;

    beforeAll(async () => {
      sink = await startSmtpSink({ keepRaw: true });
      const config = loadConfig({}, { db: await d.url(), smtpUrl: sink.url, outbox: tempDir(), sendConcurrency: 4, from: 'Shop <shop@shop.test>' });
      t = await createTestTailor(config);
      const people = [
        ...Array.from({ length: 20 }, (_, i) => ({ id: `ok-${i}`, email: `ok${i}@mail.test`, granted: true as boolean | null })),
        { id: 'no-consent', email: 'none@mail.test', granted: null },
        { id: 'declined', email: 'declined@mail.test', granted: false },
        { id: 'bounces', email: 'hard-bounce@mail.test', granted: true },
        { id: 'listed', email: 'listed@blocked.test', granted: true },
        { id: 'no-email', email: null, granted: true },
        { id: 'excluded', email: 'vip@mail.test', granted: true },
      ];
      await t.ingest(people.map((p, i) => msg({
        type: 'identify', userId: p.id,
        traits: { plan: 'pro', first_name: i === 0 ? '<b>Ann & Co</b>' : `P${i}`, code: `C${i}`, ...(p.email ? { email: p.email } : {}), ...(p.id === 'excluded' ? { vip: true } : {}) },
        ...(p.granted === null ? {} : { context: consent(p.granted) }),
      })));
      await t.realtime.drain();
      await t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
      await t.segments.create({ name: 'vip', rules: { trait: 'vip', op: 'eq', value: true } });
      await t.campaigns.suppressions.add([{ kind: 'domain', value: 'blocked.test', reason: 'list', source: 'import', detail: null }], Date.now());
      await t.templates.create({ name: 'hello', subject: 'Hi {{ profile.first_name }}', body: BODY });
    });

    afterAll(async () => {
      await t?.close();
      await sink?.stop();
    });

    it('mails each eligible member once, and records a reason for everyone else', async () => {
      const c = await t.campaigns.campaigns.create({ name: 'spring', audience: { segments: ['pro'], exclude: ['vip'] }, template: 'hello', topic: 'news' });
      await t.campaigns.campaigns.launch(c.id);
      await drain(t);

      const got = await sink.messages();
      const mine = got.filter((m) => m.headers['x-tailor-message']);
      expect(new Set(mine.map((m) => m.to[0])).size).toBe(20);
      expect(mine.length).toBe(20);
      expect(new Set(mine.map((m) => m.messageId)).size).toBe(20);

      const counts = await t.campaigns.campaigns.counts(c);
      expect(counts).toMatchObject({ sent: 20, failed: 1, suppressed: 5, queued: 0, deferred: 0, rendering: 0, sending: 0 });
      const reasons = Object.fromEntries((await t.campaigns.campaigns.reasons(c)).map((r) => [r.reason, r.count]));
      expect(reasons).toEqual({ no_consent: 1, unsubscribed: 1, suppressed_address: 1, no_email: 1, excluded: 1, hard_bounce: 1 });
      expect((await t.campaigns.campaigns.get(c.id)).status).toBe('sent');

      // The 550 suppressed the address for good.
      expect((await t.campaigns.suppressions.match(['hard-bounce@mail.test'])).get('hard-bounce@mail.test')?.reason).toBe('hard_bounce');
    });

    it('carries RFC 8058 headers, a deterministic Message-ID and personalized, escaped parts', async () => {
      const [row] = (await t.campaigns.campaigns.sendsOf(await t.campaigns.campaigns.get('spring'), (await t.profiles.resolve({ id: 'ok-0' }))!));
      expect(row!.state).toBe('sent');
      const m = (await sink.messages()).find((x) => x.messageId === row!.messageId)!;
      expect(m.headers['list-unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/u\/[^>]+>$/);
      expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(m.headers['feedback-id']).toMatch(/:0:[^:]+:tailor$/);
      expect(m.headers.subject).toBe('Hi <b>Ann & Co</b>');
      const parsed = await PostalMime.parse(await sink.raw(row!.messageId));
      expect(parsed.html).toContain('Hello &lt;b&gt;Ann &amp; Co&lt;/b&gt;, your code is C0.');
      expect(parsed.html).not.toContain('<b>Ann');
      expect(parsed.text).toContain('Hello <b>Ann & Co</b>, your code is C0.');
    });

    it('pauses and resumes without sending anyone twice', async () => {
      const before = (await sink.messages()).length;
      const c = await t.campaigns.campaigns.create({ name: 'pause-resume', audience: { segments: ['pro'] }, template: 'hello' });
      await t.campaigns.campaigns.launch(c.id);
      await t.campaigns.campaigns.tick(); // queues the audience
      await t.campaigns.campaigns.pause(c.id);
      await drain(t);
      expect((await sink.messages()).length).toBe(before);
      expect((await t.campaigns.campaigns.counts(c)).queued).toBe(26);
      await t.campaigns.campaigns.resume(c.id);
      await drain(t);
      await t.campaigns.campaigns.resume(c.id).catch(() => undefined);
      await drain(t);
      const sent = (await sink.messages()).slice(before);
      // The hard-bounced address is suppressed now, so 21 of 26 go out (the vip is not excluded here).
      expect(sent.length).toBe(21);
      expect(new Set(sent.map((m) => m.messageId)).size).toBe(21);
    });

    it('cancels: nothing pending is sent afterwards', async () => {
      const c = await t.campaigns.campaigns.create({ name: 'cancelled', audience: { segments: ['pro'] }, template: 'hello' });
      await t.campaigns.campaigns.launch(c.id);
      await t.campaigns.campaigns.tick();
      const before = (await sink.messages()).length;
      const r = await t.campaigns.campaigns.cancel(c.id);
      expect(r.cancelled).toBe(26);
      await drain(t);
      expect((await sink.messages()).length).toBe(before);
      expect((await t.campaigns.campaigns.counts(c)).cancelled).toBe(26);
    });
  });
}
