/**
 * The read side of profiles, as the routes, the CLI and the template context read it
 * (implemented by src/store/profiles/profile-queries.ts).
 */
export interface ProfileQueriesPort {
  /** Resolves an internal id (following merges), a userId, an anonymousId or an email to the live profile id. */
  resolve(ref: ProfileRef): Promise<string | null>;
  get(id: string, lastEvents?: number): Promise<ProfileDocument | null>;
  /** Live profiles ordered by id, after `cursor`, optionally where traits equal the given values. */
  list(opts: { limit: number; cursor?: string | undefined; traits?: Record<string, string>; email?: string | undefined }):
    Promise<{ profiles: ProfileSummary[]; nextCursor: string | null }>;
  /** The change log of a profile, including the profiles merged into it, oldest first. */
  history(id: string, opts: { limit: number; cursor?: number | undefined }): Promise<{ changes: ChangeDocument[]; nextCursor: number | null }>;
}

export interface ProfileRef { id?: string; userId?: string; anonymousId?: string; email?: string }

export interface ProfileDocument {
  id: string;
  traits: Record<string, unknown>;
  identities: { kind: string; value: string }[];
  mergedFrom: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  createdAt: string;
  updatedAt: string;
  eventCounts: { total: number; byType: Record<string, number>; byName: Record<string, number> };
  lastEvents: EventDocument[];
  /** The rule-visible features (catalog.ts) at the time of the request, with the send-hour histogram and category counts. */
  features: { [name: string]: number | string | null | number[] | Record<string, number>; hourHistogram: number[]; categoryCounts: Record<string, number> };
  consents: Record<string, { granted: boolean; updatedAt: string }>;
}

export interface EventDocument {
  messageId: string;
  type: string;
  name: string | null;
  timestamp: string;
  receivedAt: string;
  properties: unknown;
  context: unknown;
}

export interface ProfileSummary {
  id: string;
  traits: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ChangeDocument {
  id: number;
  profileId: string;
  kind: string;
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  source: string;
  messageId: string | null;
  at: string;
}
