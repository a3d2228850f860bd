import type { Traits } from '../identity/normalize-traits.ts';
import type { TraitStamps } from '../identity/trait-merge.ts';
import type { IdentityKind } from '../identity/identity-keys.ts';
import type { MessageType } from './segment-message.ts';

/** A profile as the ingest planner sees it. Times are epoch milliseconds. */
export interface ProfileState {
  id: string;
  traits: Traits;
  stamps: TraitStamps;
  firstSeenAt: number;
  lastSeenAt: number;
  createdAt: number;
  mergedInto?: string | undefined;
}

export interface StoredEvent {
  messageId: string;
  profileId: string;
  type: MessageType;
  /** track: event name; page/screen: page name; group: groupId; alias: previousId. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
  originalTimestamp: number | null;
  /** track/page/screen: properties; identify/group: the traits exactly as received (raw). */
  properties: Record<string, unknown>;
  context: Record<string, unknown> | null;
  integrations: Record<string, unknown> | null;
  source: string;
}

export type ChangeKind = 'trait_set' | 'trait_unset' | 'merge' | 'identity_added';

export interface ChangeEntry {
  profileId: string;
  kind: ChangeKind;
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  source: string;
  messageId: string | null;
  at: number;
}

export interface QualityEntry {
  profileId: string | null;
  messageId: string;
  field: string;
  value: unknown;
  reason: string;
  source: string;
  at: number;
}

export interface NewIdentity { kind: IdentityKind; value: string; profileId: string }
