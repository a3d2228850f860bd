import { describe, expect, it } from 'vitest';
import type { Attribution, FollowedEvent, RollupRow, SendDims } from './report-ports.ts';
import { foldBatch } from './report-rollup.ts';

const at = (hhmm: string) => Date.parse(`2026-03-10T${hhmm}:00Z`);
const H10 = at('10:00');
const H11 = at('11:00');
let id = 0;
const ev = (name: string, hhmm: string, properties: Record<string, unknown>, profileId = 'p1'): FollowedEvent =>
  ({ id: ++id, profileId, name, timestamp: at(hhmm), receivedAt: at(hhmm), properties });

const send = (messageId: string, profileId: string, arm: string, segmentId: string): SendDims =>
  ({ messageId, campaignId: 'c1', profileId, step: 0, arm, segmentId, state: 'sent' });
const sends = new Map([['m1', send('m1', 'p1', 'A', 's1')], ['m2', send('m2', 'p2', 'B', 's2')]]);

const zero = { opensRaw: 0, opensHuman: 0, uniqueOpensRaw: 0, uniqueOpensHuman: 0, clicksRaw: 0, clicksHuman: 0, uniqueClicksRaw: 0,
  uniqueClicksHuman: 0, unsubscribes: 0, complaints: 0, bounces: 0, conversions: 0, revenue: 0 };
const find = (rows: RollupRow[], arm: string, hour: number) => rows.find((r) => r.arm === arm && r.hour === hour);

describe('foldBatch', () => {
  const credit: Attribution = { campaign_id: 'c1', step: 0, arm: 'B', touch: 'click', touched_at: '2026-03-10T10:50:00.000Z', email_id: 'm2' };
  const events = [
    ev('Email Opened', '10:01', { campaign_id: 'c1', email_id: 'm1', machine_open: true }),
    ev('Email Opened', '10:30', { campaign_id: 'c1', email_id: 'm1' }),
    ev('Email Opened', '11:10', { campaign_id: 'c1', email_id: 'm1' }),
    ev('Email Link Clicked', '10:02', { campaign_id: 'c1', email_id: 'm1', link_id: 'L1', url: 'https://shop.test/a', bot: true }),
    ev('Email Link Clicked', '10:40', { campaign_id: 'c1', email_id: 'm1', link_id: 'L1', url: 'https://shop.test/a' }),
    ev('Email Clicked', '10:50', { campaign_id: 'c1', email_id: 'm2', link_id: 'L2', url: 'https://shop.test/b' }, 'p2'),
    ev('Email Bounced', '10:51', { campaign_id: 'c1', message_id: 'm2' }, 'p2'),
    ev('Email Bounced', '10:52', { campaign_id: 'c1', message_id: 'm2' }, 'p2'),
    ev('Email Marked as Spam', '10:53', { campaign_id: 'c1', message_id: 'm2' }, 'p2'),
    ev('Unsubscribed', '10:55', { campaign_id: 'c1' }),
    ev('Order Completed', '11:30', { revenue: 40, total: 45 }, 'p2'),
    ev('Order Completed', '11:31', { revenue: 99 }),
    ev('Email Opened', '10:05', { email_id: 'unknown' }),
  ];
  const orderId = events[10]!.id;
  const plan = foldBatch(events, {
    sends, sentTo: new Map([['c1|p1', sends.get('m1')!]]),
    // m2 had a raw (bot) click counted in an earlier batch.
    touches: new Map([['m2', 4]]),
    attributions: new Map([[orderId, credit]]),
  });

  it('counts raw and human hits, and each kind once per message for the unique counts', () => {
    expect(find(plan.rollups, 'A', H10)).toEqual({ campaignId: 'c1', step: 0, arm: 'A', segmentId: 's1', hour: H10, ...zero,
      opensRaw: 2, opensHuman: 1, uniqueOpensRaw: 1, uniqueOpensHuman: 1, clicksRaw: 2, clicksHuman: 1, uniqueClicksRaw: 1, uniqueClicksHuman: 1,
      unsubscribes: 1 });
    expect(find(plan.rollups, 'A', H11)).toEqual({ campaignId: 'c1', step: 0, arm: 'A', segmentId: 's1', hour: H11, ...zero, opensRaw: 1, opensHuman: 1 });
    expect(find(plan.rollups, 'B', H10)).toEqual({ campaignId: 'c1', step: 0, arm: 'B', segmentId: 's2', hour: H10, ...zero,
      clicksRaw: 1, clicksHuman: 1, uniqueClicksRaw: 0, uniqueClicksHuman: 1, bounces: 1, complaints: 1 });
  });

  it("credits an attributed order's revenue to the credited message's slice, and skips the unattributed one", () => {
    expect(find(plan.rollups, 'B', H11)).toEqual({ campaignId: 'c1', step: 0, arm: 'B', segmentId: 's2', hour: H11, ...zero, conversions: 1, revenue: 40 });
    expect(plan.orders).toEqual([{ eventId: orderId, attribution: credit }]);
    expect(plan.rollups).toHaveLength(4);
  });

  it('keeps clicks per link and the new touch bits', () => {
    expect(plan.links).toEqual([
      { campaignId: 'c1', linkId: 'L1', url: 'https://shop.test/a', clicksRaw: 2, clicksHuman: 1 },
      { campaignId: 'c1', linkId: 'L2', url: 'https://shop.test/b', clicksRaw: 1, clicksHuman: 1 },
    ]);
    // m1: open raw 1 + open human 2 + click raw 4 + click human 8 + unsubscribe 64; m2: 4 before, + 8 + bounce 16 + complaint 32.
    expect(new Map(plan.touches.map((t) => [t.key, t.bits]))).toEqual(new Map([['m1', 79], ['m2', 60]]));
  });

  it('counts nothing again for touches recorded before, and a bounce only for a sent message', () => {
    const again = foldBatch([ev('Email Opened', '12:00', { campaign_id: 'c1', email_id: 'm1' }),
      ev('Email Bounced', '12:01', { campaign_id: 'c1', message_id: 'm3' })], {
      sends: new Map([...sends, ['m3', { ...send('m3', 'p3', 'A', 's1'), state: 'failed' }]]), sentTo: new Map(),
      touches: new Map([['m1', 79]]), attributions: new Map(),
    });
    expect(again.rollups).toEqual([{ campaignId: 'c1', step: 0, arm: 'A', segmentId: 's1', hour: at('12:00'), ...zero, opensRaw: 1, opensHuman: 1 }]);
    expect(again.touches).toEqual([]);
  });
});
