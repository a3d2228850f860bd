import fs from 'node:fs';
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAudiencePage } from '../../src/core/campaigns/audience.ts';
import { plainCodec } from '../../src/core/pii-codec.ts';
import { createAudienceQueries } from '../../src/store/campaigns/audience-queries.ts';
import { createRecipientLookup } from '../../src/store/campaigns/recipient-lookup.ts';
import { createSendQueue } from '../../src/store/campaigns/send-queue.ts';
import { dialects, tempSqlite } from '../helpers/databases.ts';
import { msg, type TestTailor } from '../helpers/tailor.ts';
import { clockedTailor, drainSends, outboxFiles, type ClockedTailor } from '../helpers/campaigns.ts';

// Caps, quiet hours, local-time schedules and experiments on a fake clock, through the outbox
// transport: a capped or quiet-hours message is sent later, never lost; an experiment's
// assignments are the send list, the holdout gets nothing, the rest gets the winner.

const BODY = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';
const HOUR = 3_600_000;

type Setup = ClockedTailor;
const setUp = clockedTailor;
const drain = (t: TestTailor) => drainSends(t);

async function people(s: Setup, list: { id: string; zone?: string }[]): Promise<void> {
  await s.t.ingest(list.map((p) => msg({
    type: 'identify', userId: p.id, traits: { email: `${p.id}@mail.test`, first_name: p.id, plan: 'pro', ...(p.zone ? { timezone: p.zone } : {}) },
    context: { consent: { categoryPreferences: { email_marketing: true } } },
  }, s.clock.now)));
  await s.t.realtime.drain();
  await s.t.segments.create({ name: 'pro', rules: { trait: 'plan', op: 'eq', value: 'pro' } });
  await s.t.templates.create({ name: 'hi', subject: 'Hi {{ profile.first_name }}', body: BODY });
}

const files = outboxFiles;
const subjects = async (dir: string) => Promise.all(files(dir).map(async (f) => (await PostalMime.parse(fs.readFileSync(`${dir}/${f}`))).subject ?? ""));

