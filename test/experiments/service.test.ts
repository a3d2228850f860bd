import { afterEach, describe, expect, it, vi } from 'vitest';
import { twoProportionZTest } from '../../src/core/experiments/proportions.ts';
import { welchTest } from '../../src/core/experiments/means.ts';
import { isTailorError } from '../../src/core/errors.ts';
import type { Tailor } from '../../src/main.ts';
import { dialects } from '../helpers/databases.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const PEOPLE = 800;

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(isTailorError(e) && e.code).toBe(code);
  expect((e as Error).message).toMatch(pattern);
}

/**
 * An experiment end to end on a real store: profiles arrive through ingest, the test starts on
 * them, their clicks and orders arrive as events, and the results and the decision are read back.
 * What each recipient did is decided here by a simple rule, so the expected counts are known
 * independently of the code that tallies them.
 */
describe.each(dialects)('experiment service ($name)', ({ url }) => {
  let t: Tailor | undefined;
  afterEach(async () => { await t?.close(); t = undefined; });

  it('assigns, observes clicks and orders in the window, refuses an early fixed decision, then sends the winner to the rest', async () => {
    let now = T0 - HOUR;
    t = await openTailor(await url(), () => now);
    await t.ingest(Array.from({ length: PEOPLE }, (_, i) => msg({ type: 'identify', userId: `u${i}`, traits: { email: `u${i}@example.com` }, timestamp: new Date(now).toISOString() }, now)));
    const ids = new Map<string, number>();
    for (let i = 0; i < PEOPLE; i++) ids.set((await t.profiles.resolve({ userId: `u${i}` }))!, i);

    const created = await t.experiments.create({
      name: 'spring subject', vary: 'subject', holdout: 0.1, testFraction: 0.5, waitHours: 24, metric: 'click', rule: 'fixed',
      minPerArm: 20, attributionHours: 48,
      variants: [{ key: 'A', content: { subject: 'Spring sale' } }, { key: 'B', content: { subject: 'Your spring picks, {{ profile.first_name }}' } }],
    });
    now = T0;
    const { groups } = await t.experiments.start('spring subject', [...ids.keys()]);
    expect(groups.holdout + groups.test + groups.rest).toBe(PEOPLE);
    expect(groups.holdout).toBeGreaterThan(40);
    expect(groups.test).toBeGreaterThan(280);

    const placed = new Map<string, { group: string; arm: string | null }>();
    for (let cursor: string | undefined; ;) {
      const page = await t.experiments.assignments('spring subject', { limit: 300, cursor });
      for (const a of page.assignments) placed.set(a.profileId, { group: a.group, arm: a.arm });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(placed.size).toBe(PEOPLE);

    // Behaviour: B's recipients click when i % 3 == 0, A's when i % 7 == 0; everyone with i % 10 == 0
    // orders 50.00 within the window. Events that must not count: a bot click, a click on another
    // experiment, a click and an order before the send, and an order after the attribution window.
    const expected = { A: { n: 0, clicks: 0, conversions: 0 }, B: { n: 0, clicks: 0, conversions: 0 }, holdout: { n: 0, clicks: 0, conversions: 0 } };
    const events = [];
    const at = (h: number) => new Date(T0 + h * HOUR).toISOString();
    for (const [id, i] of ids) {
      const { group, arm } = placed.get(id)!;
      if (group === 'rest') continue;
      const key = group === 'holdout' ? 'holdout' : (arm as 'A' | 'B');
      const e = expected[key];
      e.n++;
      const clicks = key === 'B' ? i % 3 === 0 : key === 'A' ? i % 7 === 0 : false;
      if (clicks) { e.clicks++; events.push({ userId: `u${i}`, event: 'Email Clicked', properties: { experiment_id: created.id }, timestamp: at(2) }); }
      if (i % 10 === 0) { e.conversions++; events.push({ userId: `u${i}`, event: 'Order Completed', properties: { revenue: 50 }, timestamp: at(30) }); }
      if (key === 'A' && i % 7 === 1) events.push({ userId: `u${i}`, event: 'Email Clicked', properties: { experiment_id: created.id, bot: true }, timestamp: at(1) });
      if (i % 5 === 2) events.push({ userId: `u${i}`, event: 'Email Clicked', properties: { experiment_id: 'another' }, timestamp: at(1) });
      if (i % 11 === 3) events.push({ userId: `u${i}`, event: 'Email Clicked', properties: { experiment_id: created.id }, timestamp: at(-0.5) });
      if (i % 13 === 4) events.push({ userId: `u${i}`, event: 'Order Completed', properties: { revenue: 80 }, timestamp: at(49) });
    }
    now = T0 + 50 * HOUR;
    await t.ingest(events.map((e) => msg({ type: 'track', ...e }, now)));

    const view = await t.experiments.results('spring subject');
    expect(view.source).toBe('events');
    const arm = (k: string) => view.results.arms.find((a) => a.key === k)!;
    for (const k of ['A', 'B'] as const) {
      expect(arm(k).recipients).toBe(expected[k].n);
      expect(arm(k).metrics.click!.count).toBe(expected[k].clicks);
      expect(arm(k).metrics.conversion!.count).toBe(expected[k].conversions);
      expect(arm(k).metrics.revenue!.total).toBeCloseTo(50 * expected[k].conversions, 9);
    }
    const z = twoProportionZTest({ successes: expected.A.clicks, n: expected.A.n }, { successes: expected.B.clicks, n: expected.B.n });
    expect(arm('B').vsControl!.click!.p).toBeCloseTo(z.p, 12);
    expect(arm('B').vsControl!.click!.significant).toBe(true);
    // The holdout got no email: its conversions are compared with everyone mailed.
    const [holdout, mailed] = view.results.incremental!;
    expect(holdout!.recipients).toBe(expected.holdout.n);
    expect(holdout!.metrics.conversion!.count).toBe(expected.holdout.conversions);
    expect(mailed!.recipients).toBe(expected.A.n + expected.B.n);
    const rev = (n: number, k: number) => ({ n, sum: 50 * k, sumSquares: 2500 * k });
    const w = welchTest(rev(expected.holdout.n, expected.holdout.conversions), rev(expected.A.n + expected.B.n, expected.A.conversions + expected.B.conversions), 0.05);
    expect(mailed!.vsControl!.revenue!.p).toBeCloseTo(w.p, 12);

    // The fixed rule does not decide before the planned time, even with a clear winner.
    now = T0 + 20 * HOUR;
    await rejects(t.experiments.decide('spring subject'), 'conflict', /due at 2026-03-03T09:00:00.000Z/);
    now = T0 + 24 * HOUR;
    const decided = await t.experiments.decide('spring subject');
    expect(decided.decision).toMatchObject({ winner: 'B', basis: 'significant', early: false });
    expect(decided.rolledOut).toBe(groups.rest);
    const rest = await t.experiments.assignments('spring subject', { group: 'rest', limit: 10_000 });
    expect(rest.assignments.every((a) => a.arm === 'B' && a.sentAt === now)).toBe(true);
    await rejects(t.experiments.decide('spring subject'), 'conflict', /was decided/);
    expect((await t.experiments.get('spring subject')).status).toBe('decided');
  });

  it('falls back to the control when nothing is significant, and the scheduler tick decides at the planned time', async () => {
    let now = T0;
    t = await openTailor(await url(), () => now);
    await t.experiments.create({ name: 'no winner', vary: 'send_time', metric: 'conversion', minPerArm: 100, waitHours: 2, testFraction: 0.2, variants: [{ key: 'morning' }, { key: 'evening' }] });
    await t.experiments.record('no winner', [
      { key: 'morning', recipients: 1000, conversions: 50 },
      { key: 'evening', recipients: 1000, conversions: 55 },
    ]);
    expect(await t.experiments.tick()).toEqual([]);
    now = T0 + 2 * HOUR;
    const [d] = await t.experiments.tick();
    expect(d).toMatchObject({ name: 'no winner', decision: { winner: 'morning', basis: 'fallback' } });
    expect(d!.decision.reason).toMatch(/^No significant winner: falling back to control morning\./);
  });

  // The in-process experiment scheduler on an injected clock and fake timers: the planned decision
  // comes due because the clock moved, with no call from anyone. The real-time run through
  // `tailor serve` is test/cli/serve-experiments.slow.test.ts.
  it('the experiment scheduler decides an experiment at its planned time, with no call from anyone', async () => {
    let now = T0;
    const tt = await openTailor(await url(), () => now);
    t = tt;
    await t.experiments.create({ name: 'soon', vary: 'subject', metric: 'click', rule: 'fixed', waitHours: 2, minPerArm: 100, variants: [{ key: 'A' }, { key: 'B' }] });
    await t.experiments.record('soon', [{ key: 'A', recipients: 5000, clicks: 200 }, { key: 'B', recipients: 5000, clicks: 300 }]);
    const decideAt = (await t.experiments.get('soon')).decideAt!;
    expect(decideAt).toBe(T0 + 2 * HOUR);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      t.experimentScheduler.start();
      await vi.advanceTimersByTimeAsync(0);
      // Its first look finds nothing due and sleeps (at most its 5-minute look interval).
      await vi.waitFor(async () => expect((await tt.experiments.get('soon')).status).toBe('testing'));
      now = decideAt - 1;
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      await new Promise((r) => setImmediate(r));
      expect((await t.experiments.get('soon')).status).toBe('testing');
      now = decideAt;
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      await vi.waitFor(async () => expect((await tt.experiments.get('soon')).status).toBe('decided'), { timeout: 10_000 });
    } finally {
      vi.useRealTimers();
    }
    const x = await t.experiments.get('soon');
    expect(x.decision).toMatchObject({ winner: 'B', basis: 'significant', early: false });
    expect(x.decidedAt).toBe(decideAt);
  });

  it('follows a recipient merged into another profile after the send to the survivor\'s events', async () => {
    let now = T0;
    t = await openTailor(await url(), () => now);
    await t.ingest([msg({ type: 'track', anonymousId: 'anon-1', event: 'Page Viewed', timestamp: new Date(now).toISOString() }, now),
      msg({ type: 'identify', userId: 'known', traits: { email: 'k@example.com' }, timestamp: new Date(now).toISOString() }, now)]);
    const anon = (await t.profiles.resolve({ anonymousId: 'anon-1' }))!;
    const known = (await t.profiles.resolve({ userId: 'known' }))!;
    const x = await t.experiments.create({ name: 'merge', vary: 'subject', minPerArm: 2, variants: [{ key: 'A', weight: 1e-9 }, { key: 'B' }] });
    // Both profiles are recipients; whichever one is merged away must still see the click.
    await t.experiments.start('merge', [anon, known]);
    now = T0 + HOUR;
    // The anonymous visitor logs in: the two profiles merge, and the click lands on the survivor.
    await t.ingest([msg({ type: 'identify', userId: 'known', anonymousId: 'anon-1', timestamp: new Date(now).toISOString() }, now),
      msg({ type: 'track', userId: 'known', event: 'Email Clicked', properties: { experiment_id: x.id }, timestamp: new Date(now).toISOString() }, now)]);
    expect(await t.profiles.resolve({ anonymousId: 'anon-1' })).toBe(await t.profiles.resolve({ userId: 'known' }));
    const b = (await t.experiments.results('merge')).results.arms.find((a) => a.key === 'B')!;
    expect(b.recipients).toBe(2);
    expect(b.metrics.click!.count).toBe(2);
  });

  it('rejects bad designs, unknown arms and counts above recipients with the path to the field', async () => {
    t = await openTailor(await url());
    await rejects(t.experiments.create({ name: 'x', variants: [{ key: 'A' }, { key: 'B' }] }), 'validation_failed', /^experiment\.vary: name what the variants change/);
    await rejects(t.experiments.create({ name: 'x', vary: 'subject', variants: [{ key: 'A' }, { key: 'A' }] }), 'validation_failed', /^experiment\.variants: keys must be distinct/);
    await rejects(t.experiments.create({ name: 'x', vary: 'subject', holdout: 0.9, variants: [{ key: 'A' }, { key: 'B' }] }), 'validation_failed', /^experiment\.holdout/);
    await rejects(t.experiments.create({ name: 'x', vary: 'subject', segment: 'nope', variants: [{ key: 'A' }, { key: 'B' }] }), 'not_found', /nope/);
    await t.experiments.create({ name: 'x', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }] });
    await rejects(t.experiments.create({ name: 'x', vary: 'subject', variants: [{ key: 'A' }, { key: 'B' }] }), 'conflict', /already exists/);
    await rejects(t.experiments.record('x', [{ key: 'C', recipients: 10 }]), 'validation_failed', /^arms\[0\]\.key: 'C' is not an arm/);
    await rejects(t.experiments.record('x', [{ key: 'A', recipients: 10, clicks: 11 }]), 'validation_failed', /^arms\[0\]\.clicks: clicks \(11\) cannot exceed recipients \(10\)/);
    await rejects(t.experiments.results('x'), 'conflict', /has not started/);
  });
});
