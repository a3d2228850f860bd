import type { ReportLog } from '../../core/campaigns/report-intake.ts';
import { writeRows, type Column } from '../sql/bulk-write.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

const c = (name: string, pgType: string): Column => ({ name, pgType });
const COLUMNS = [c('report_key', 'text'), c('kind', 'text'), c('severity', 'text'), c('message_id', 'text'), c('campaign_id', 'text'),
  c('profile_id', 'text'), c('email', 'text'), c('status', 'text'), c('reason', 'text'), c('source', 'text'), c('at', 'int8')];
const CHUNK = 2000;

/** The `delivery_reports` table (migrations 008 and 010): one row per report, unique by its dedupe key. */
export function createReportLog(db: Database): ReportLog {
  const dialect = { dialect: db.dialect };
  return {
    known: async (keys) => {
      if (!keys.length) return new Set();
      const f = inIds(dialect, 'report_key', [...keys]);
      return new Set((await db.read<{ report_key: string }>(`SELECT report_key FROM delivery_reports WHERE ${f.where}`, [f.param])).map((r) => r.report_key));
    },

    record: async (rows) => {
      if (!rows.length) return;
      await db.transaction(async (sql) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          // A report recorded meanwhile (the same webhook retried while this one ran) stays as it was.
          await writeRows(sql, 'delivery_reports', COLUMNS, rows.slice(i, i + CHUNK).map((r) => [
            r.key, r.kind, r.severity, r.messageId, r.campaignId, r.profileId, r.email, r.status, r.reason, r.source, r.at,
          ]), 'ON CONFLICT (report_key) DO NOTHING');
        }
      }, { retries: 2 });
    },

    softBounces: async (emails, since) => {
      const out = new Map<string, Set<string>>();
      if (!emails.length) return out;
      const f = inIds(dialect, 'email', [...new Set(emails)]);
      const rows = await db.read<{ email: string; m: string }>(`SELECT DISTINCT email, COALESCE(message_id, report_key) AS m FROM delivery_reports
        WHERE ${f.where} AND kind = 'bounce' AND severity = 'soft' AND at >= ?`, [f.param, since]);
      for (const r of rows) {
        const set = out.get(r.email) ?? new Set<string>();
        set.add(r.m);
        out.set(r.email, set);
      }
      return out;
    },
  };
}
