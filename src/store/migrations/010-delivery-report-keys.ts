import type { MigrationDdl } from './types.ts';

/**
 * Bounce and complaint intake (core/campaigns/report-intake.ts): each report's dedupe key, unique,
 * so a retried webhook or a mailbox imported twice is recorded once; the campaign and profile it
 * was matched to (for reports per campaign); and the look-ups intake makes: sends by recipient
 * address (lower-cased, as reports give it) and soft bounces per address within a window.
 */
export const deliveryReportKeys: MigrationDdl = () => [
  `ALTER TABLE delivery_reports ADD COLUMN report_key TEXT`,
  `ALTER TABLE delivery_reports ADD COLUMN campaign_id TEXT`,
  `ALTER TABLE delivery_reports ADD COLUMN profile_id TEXT`,
  `CREATE UNIQUE INDEX delivery_reports_key ON delivery_reports (report_key)`,
  `CREATE INDEX delivery_reports_email_kind ON delivery_reports (email, kind, at)`,
  `CREATE INDEX sends_email_lower ON sends (lower(email))`,
];
