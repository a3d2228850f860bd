import { describe, expect, it } from 'vitest';
import { ReportFollower } from './report-follower.ts';
import type { FollowedEvent, ReportFollowerPort, RollupPlan } from './report-ports.ts';

/** An in-memory port: the events table, the cursor, and the plans applied. */
function fakePort() {
  const events: FollowedEvent[] = [];
  const applied: { from: number; to: number; plan: RollupPlan }[] = [];
  let cursor = 0;
  const port: ReportFollowerPort = {
    cursor: async () => cursor,
    lastEventWithin: async (after, span) => {
      const e = events.filter((x) => x.id > after && x.id <= after + span).at(-1);
      return e ? { id: e.id, receivedAt: e.receivedAt } : null;
    },
    eventsAfter: async (after, upTo, names, limit) => events.filter((e) => e.id > after && e.id <= upTo && names.includes(e.name)).slice(0, limit),
    sendsByMessage: async () => new Map(),
    sentTo: async () => new Map(),
    touchCandidates: async () => [],
    windows: async () => new Map(),
    touches: async () => new Map(),
    apply: async (from, to, plan) => {
      if (cursor !== from) return false;
      cursor = to;
      applied.push({ from, to, plan });
      return true;
    },
  };
  const add = (name: string, receivedAt: number) => events.push({ id: events.length + 1, profileId: 'p', name, timestamp: receivedAt, receivedAt,
    properties: { campaign_id: 'c1', email_id: 'm1' } });
  return { port, add, applied, cursor: () => cursor };
}

describe('ReportFollower', () => {
  it('moves past events it does not read, and only over settled ones', async () => {
    const f = fakePort();
    let now = 100_000;
    const follower = new ReportFollower({ port: f.port, now: () => now, batch: 2 });
    for (let i = 1; i <= 10; i++) f.add(i === 3 ? 'Email Opened' : 'Page Viewed', 1000 + i);
    expect(await follower.follow()).toBe(1);
    // One batch: the open, then the cursor to the last (settled) event of the span.
    expect(f.applied.map((a) => [a.from, a.to])).toEqual([[0, 10]]);
    expect(f.applied[0]!.plan.rollups).toHaveLength(1);

    f.add('Email Opened', now); // id 11, received just now
    f.add('Page Viewed', now);
    expect(await follower.follow()).toBe(0);
    expect(f.cursor()).toBe(10);
    now += 5000;
    expect(await follower.follow()).toBe(1);
    expect(f.cursor()).toBe(12);
  });

  it('stops at the first unsettled event even when a later one is settled', async () => {
    const f = fakePort();
    const follower = new ReportFollower({ port: f.port, now: () => 100_000, batch: 10 });
    f.add('Email Opened', 1000);
    f.add('Email Opened', 99_000); // received 1 s ago
    f.add('Email Opened', 2000);
    expect(await follower.follow()).toBe(1);
    expect(f.cursor()).toBe(1);
  });

  it('takes full batches one after another, and loses quietly to a process that moved the cursor', async () => {
    const f = fakePort();
    const follower = new ReportFollower({ port: f.port, now: () => 100_000, batch: 2 });
    for (let i = 0; i < 5; i++) f.add('Email Link Clicked', 1000);
    expect(await follower.follow()).toBe(5);
    expect(f.applied.map((a) => [a.from, a.to])).toEqual([[0, 2], [2, 4], [4, 5]]);
    const stale = new ReportFollower({ port: { ...f.port, cursor: async () => 2 }, now: () => 100_000 });
    expect(await stale.follow()).toBe(0);
    expect(f.applied).toHaveLength(3);
  });
});
