import type { SendTimeChoice, WindowSpec } from './plan.ts';
import type { StoModel } from './model.ts';

/** What send-time optimisation needs from the store (src/store/sto/sto-store.ts). */

/** How profiles are grouped for the middle level of the prior. */
export const GROUP_BY = ['cluster', 'timezone', 'none'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** A live profile with its human opens and clicks (times, epoch ms) in a fit's span. */
export interface EngagementHistory { profileId: string; zone: string | undefined; group: string; times: number[] }

/** A profile's counts per local bin, as of the last fit. */
export interface ProfileHours { profileId: string; group: string; counts: number[]; events: number }

/** An optimised send that was sent, with its logged choice and its outcome. */
export interface LoggedSendRow {
  campaignId: string;
  profileId: string;
  zone: string | undefined;
  start: number;
  hours: number;
  slot: number;
  best: number;
  propensity: number;
  sentAt: number;
  /** A human click on the message within 24 h of sent_at. */
  clicked: boolean;
}

export interface StoStore {
  /** Live profiles after `after` in id order (at most `limit`), with their human opens and clicks in (since, until]. */
  engagement(q: { since: number; until: number; groupBy: GroupBy; after: string | null; limit: number }): Promise<EngagementHistory[]>;
  saveProfileHours(rows: readonly ProfileHours[], fittedAt: number): Promise<void>;
  /** Drops the counts of profiles a fit did not write (no longer live, or no history). */
  dropProfileHoursBefore(fittedAt: number): Promise<number>;
  profileHours(profileIds: readonly string[]): Promise<Map<string, ProfileHours>>;
  saveModel(id: string, model: StoModel): Promise<void>;
  latestModel(): Promise<StoModel | null>;
  /** Sent optimised sends (of one campaign, or all), with their outcome. */
  loggedSends(campaignId: string | null): Promise<LoggedSendRow[]>;
}

/** What a campaign's audience resolution needs to schedule recipients at their hours (StoService implements it). */
export interface SendTimePlanner {
  /** Each recipient's choice; the campaign writes it on the send row as it queues it (sends.sto_*). */
  plan(w: WindowSpec, recipients: readonly { profileId: string; zone: string | undefined }[]): Promise<SendTimeChoice[]>;
}
