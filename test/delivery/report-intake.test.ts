import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { SOFT_BOUNCE_LIMIT, type DeliveryReport } from '../../src/core/campaigns/report-intake.ts';
import { createSendQueue } from '../../src/store/campaigns/send-queue.ts';
import { fromJson } from '../../src/store/sql/codec.ts';
import { dialects } from '../helpers/databases.ts';
import { createTestTailor, msg, type TestTailor } from '../helpers/tailor.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/delivery-reports');
const T0 = Date.UTC(2026, 10, 20, 12);
const eml = (name: string) => ({ name, raw: fs.readFileSync(path.join(FIXTURES, name)) });

describe.each(dialects)('bounce and complaint intake on $name', ({ url }) => {
  let t: TestTailor | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function open() {
    t = await createTestTailor(loadConfig({}, { db: await url() }), { clock: { now: () => T0 } });
    return t;
  }

  /** A profile (by user id, with an email) and a sent message to it; returns the profile id. */
  async function sent(tt: TestTailor, s: { userId: string; email: string; messageId: string; campaignId: string; step?: number; arm?: string; at?: number }) {
    await tt.ingest([msg({ type: 'identify', userId: s.userId, traits: { email: s.email } })]);
    const [row] = await tt.db.read<{ profile_id: string }>(`SELECT profile_id FROM identities WHERE kind = 'user_id' AND lookup = ?`, [s.userId]);
    const profileId = row!.profile_id;
    await createSendQueue(tt.db).enqueue([{ campaignId: s.campaignId, occurrence: '', step: s.step ?? 0, profileId, messageId: s.messageId,
      dueAt: T0 - 3_600_000, arm: s.arm ?? null, triggerAt: null, email: s.email }]);
    await tt.db.transaction((sql) => sql.run(`UPDATE sends SET state = 'sent', sent_at = ? WHERE message_id = ?`, [s.at ?? T0 - 3_600_000, s.messageId]));
    return profileId;
  }

  const events = async (tt: TestTailor, profileId: string) => (await tt.db.read<{ name: string; properties: unknown; timestamp: unknown }>(
    `SELECT name, properties FROM events WHERE profile_id = ? AND type = 'track' ORDER BY id`, [profileId]))
    .map((e) => ({ name: e.name, properties: fromJson<Record<string, unknown>>(e.properties) }));

  it('a hard-bounce DSN for a known send suppresses the address and writes Email Bounced on the profile; applying it again does nothing', async () => {
    const tt = await open();
    const profileId = await sent(tt, { userId: 'u-nobody', email: 'Nobody@Example.org', messageId: 'k3Jd9aQx0Lr2VwYp5TzB8nCe4F@shop.example', campaignId: 'cmp_november', step: 1, arm: 'B' });
    const r = await tt.campaigns.reports.emails([eml('dsn-hard-user-unknown.eml')]);
    expect(r).toMatchObject({ messages: 1, reports: 1, applied: 1, hard: 1, soft: 0, complaints: 0, unmatched: 0, duplicates: 0, suppressed: 1, skipped: [] });

    const hit = (await tt.campaigns.suppressions.match(['nobody@example.org'])).get('nobody@example.org');
    expect(hit).toMatchObject({ kind: 'address', value: 'nobody@example.org', reason: 'hard_bounce', source: 'dsn' });
    expect(hit!.detail).toContain('5.1.1');
    expect(await events(tt, profileId)).toEqual([{ name: 'Email Bounced', properties: {
      campaign_id: 'cmp_november', message_id: 'k3Jd9aQx0Lr2VwYp5TzB8nCe4F@shop.example', step: 1, arm: 'B', source: 'dsn',
      bounce_type: 'hard', status: '5.1.1', reason: 'smtp; 550 5.1.1 user unknown' } }]);

    const again = await tt.campaigns.reports.emails([eml('dsn-hard-user-unknown.eml')]);
    expect(again).toMatchObject({ applied: 0, hard: 0, duplicates: 1, suppressed: 0 });
    expect(await events(tt, profileId)).toHaveLength(1);
    const [n] = await tt.db.read<{ n: unknown }>('SELECT COUNT(*) AS n FROM delivery_reports');
    expect(Number(n!.n)).toBe(1);
  });

  it('a complaint whose recipient is redacted maps back by the Feedback-ID token: suppressed, Email Marked as Spam, consent withdrawn', async () => {
    const tt = await open();
    await tt.ingest([msg({ type: 'identify', userId: 'u-fb', traits: { email: 'fb@isp.example' }, context: { consent: { categoryPreferences: { email_marketing: true } } } })]);
    const profileId = await sent(tt, { userId: 'u-fb', email: 'fb@isp.example', messageId: 'Fb1dOnlyArfT0ken0000000000@shop.example', campaignId: 'cmp_weekly', step: 3 });
    // A send of another campaign step with the same token prefix must not match.
    await sent(tt, { userId: 'u-other', email: 'other@isp.example', messageId: 'Fb1dOnlyArfT0ken0000000000x@shop.example', campaignId: 'cmp_weekly', step: 3 });

    const r = await tt.campaigns.reports.emails([eml('arf-feedback-id-only.eml')]);
    expect(r).toMatchObject({ applied: 1, complaints: 1, unmatched: 0, suppressed: 1 });
    expect((await tt.campaigns.suppressions.match(['fb@isp.example'])).get('fb@isp.example')).toMatchObject({ reason: 'complaint', source: 'arf' });
    expect((await tt.campaigns.suppressions.match(['other@isp.example'])).size).toBe(0);
    expect(await events(tt, profileId)).toEqual([{ name: 'Email Marked as Spam', properties: {
      campaign_id: 'cmp_weekly', message_id: 'Fb1dOnlyArfT0ken0000000000@shop.example', step: 3, source: 'arf', feedback_type: 'abuse' } }]);
    const consents = await tt.db.read<{ purpose: string; granted: unknown }>('SELECT purpose, granted FROM consents WHERE profile_id = ?', [profileId]);
    expect(consents.map((c) => [c.purpose, Number(c.granted)])).toEqual([['email_marketing', 0]]);
  });

  it('the Feedback-ID keeps 20 characters of a long campaign id: the campaign is found by that prefix', async () => {
    const tt = await open();
    const campaignId = '0f8c6a52-3d41-4b8e-9a77-1c2d3e4f5a6b';
    await tt.db.transaction((sql) => sql.run(`INSERT INTO campaigns (id, name, kind, status, spec, pinned, created_at, updated_at)
      VALUES (?, 'weekly', 'broadcast', 'sending', '{}', '{}', ?, ?)`, [campaignId, T0, T0]));
    const profileId = await sent(tt, { userId: 'u-long', email: 'long@isp.example', messageId: 'L0ngCampaignT0ken000000000@shop.example', campaignId, step: 0 });
    const r = await tt.campaigns.reportIntake.apply([{ kind: 'complaint', email: null, messageId: null,
      feedbackId: `${campaignId.slice(0, 20)}:0:L0ngCampaignT0ken000000000:tailor`, at: T0, status: null, reason: 'abuse', source: 'arf' }]);
    expect(r).toMatchObject({ complaints: 1, unmatched: 0, suppressed: 1 });
    expect((await events(tt, profileId)).map((e) => [e.name, e.properties.campaign_id])).toEqual([['Email Marked as Spam', campaignId]]);
  });

  it('a redacted complaint maps back by X-Tailor-Message', async () => {
    const tt = await open();
    const profileId = await sent(tt, { userId: 'u-red', email: 'red@fbl.example.net', messageId: 'Rd4ctEdArfReport000000000@shop.example', campaignId: 'cmp_weekly', step: 3 });
    expect(await tt.campaigns.reports.emails([eml('arf-abuse-redacted.eml')])).toMatchObject({ complaints: 1, unmatched: 0 });
    expect((await tt.campaigns.suppressions.match(['red@fbl.example.net'])).get('red@fbl.example.net')?.reason).toBe('complaint');
    expect((await events(tt, profileId)).map((e) => e.name)).toEqual(['Email Marked as Spam']);
  });

  it(`soft bounces: recorded and counted; the address is suppressed at ${SOFT_BOUNCE_LIMIT} different messages, not at repeated notices about one`, async () => {
    const tt = await open();
    const ids = ['s1@shop.example', 's2@shop.example', 's3@shop.example'];
    let profileId = '';
    for (const [i, id] of ids.entries()) profileId = await sent(tt, { userId: 'u-soft', email: 'soft@example.net', messageId: id, campaignId: `c${i}`, at: T0 - (3 - i) * 86_400_000 });
    const soft = (messageId: string, at: number): DeliveryReport => ({ kind: 'bounce', severity: 'soft', email: 'soft@example.net', messageId, feedbackId: null,
      at, status: '4.2.2', reason: 'mailbox full', source: 'generic' });
    // Three notices about the first message: one message.
    const first = await tt.campaigns.reportIntake.apply([soft(ids[0]!, T0 - 5000), soft(ids[0]!, T0 - 4000), soft(ids[0]!, T0 - 3000)]);
    expect(first).toMatchObject({ applied: 3, soft: 3, suppressed: 0 });
    expect(await tt.campaigns.reportIntake.apply([soft(ids[1]!, T0 - 2000)])).toMatchObject({ soft: 1, suppressed: 0 });
    expect((await tt.campaigns.suppressions.match(['soft@example.net'])).size).toBe(0);
    expect(await tt.campaigns.reportIntake.apply([soft(ids[2]!, T0 - 1000)])).toMatchObject({ soft: 1, suppressed: 1 });
    expect((await tt.campaigns.suppressions.match(['soft@example.net'])).get('soft@example.net')?.reason).toBe('soft_bounces');
    const bounced = (await events(tt, profileId)).filter((e) => e.name === 'Email Bounced');
    expect(bounced).toHaveLength(5);
    expect(new Set(bounced.map((e) => e.properties.bounce_type))).toEqual(new Set(['soft']));
  });

  it('a report no send matches: a hard bounce still suppresses its address, counted unmatched, no event; one with no address does nothing', async () => {
    const tt = await open();
    const r = await tt.campaigns.reportIntake.apply([
      { kind: 'bounce', severity: 'hard', email: 'ghost@example.com', messageId: 'unknown@elsewhere', feedbackId: null, at: null, status: '5.1.1', reason: 'gone', source: 'generic' },
      { kind: 'complaint', email: null, messageId: null, feedbackId: 'cmp_x:0:nope:tailor', at: null, status: null, reason: 'abuse', source: 'arf' },
    ]);
    expect(r).toMatchObject({ applied: 2, hard: 1, complaints: 1, unmatched: 2, suppressed: 1 });
    expect((await tt.campaigns.suppressions.match(['ghost@example.com'])).get('ghost@example.com')?.reason).toBe('hard_bounce');
    const [n] = await tt.db.read<{ n: unknown }>(`SELECT COUNT(*) AS n FROM events WHERE source = 'delivery-report'`);
    expect(Number(n!.n)).toBe(0);
  });

  it('a report without a message id maps to the latest send to its address; a delivered notice is only recorded', async () => {
    const tt = await open();
    await sent(tt, { userId: 'u-late', email: 'Late@Example.com', messageId: 'old@shop.example', campaignId: 'c-old', at: T0 - 10 * 86_400_000 });
    const profileId = await sent(tt, { userId: 'u-late', email: 'Late@Example.com', messageId: 'new@shop.example', campaignId: 'c-new', at: T0 - 86_400_000 });
    const r = await tt.campaigns.reportIntake.apply([
      { kind: 'bounce', severity: 'hard', email: 'late@example.com', messageId: null, feedbackId: null, at: T0 - 1000, status: '5.1.1', reason: 'x', source: 'generic' },
      { kind: 'delivered', email: 'late@example.com', messageId: 'old@shop.example', feedbackId: null, at: T0 - 2000, status: '2.0.0', reason: 'ok', source: 'dsn' },
    ]);
    expect(r).toMatchObject({ applied: 2, hard: 1, delivered: 1, unmatched: 0 });
    expect((await events(tt, profileId)).map((e) => e.properties.campaign_id)).toEqual(['c-new']);
    const rows = await tt.db.read<{ kind: string; campaign_id: string; profile_id: string }>('SELECT kind, campaign_id, profile_id FROM delivery_reports ORDER BY kind');
    expect(rows).toEqual([{ kind: 'bounce', campaign_id: 'c-new', profile_id: profileId }, { kind: 'delivered', campaign_id: 'c-old', profile_id: profileId }]);
  });
});
