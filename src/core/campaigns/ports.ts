import type { CampaignSpec } from '../schemas/campaign.ts';

/**
 * What campaigns and the sender need from the outside: the campaign records, the send queue (a
 * table: the database is the queue), the facts about recipients that suppression and caps read,
 * and a Mailer. Implemented in src/store/campaigns and src/delivery; wired in src/wiring/campaigns.ts.
 */
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled';
export type CampaignKind = 'broadcast' | 'triggered' | 'transactional';

export interface CampaignRecord {
  id: string;
  name: string;
  kind: CampaignKind;
  status: CampaignStatus;
  spec: CampaignSpec;
  /** Where resolving the current occurrence's audience got to (a profile id), and whether it is done. */
  audienceCursor: string | null;
  audienceDone: boolean;
  /** The current occurrence ('' for a one-off broadcast, the run's ISO time for a recurring one). */
  occurrence: string | null;
  /** When a scheduled or recurring campaign next starts an occurrence. */
  nextRunAt: number | null;
  /** Template name → the version pinned at launch, so every recipient gets what was previewed. */
  pinned: Record<string, number>;
  launchedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Every state a (campaign, occurrence, step, recipient) row can be in. `cancelled`: the campaign was cancelled first. */
export const SEND_STATES = ['queued', 'rendering', 'sending', 'sent', 'deferred', 'suppressed', 'failed', 'cancelled'] as const;
export type SendState = (typeof SEND_STATES)[number];
export const PENDING_STATES: readonly SendState[] = ['queued', 'deferred'];

export interface SendRow {
  id: number;
  campaignId: string;
  occurrence: string;
  step: number;
  profileId: string;
  messageId: string;
  state: SendState;
  dueAt: number;
  attempts: number;
  reason: string | null;
  detail: string | null;
  arm: string | null;
  email: string | null;
  inDoubt: boolean;
  leaseOwner: string | null;
  leaseUntil: number | null;
  sentAt: number | null;
  response: string | null;
  /** Triggered campaigns: when the trigger happened (the exit condition looks after it). */
  triggerAt: number | null;
  /** What the message renders with besides the profile: the trigger event (`event`), a transactional message's `data`. */
  payload: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

export type NewSend = Pick<SendRow, 'campaignId' | 'occurrence' | 'step' | 'profileId' | 'messageId' | 'dueAt' | 'arm' | 'triggerAt'>
  & { state?: 'queued' | 'suppressed'; reason?: string | null; email?: string | null; payload?: Record<string, unknown> | null;
    /** The include segment that brought the recipient (a broadcast's audience), for the report's per-segment breakdown. */
    segmentId?: string | null;
    /** Send-time optimisation's choice for this row (core/sto): the window, the slot sent at, the best slot, and the propensity. */
    sendTime?: { start: number; hours: number; slot: number; best: number; propensity: number } | undefined };

/** How one claimed row ends (or is put back): only the fields given change. */
export interface SendUpdate {
  id: number;
  state: SendState;
  reason?: string | null;
  detail?: string | null;
  dueAt?: number;
  attempts?: number;
  sentAt?: number | null;
  response?: string | null;
  email?: string | null;
  inDoubt?: boolean;
}

export interface CampaignStore {
  list(): Promise<CampaignRecord[]>;
  find(idOrName: string): Promise<CampaignRecord | null>;
  /** Throws a conflict if the name is taken. */
  insert(r: CampaignRecord): Promise<void>;
  update(r: CampaignRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** Live campaigns whose next occurrence is due (scheduled or recurring). */
  due(now: number): Promise<CampaignRecord[]>;
  /** Campaigns that are sending and whose audience is still being resolved. */
  resolving(): Promise<CampaignRecord[]>;
  /** Campaigns that are sending, other than the built-in transactional ones (read every round of the send loop). */
  sending(): Promise<CampaignRecord[]>;
  /** Rows per state, of one campaign (all occurrences). */
  counts(campaignId: string): Promise<Record<SendState, number>>;
  /** How many of the campaign's rows are queued and due by `now`, counting up to `cap` at most. */
  dueBacklog(campaignId: string, now: number, cap: number): Promise<number>;
  /** Whether any row of the campaign is still to be sent (queued, deferred, rendering, sending): an index seek, run every round. */
  hasUnsettled(campaignId: string): Promise<boolean>;
  /** Suppression and failure reasons with their counts. */
  reasons(campaignId: string): Promise<{ state: SendState; reason: string; count: number }[]>;
  /** When the campaign's first and last messages were sent (null: none yet), for its report. */
  sentSpan(campaignId: string): Promise<{ first: number | null; last: number | null }>;
  /** One recipient's rows in a campaign (for explain). */
  sendsOf(campaignId: string, profileId: string): Promise<SendRow[]>;
  /** The send with this Message-ID (without angle brackets). */
  sendByMessageId(messageId: string): Promise<SendRow | null>;
  /** A page of one campaign's rows, by id. */
  sends(campaignId: string, page: { limit: number; after?: number | undefined; state?: SendState | undefined }): Promise<SendRow[]>;
}

export interface SendQueue {
  /** Inserts rows (ignoring ones that exist) and, in the same transaction, records how far the audience got. */
  enqueue(rows: readonly NewSend[], progress?: { campaignId: string; cursor: string | null; done: boolean; at: number }): Promise<number>;
  /**
   * Claims up to `limit` due rows (queued or deferred, due_at <= now) of campaigns that are
   * sending: they become `rendering`, leased to `owner` until `leaseUntil`. Two senders never
   * claim the same row (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer).
   */
  claim(owner: string, now: number, limit: number, leaseUntil: number): Promise<SendRow[]>;
  /** Marks rows `sending` (durably: committed before the transport is called). */
  markSending(ids: readonly number[], owner: string, leaseUntil: number, at: number): Promise<void>;
  /** Applies outcomes; a row leased by someone else (a lease that expired and was taken over) is left alone. */
  settle(owner: string, updates: readonly SendUpdate[], at: number): Promise<void>;
  /** Rows in `rendering` or `sending` (leased), oldest lease first: the reconciler picks the expired ones and those of dead owners. */
  leased(limit: number): Promise<SendRow[]>;
  /** Extends the lease of every row `owner` holds; returns how many. */
  renew(owner: string, leaseUntil: number): Promise<number>;
  /** Takes rows over from their old owner (compare-and-set on lease_owner); returns the ids taken. */
  takeOver(rows: readonly { id: number; owner: string | null }[], owner: string, leaseUntil: number, now: number): Promise<number[]>;
  /** The earliest due time of a pending row of a sending campaign, or null. */
  nextDue(): Promise<number | null>;
  /** Moves a campaign's pending rows to `cancelled`; returns how many. */
  cancelPending(campaignId: string, at: number): Promise<number>;
  /** Send times (state sent, and rows leased for sending) of these profiles since `since`, for caps. */
  recentSends(profileIds: readonly string[], since: number, campaignId?: string): Promise<Map<string, { at: number; campaignId: string }[]>>;
}

export interface Suppression { kind: 'address' | 'domain'; value: string; reason: string; source: string; detail: string | null; createdAt: number }

export interface SuppressionStore {
  /** Adds or replaces entries; returns how many were new. */
  add(entries: readonly Omit<Suppression, 'createdAt'>[], at: number): Promise<number>;
  remove(kind: Suppression['kind'], value: string): Promise<boolean>;
  list(page: { limit: number; after?: string | undefined }): Promise<Suppression[]>;
  /** The entry that blocks each address (by address, then by its domain). */
  match(emails: readonly string[]): Promise<Map<string, Suppression>>;
}

/** What suppression, caps and rendering read about one recipient. */
export interface RecipientFacts {
  profileId: string;
  /** Null for an erased or merged-away profile. */
  exists: boolean;
  email: string | null;
  zone: string | undefined;
  traits: Record<string, unknown>;
  /** purpose → granted (`email_marketing`, `email:<topic>`). */
  consents: Map<string, boolean>;
  /** Names of the segments (of those asked about) the profile is in now. */
  segments: Set<string>;
}

export interface RecipientLookup {
  facts(profileIds: readonly string[], segments: readonly string[]): Promise<Map<string, RecipientFacts>>;
  /** Whether the profile had an event named `name` after `since` passing `where` (triggered campaigns' exit condition). */
  hadEvent(profileId: string, name: string, since: number, where?: readonly unknown[]): Promise<boolean>;
  /** The properties of the profile's events named `name` after `since`, oldest first, at most `limit`. */
  eventsSince(profileId: string, name: string, since: number, limit: number): Promise<Record<string, unknown>[]>;
}

/** One message, ready for a transport. */
export interface OutgoingMessage {
  messageId: string;
  from: string;
  replyTo?: string | undefined;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers: List-Unsubscribe, List-Unsubscribe-Post, Feedback-ID, X-Tailor-Message, Precedence. */
  headers: Record<string, string>;
}

export type MailResult =
  | { ok: true; response: string }
  /** `permanent`: a 5xx (the address bounced hard); otherwise retry later. */
  | { ok: false; permanent: boolean; code: number | null; response: string };

/** The sender's transport (src/delivery: outbox, SMTP). */
export interface Mailer {
  readonly name: string;
  send(m: OutgoingMessage): Promise<MailResult>;
  /**
   * For rows a dead sender left in `sending`: the ids the transport knows it accepted. `null`
   * when it cannot know (SMTP keeps no record: see reconcile.ts).
   */
  accepted(messageIds: readonly string[]): Promise<Set<string> | null>;
  close(): Promise<void>;
}
