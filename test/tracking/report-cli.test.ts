import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tailorCli } from '../helpers/cli.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

// `tailor campaign report <id> [--json]`: the follower catches up on the events first, then the
// report prints as JSON or as a table.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

describe('tailor campaign report', () => {
  const db = tempSqlite();
  const env = { ...process.env, TAILOR_OUTBOX: path.join(tempDir(), 'outbox'), TAILOR_SECRET: 'report-cli-test-secret-0123456789' };
  const tailor = (...args: string[]) => tailorCli(['--db', db, 'campaign', ...args], { env });

  it('counts the tracking events written since the send, as JSON and as a table', async () => {
    let t = await openTailor(db);
    const consent = { consent: { categoryPreferences: { email_marketing: true } } };
    await t.ingest(['ana', 'bob', 'cy'].map((u) => msg({ type: 'identify', userId: u, traits: { email: `${u}@example.com`, first_name: u, tier: 'gold' }, context: consent })));
    await t.realtime.drain();
    await t.segments.create({ name: 'gold', rules: { trait: 'tier', op: 'eq', value: 'gold' } });
    await t.templates.create({ name: 'news', subject: 'News', body: BODY });
    const c = await t.campaigns.campaigns.create({ name: 'spring', audience: { segments: ['gold'] }, template: 'news' });
    await t.close();
    await tailor('launch', 'spring');
    await tailor('worker', '--until-idle');

    t = await openTailor(db);
    const [row] = await t.campaigns.campaigns.sendsOf(c, (await t.profiles.resolve({ id: 'ana' }))!);
    const now = Date.now();
    const props = { campaign_id: c.id, step: 0, arm: null, email_id: row!.messageId };
    const at = (ago: number) => new Date(now - ago).toISOString();
    // Received a minute ago: past the follower's settle window.
    await t.ingest([
      msg({ type: 'track', userId: 'ana', event: 'Email Opened', timestamp: at(50_000), properties: { ...props, machine_open: true } }, now - 60_000),
      msg({ type: 'track', userId: 'ana', event: 'Email Opened', timestamp: at(40_000), properties: props }, now - 60_000),
      msg({ type: 'track', userId: 'ana', event: 'Email Link Clicked', timestamp: at(30_000), properties: { ...props, link_id: 'l1', url: 'https://shop.test/' } }, now - 60_000),
      msg({ type: 'track', userId: 'ana', event: 'Order Completed', timestamp: at(20_000), properties: { revenue: 25 } }, now - 60_000),
    ]);
    await t.close();

    const r = JSON.parse((await tailor('report', 'spring', '--json')).stdout);
    expect(r.metrics).toMatchObject({ sent: 3, delivered: 3, opens: { raw: 2, human: 1, uniqueHuman: 1 }, clicks: { human: 1, raw: 1 },
      ctr: 1 / 3, ctor: 1, conversions: 1, revenue: 25 });
    expect(r.links).toEqual([{ linkId: 'l1', url: 'https://shop.test/', clicksHuman: 1, clicksRaw: 1 }]);
    const text = (await tailor('report', 'spring')).stdout;
    expect(text).toMatch(/^spring \(\S+\): sent; first sent /);
    expect(text).toMatch(/\nall\s+3\s+3\s+0\s+0\s+0\s+0\s+1\/2\s+1\s+1\/1\s+1\s+33\.33%\s+100\.00%/);
    expect(text).toMatch(/attributed \(last touch: click 5 d, else open 1 d\): 1 orders, revenue 25\.00/);
    expect(text).toMatch(/double-counts/);
  });
});
