import type { LinkRow, ReportQueriesPort, RollupRow, SendGroup, SentHour } from '../../core/tracking/report-ports.ts';
import { ROLLUP_COUNTERS } from '../../core/tracking/report-ports.ts';
import { HOUR_MS } from '../../core/tracking/report-rollup.ts';
import { fromTs, toInt } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

const snake = (s: string) => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

/**
 * The campaign report's reads. The send states are one grouped count over the campaign's rows,
 * which the covering index `sends_report` (migration 012) serves without reading the table: its
 * cost grows with the campaign's rows (measured in bench/report.bench.ts). Everything else comes
 * from the rollups, a few rows per (step, arm, segment, hour).
 */
export function createReportQueries(db: Database): ReportQueriesPort {
  return {
    // In the index's column order, so that SQLite groups as it reads (no temporary B-tree).
    sendGroups: async (campaignId) => {
      const rows = await db.read<{ step: unknown; arm: string | null; segment_id: string | null; state: string; reason: string | null; n: unknown }>(
        `SELECT state, step, arm, segment_id, reason, COUNT(*) AS n FROM sends WHERE campaign_id = ?
          GROUP BY state, step, arm, segment_id, reason`, [campaignId]);
      return rows.map((r): SendGroup => ({ step: toInt(r.step), arm: r.arm, segmentId: r.segment_id, state: r.state, reason: r.reason, count: toInt(r.n) }));
    },
    // sent_at is epoch ms (BIGINT) on both dialects, so integer division gives the hour on both.
    // The hours are not in index order: this one sorts the sent rows (the report's dearest read).
    sentHours: async (campaignId) => {
      const rows = await db.read<{ h: unknown; n: unknown; first: unknown; last: unknown }>(
        `SELECT sent_at / ${HOUR_MS} AS h, COUNT(*) AS n, MIN(sent_at) AS first, MAX(sent_at) AS last FROM sends
          WHERE campaign_id = ? AND state = 'sent' AND sent_at IS NOT NULL GROUP BY sent_at / ${HOUR_MS}`, [campaignId]);
      return rows.map((r): SentHour => ({ hour: toInt(r.h) * HOUR_MS, count: toInt(r.n), first: toInt(r.first), last: toInt(r.last) }));
    },
    rollups: async (campaignId) => {
      const rows = await db.read<Record<string, unknown>>('SELECT * FROM report_rollups WHERE campaign_id = ?', [campaignId]);
      return rows.map((r) => ({
        campaignId: r.campaign_id as string, step: toInt(r.step), arm: r.arm as string, segmentId: r.segment_id as string, hour: fromTs(r.hour),
        ...Object.fromEntries(ROLLUP_COUNTERS.map((k) => [k, Number(r[snake(k)] ?? 0)])),
      }) as RollupRow);
    },
    links: async (campaignId) => (await db.read<Record<string, unknown>>(
      'SELECT * FROM report_links WHERE campaign_id = ? ORDER BY clicks_human DESC, clicks_raw DESC, link_id, url', [campaignId]))
      .map((r): LinkRow => ({
        campaignId: r.campaign_id as string, linkId: r.link_id as string, url: r.url as string, clicksRaw: toInt(r.clicks_raw), clicksHuman: toInt(r.clicks_human),
      })),
    segmentNames: async (ids) => {
      const out = new Map<string, string>();
      if (!ids.length) return out;
      const f = inIds(db, 'id', [...ids]);
      for (const r of await db.read<{ id: string; name: string }>(`SELECT id, name FROM segments WHERE ${f.where}`, [f.param])) out.set(r.id, r.name);
      return out;
    },
  };
}
