import { describe, expect, it } from 'vitest';
import type { CampaignReport } from '../campaigns/campaign-document.ts';
import type { CampaignRecord } from '../campaigns/ports.ts';
import { baseReport, buildReport } from './campaign-report.ts';
import type { RollupRow, SendGroup } from './report-ports.ts';

const H = Date.parse('2026-03-10T10:00:00Z');
const base = { campaign: { id: 'c1', name: 'spring' }, counts: {}, total: 0, delivered: 0, reasons: [], firstSentAt: null, lastSentAt: null, note: '' } as unknown as CampaignReport;
const zero = { opensRaw: 0, opensHuman: 0, uniqueOpensRaw: 0, uniqueOpensHuman: 0, clicksRaw: 0, clicksHuman: 0, uniqueClicksRaw: 0,
  uniqueClicksHuman: 0, unsubscribes: 0, complaints: 0, bounces: 0, conversions: 0, revenue: 0 };
const group = (state: string, count: number, extra: Partial<SendGroup> = {}): SendGroup =>
  ({ step: 0, arm: null, segmentId: null, state, reason: null, count, ...extra });
const rollup = (x: Partial<RollupRow>): RollupRow => ({ campaignId: 'c1', step: 0, arm: '', segmentId: '', hour: H, ...zero, ...x });

const report = (complaints: number) => buildReport(base, {
  groups: [group('sent', 1003), group('suppressed', 7, { reason: 'no_consent' }), group('suppressed', 2, { reason: 'holdout' }), group('failed', 1)],
  sentHours: [{ hour: H, count: 1003, first: H, last: H + 60_000 }],
  rollups: [rollup({ bounces: 3, uniqueOpensHuman: 400, uniqueClicksHuman: 50, complaints, conversions: 4, revenue: 250 })],
  links: [], segmentNames: new Map(), windows: { clickDays: 5, openDays: 1 }, incremental: null,
});

describe('buildReport', () => {
  it('derives delivered, CTR, CTOR and revenue per recipient by hand', () => {
    const m = report(0).metrics;
    // 1003 sent - 3 bounced = 1000 delivered; 50/1000 CTR, 50/400 CTOR, 250/1000 per recipient.
    expect(m).toMatchObject({ sent: 1003, delivered: 1000, bounced: 3, suppressed: 9, suppressedByReason: { no_consent: 7, holdout: 2 }, failed: 1,
      ctr: 0.05, ctor: 0.125, revenuePerRecipient: 0.25, complaintRate: 0, complaintLevel: 'ok' });
    expect(m.sent).toBe(m.delivered + m.bounced);
  });

  it('warns from 0.1 % complaints and alerts from 0.3 %', () => {
    expect(report(0).warnings).toEqual([]);
    expect(report(1).metrics.complaintLevel).toBe('warning');
    expect(report(1).warnings[0]).toMatch(/^warning: the complaint rate is 0.10 %/);
    expect(report(2).metrics.complaintLevel).toBe('warning');
    expect(report(3).metrics.complaintLevel).toBe('alert');
  });

  it('leaves rates null where nothing was delivered', () => {
    const r = buildReport(base, { groups: [], sentHours: [], rollups: [], links: [], segmentNames: new Map(), windows: { clickDays: 5, openDays: 1 }, incremental: null });
    expect(r.metrics).toMatchObject({ sent: 0, delivered: 0, ctr: null, ctor: null, complaintRate: null, revenuePerRecipient: null });
    expect(r.hourly).toEqual([]);
  });
});

describe('baseReport', () => {
  it('gives the send-state report from the grouped count: states, reasons most first, first and last send', () => {
    const c = { id: 'c1', name: 'spring', kind: 'broadcast', status: 'sent', launchedAt: null, finishedAt: null } as unknown as CampaignRecord;
    const r = baseReport(c, [group('sent', 5), group('suppressed', 2, { reason: 'no_consent', arm: 'a' }), group('suppressed', 1, { reason: 'no_consent', arm: 'b' }),
      group('failed', 4, { reason: 'hard_bounce' }), group('queued', 1)],
    [{ hour: H, count: 3, first: H + 5, last: H + 9 }, { hour: H + 3_600_000, count: 2, first: H + 3_600_000, last: H + 3_600_007 }]);
    expect(r).toMatchObject({ total: 13, delivered: 5, counts: { sent: 5, suppressed: 3, failed: 4, queued: 1, deferred: 0 },
      reasons: [{ state: 'failed', reason: 'hard_bounce', count: 4 }, { state: 'suppressed', reason: 'no_consent', count: 3 }],
      firstSentAt: '2026-03-10T10:00:00.005Z', lastSentAt: '2026-03-10T11:00:00.007Z' });
  });
});