for (const d of dialects) {
  describe(`send rules on a fake clock (${d.name})`, () => {
    let s: Setup | undefined;
    afterEach(async () => {
      await s?.t.close();
      s = undefined;
    });

    it('defers a capped message to the next local day and sends it then', async () => {
      s = await setUp(await d.url(), '2026-03-10T15:00:00Z', { frequencyCaps: '1/day' });
      await people(s, [{ id: 'ny', zone: 'America/New_York' }]);
      const a = await s.t.campaigns.campaigns.create({ name: 'first', audience: { segments: ['pro'] }, template: 'hi' });
      await s.t.campaigns.campaigns.launch(a.id);
      await drain(s.t);
      const b = await s.t.campaigns.campaigns.create({ name: 'second', audience: { segments: ['pro'] }, template: 'hi' });
      await s.t.campaigns.campaigns.launch(b.id);
      await drain(s.t);
      expect(files(s.outbox)).toHaveLength(1);
      const [row] = await s.t.campaigns.campaigns.sendsOf(b, (await s.t.profiles.resolve({ id: 'ny' }))!);
      // New York is UTC-4 on 2026-03-10 (DST began 03-08): its next day starts at 04:00Z on the 11th.
      expect(row).toMatchObject({ state: 'deferred', reason: 'frequency_cap', dueAt: Date.parse('2026-03-11T04:00:00Z') });
      s.clock.now = Date.parse('2026-03-11T04:00:00Z');
      await drain(s.t);
      expect(files(s.outbox)).toHaveLength(2);
      expect((await s.t.campaigns.campaigns.counts(b)).sent).toBe(1);
    });

    it('holds a message through quiet hours in the recipient zone', async () => {
      // 03:00Z is 22:00 in New York (UTC-5 in January) and 04:00 in Berlin.
      s = await setUp(await d.url(), '2026-01-15T03:00:00Z', { quietHours: '21:00-08:00' });
      await people(s, [{ id: 'ny', zone: 'America/New_York' }, { id: 'tokyo', zone: 'Asia/Tokyo' }]);
      const c = await s.t.campaigns.campaigns.create({ name: 'quiet', audience: { segments: ['pro'] }, template: 'hi' });
      await s.t.campaigns.campaigns.launch(c.id);
      await drain(s.t);
      // Tokyo is at 12:00: sent now. New York waits until 08:00 local = 13:00Z.
      expect(files(s.outbox)).toHaveLength(1);
      const [ny] = await s.t.campaigns.campaigns.sendsOf(c, (await s.t.profiles.resolve({ id: 'ny' }))!);
      expect(ny).toMatchObject({ state: 'deferred', reason: 'quiet_hours', dueAt: Date.parse('2026-01-15T13:00:00Z') });
      s.clock.now = Date.parse('2026-01-15T12:59:59Z');
      await drain(s.t);
      expect(files(s.outbox)).toHaveLength(1);
      s.clock.now = Date.parse('2026-01-15T13:00:00Z');
      await drain(s.t);
      expect(files(s.outbox)).toHaveLength(2);
      expect((await s.t.campaigns.campaigns.get(c.id)).status).toBe('sent');
    });

    it('sends at 9:00 in each recipient zone', async () => {
      s = await setUp(await d.url(), '2026-06-01T00:00:00Z');
      await people(s, [{ id: 'tokyo', zone: 'Asia/Tokyo' }, { id: 'la', zone: 'America/Los_Angeles' }, { id: 'nozone' }]);
      const c = await s.t.campaigns.campaigns.create({ name: 'nine', audience: { segments: ['pro'] }, template: 'hi', schedule: { localTime: '09:00' } });
      await s.t.campaigns.campaigns.launch(c.id);
      await drain(s.t);
      const due = async (id: string) => (await s!.t.campaigns.campaigns.sendsOf(c, (await s!.t.profiles.resolve({ id }))!))[0]!.dueAt;
      // Tokyo UTC+9: 09:00 is 00:00Z (now); Los Angeles UTC-7 in June: 16:00Z; no zone: UTC (the default).
      expect(new Date(await due('tokyo')).toISOString()).toBe('2026-06-01T00:00:00.000Z');
      expect(new Date(await due('la')).toISOString()).toBe('2026-06-01T16:00:00.000Z');
      expect(new Date(await due('nozone')).toISOString()).toBe('2026-06-01T09:00:00.000Z');
      expect(files(s.outbox)).toHaveLength(1);
      s.clock.now = Date.parse('2026-06-01T16:00:00Z');
      await drain(s.t);
      expect(files(s.outbox)).toHaveLength(3);
    });

    it('sends an experiment: arms to the test group, nothing to the holdout, the winner to the rest', async () => {
      s = await setUp(await d.url(), '2026-02-01T10:00:00Z');
      await people(s, Array.from({ length: 200 }, (_, i) => ({ id: `p${i}` })));
      await s.t.experiments.create({
        name: 'subject test', vary: 'subject', segment: 'pro', holdout: 0.1, testFraction: 0.5, waitHours: 4, minPerArm: 2, rule: 'fixed',
        variants: [{ key: 'a', content: { subject: 'A for {{ profile.first_name }}' } }, { key: 'b', content: { subject: 'B for {{ profile.first_name }}' } }],
      });
      const c = await s.t.campaigns.campaigns.create({ name: 'exp', experiment: 'subject test', template: 'hi' });
      await s.t.campaigns.campaigns.launch(c.id);
      await drain(s.t);
      const groups = { holdout: 0, test: 0, rest: 0 };
      for (let cursor: string | undefined; ;) {
        const page = await s.t.experiments.assignments('subject test', { limit: 500, cursor });
        for (const a of page.assignments) groups[a.group]++;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(groups.holdout + groups.test + groups.rest).toBe(200);
      const first = await subjects(s.outbox);
      expect(first).toHaveLength(groups.test);
      expect(first.every((x) => /^[AB] for p\d+$/.test(x))).toBe(true);
      let counts = await s.t.campaigns.campaigns.counts(c);
      expect(counts).toMatchObject({ sent: groups.test, suppressed: groups.holdout });
      expect((await s.t.campaigns.campaigns.get(c.id)).status).toBe('sending');

      s.clock.now += 5 * HOUR;
      const decided = await s.t.experiments.decide('subject test', true);
      const winner = decided.decision.winner;
      await drain(s.t);
      const all = await subjects(s.outbox);
      expect(all).toHaveLength(groups.test + groups.rest);
      const rest = all.length - first.length;
      expect(all.filter((x) => x.startsWith(`${winner.toUpperCase()} for`)).length).toBeGreaterThanOrEqual(rest);
      counts = await s.t.campaigns.campaigns.counts(c);
      expect(counts).toMatchObject({ sent: groups.test + groups.rest, suppressed: groups.holdout, queued: 0 });
      expect((await s.t.campaigns.campaigns.get(c.id)).status).toBe('sent');
      const holdoutRow = (await s.t.campaigns.campaigns.sends(c, { limit: 1000, state: 'suppressed' }))[0]!;
      expect(holdoutRow).toMatchObject({ reason: 'holdout', arm: null });
    });

    it('an experiment on send time sends each arm at its local hour; one on preheader puts it in the body', async () => {
      s = await setUp(await d.url(), '2026-02-01T06:00:00Z');
      await people(s, Array.from({ length: 40 }, (_, i) => ({ id: `p${i}` })));
      await s.t.experiments.create({
        name: 'when', vary: 'send_time', segment: 'pro', minPerArm: 2,
        variants: [{ key: 'morning', content: { send_time: '09:00' } }, { key: 'evening', content: { send_time: '18:00' } }],
      });
      const c = await s.t.campaigns.campaigns.create({ name: 'timed', experiment: 'when', template: 'hi' });
      await s.t.campaigns.campaigns.launch(c.id);
      await drain(s.t);
      const rows = await s.t.campaigns.campaigns.sends(c, { limit: 100 });
      expect(rows).toHaveLength(40);
      // No zone on these profiles: the default, UTC.
      for (const r of rows) expect(new Date(r.dueAt).toISOString()).toBe(r.arm === 'morning' ? '2026-02-01T09:00:00.000Z' : '2026-02-01T18:00:00.000Z');
      expect(new Set(rows.map((r) => r.arm))).toEqual(new Set(['morning', 'evening']));
      expect(files(s.outbox)).toHaveLength(0);

      await s.t.experiments.create({
        name: 'teaser', vary: 'preheader', segment: 'pro', minPerArm: 2,
        variants: [{ key: 'a', content: { preheader: 'Alpha for {{ profile.first_name }}' } }, { key: 'b', content: { preheader: 'Beta for {{ profile.first_name }}' } }],
      });
      await s.t.templates.create({ name: 'with-preview', subject: 'Hi', preheader: 'template preview', body: '<mjml><mj-head><mj-preview>{{ preheader }}</mj-preview></mj-head><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' });
      const p = await s.t.campaigns.campaigns.create({ name: 'previewed', experiment: 'teaser', template: 'with-preview' });
      await s.t.campaigns.campaigns.launch(p.id);
      await drain(s.t);
      const parsed = await Promise.all(files(s.outbox).map(async (f) => PostalMime.parse(fs.readFileSync(`${s!.outbox}/${f}`))));
      expect(parsed).toHaveLength(40);
      const previews = parsed.map((m) => /(Alpha|Beta) for p\d+/.exec(m.html ?? '')?.[1]);
      expect(new Set(previews)).toEqual(new Set(['Alpha', 'Beta']));
      expect(parsed.some((m) => m.html?.includes('template preview'))).toBe(false);
    });
  });
}

describe('the audience is who belonged when sending started', () => {
  it('a member who joins after the start is not added by a later page', async () => {
    const s = await setUp(tempSqlite(), '2026-05-01T10:00:00Z');
    try {
      await people(s, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      const c = await s.t.campaigns.campaigns.create({ name: 'paged', audience: { segments: ['pro'] }, template: 'hi' });
      const launched = await s.t.campaigns.campaigns.launch(c.id);
      const deps = {
        audience: createAudienceQueries(s.t.db), queue: createSendQueue(s.t.db), lookup: createRecipientLookup(s.t.db, plainCodec),
        experiments: s.t.experiments, messageDomain: 'shop.test', defaultZone: 'UTC', now: () => s.clock.now,
      };
      // Sending has started (the launch); a newcomer joins before any page is read; then every page is read.
      expect(launched.status).toBe('sending');
      s.clock.now += 60_000;
      await s.t.ingest([msg({ type: 'identify', userId: 'late', traits: { email: 'late@mail.test', plan: 'pro' },
        context: { consent: { categoryPreferences: { email_marketing: true } } } }, s.clock.now)]);
      await s.t.realtime.drain();
      for (let cur = launched; !cur.audienceDone; cur = await s.t.campaigns.campaigns.get(c.id)) await resolveAudiencePage(deps, cur, 1);
      await drain(s.t);
      const late = (await s.t.profiles.resolve({ id: 'late' }))!;
      expect(await s.t.campaigns.campaigns.sendsOf(c, late)).toEqual([]);
      expect((await s.t.campaigns.campaigns.counts(c)).sent).toBe(3);
    } finally {
      await s.t.close();
    }
  });
});

describe('a test send of an experiment campaign', () => {
  it('shows the first arm when the arms name the templates', async () => {
    const s = await setUp(tempSqlite(), '2026-05-01T10:00:00Z');
    try {
      await people(s, [{ id: 'a' }]);
      await s.t.templates.create({ name: 'hi-b', subject: 'B {{ profile.first_name }}', body: BODY });
      await s.t.experiments.create({
        name: 'templates', vary: 'template', segment: 'pro',
        variants: [{ key: 'first', content: { template: 'hi' } }, { key: 'second', content: { template: 'hi-b' } }],
      });
      const c = await s.t.campaigns.campaigns.create({ name: 'no base', experiment: 'templates' });
      const r = await s.t.campaigns.testSend(c, 'qa@mail.test', 'a');
      expect(r.profileId).toBe(await s.t.profiles.resolve({ id: 'a' }));
      expect(await subjects(s.outbox)).toEqual(['[Test] Hi a']);
    } finally {
      await s.t.close();
    }
  });
});
