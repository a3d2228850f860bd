import type { CampaignSpec } from '../schemas/campaign.ts';
import type { CampaignKind, CampaignRecord, CampaignStatus, SendRow, SendState } from './ports.ts';

/**
 * The JSON shapes of campaigns, their sends and their report, shared by the HTTP API and the CLI.
 * Times are ISO 8601 strings (or null), never epoch milliseconds; the store's bookkeeping (audience
 * cursor, leases, payloads) stays out.
 */
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export type CampaignDocument = Omit<CampaignSpec, 'name' | 'kind'> & {
  id: string;
  name: string;
  kind: CampaignKind;
  status: CampaignStatus;
  /** Rows per state; absent in lists (a count per campaign is a query per campaign). */
  counts?: Record<SendState, number>;
  /** Template name → the version pinned at launch. */
  pinned: Record<string, number>;
  /** The current occurrence: '' for a one-off broadcast, the run's ISO time for a recurring one. */
  occurrence: string | null;
  nextRunAt: string | null;
  launchedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export function campaignDocument(c: CampaignRecord, counts?: Record<SendState, number>): CampaignDocument {
  const { name: _name, kind: _kind, ...spec } = c.spec;
  return {
    id: c.id, name: c.name, kind: c.kind, status: c.status, ...spec, ...(counts ? { counts } : {}),
    pinned: c.pinned, occurrence: c.occurrence, nextRunAt: iso(c.nextRunAt), launchedAt: iso(c.launchedAt), finishedAt: iso(c.finishedAt),
    createdAt: iso(c.createdAt)!, updatedAt: iso(c.updatedAt)!,
  };
}

export interface SendDocument {
  id: number;
  profileId: string;
  email: string | null;
  occurrence: string;
  step: number;
  arm: string | null;
  state: SendState;
  reason: string | null;
  detail: string | null;
  messageId: string;
  attempts: number;
  dueAt: string;
  sentAt: string | null;
  /** The transport's answer to the last attempt. */
  response: string | null;
  /** Sent after a crash whose outcome the transport could not confirm (reconcile.ts). */
  inDoubt: boolean;
  updatedAt: string;
}

export const sendDocument = (r: SendRow): SendDocument => ({
  id: r.id, profileId: r.profileId, email: r.email, occurrence: r.occurrence, step: r.step, arm: r.arm, state: r.state, reason: r.reason,
  detail: r.detail, messageId: r.messageId, attempts: r.attempts, dueAt: iso(r.dueAt)!, sentAt: iso(r.sentAt), response: r.response,
  inDoubt: r.inDoubt, updatedAt: iso(r.updatedAt)!,
});

export interface CampaignReport {
  campaign: { id: string; name: string; kind: CampaignKind; status: CampaignStatus; launchedAt: string | null; finishedAt: string | null };
  counts: Record<SendState, number>;
  /** Rows in all. */
  total: number;
  /** Messages the transport accepted (a bounce reported later suppresses the address; it is not subtracted here). */
  delivered: number;
  reasons: { state: SendState; reason: string; count: number }[];
  firstSentAt: string | null;
  lastSentAt: string | null;
  note: string;
}

export function campaignReport(c: CampaignRecord, counts: Record<SendState, number>, reasons: CampaignReport['reasons'],
  span: { first: number | null; last: number | null }): CampaignReport {
  return {
    campaign: { id: c.id, name: c.name, kind: c.kind, status: c.status, launchedAt: iso(c.launchedAt), finishedAt: iso(c.finishedAt) },
    counts, total: Object.values(counts).reduce((a, b) => a + b, 0), delivered: counts.sent, reasons,
    firstSentAt: iso(span.first), lastSentAt: iso(span.last),
    note: 'opens, clicks and conversions are not tracked yet (they come with open and click tracking); delivered counts messages the transport accepted',
  };
}
