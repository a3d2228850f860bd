import { identityKey, type Identity } from '../identity/identity-keys.ts';
import type { NormalizeOptions } from '../identity/normalize-traits.ts';
import { updateFeatures } from '../features/update-features.ts';
import type { Clock, IngestStore } from '../ports.ts';
import { updateConsents } from '../privacy/consent-state.ts';
import type { Message } from '../schemas/segment-message.ts';
import { messageIdentities, planBatch, previousIdentities, type BatchPlan } from './plan-batch.ts';

export interface IngestDeps {
  store: IngestStore;
  clock: Clock;
  newProfileId: () => string;
  normalize: NormalizeOptions;
}

export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
  profilesCreated: number;
  merges: number;
  traitChanges: number;
  qualityIssues: number;
  /** The live profiles the batch changed, with what changed: the real-time segment engine re-evaluates these. */
  touched: TouchedProfile[];
  /** Profiles merged into others by the batch. */
  mergedAway: string[];
}

export interface TouchedProfile {
  profileId: string;
  /** Top-level trait keys set or unset (`address` for `address.city`). */
  traits: string[];
  /** Names of the events stored: track event names, page and screen names. */
  events: string[];
  /** Consent purposes whose record was created or whose grant flipped. */
  consents: string[];
  /** The profile survived a merge: its events and traits may have changed wholesale. */
  merged: boolean;
  /** The batch created the profile. */
  created: boolean;
}

/**
 * The "ingest a batch" use case: one transaction that skips messages already stored (by messageId),
 * resolves identities, merges profiles, applies traits and stores the events. All or nothing.
 */
export async function ingestMessages(messages: Message[], deps: IngestDeps): Promise<IngestResult> {
  const seen = new Set<string>();
  const unique = messages.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));
  const idents = new Map<string, Identity>();
  for (const m of unique) {
    for (const i of messageIdentities(m)) idents.set(identityKey(i), i);
    for (const i of previousIdentities(m)) idents.set(identityKey(i), i);
  }
  return deps.store.transaction(async (tx) => {
    // Identities first: a store may serialise concurrent batches about the same people there
    // (PostgreSQL takes locks), so that the duplicate check below sees what such a batch committed.
    // Identities of messages that turn out to be duplicates are looked up too; the plan ignores them.
    const found = idents.size ? await tx.lookupIdentities([...idents.values()]) : new Map<string, string>();
    const existing = unique.length ? await tx.existingMessageIds(unique.map((m) => m.messageId)) : new Set<string>();
    const todo = existing.size ? unique.filter((m) => !existing.has(m.messageId)) : unique;
    const profiles = found.size ? await tx.loadProfiles([...new Set(found.values())]) : new Map();
    const plan = planBatch(todo, { identities: found, profiles }, {
      now: deps.clock.now(), newProfileId: deps.newProfileId, normalize: deps.normalize,
    });
    await tx.apply(plan);
    await updateFeatures(tx, plan);
    const consents = await updateConsents(tx, plan);
    return {
      received: messages.length,
      stored: plan.events.length,
      duplicates: messages.length - plan.events.length,
      profilesCreated: plan.profiles.filter((p) => p.isNew).length,
      merges: plan.changes.filter((c) => c.kind === 'merge').length,
      traitChanges: plan.changes.filter((c) => c.kind === 'trait_set' || c.kind === 'trait_unset').length,
      qualityIssues: plan.quality.length,
      touched: touchedProfiles(plan, consents),
      mergedAway: plan.profiles.filter((p) => p.profile.mergedInto).map((p) => p.profile.id),
    };
  });
}

function touchedProfiles(plan: BatchPlan, consents: Map<string, string[]>): TouchedProfile[] {
  const byId = new Map<string, { traits: Set<string>; events: Set<string>; merged: boolean; created: boolean }>();
  for (const { profile, isNew } of plan.profiles) {
    if (!profile.mergedInto) byId.set(profile.id, { traits: new Set(), events: new Set(), merged: false, created: isNew });
  }
  for (const c of plan.changes) {
    const t = byId.get(c.profileId);
    if (!t) continue;
    if ((c.kind === 'trait_set' || c.kind === 'trait_unset') && c.field) t.traits.add(c.field.split('.')[0]!);
    else if (c.kind === 'merge') t.merged = true;
  }
  for (const e of plan.events) {
    if (e.name !== null && (e.type === 'track' || e.type === 'page' || e.type === 'screen')) byId.get(e.profileId)?.events.add(e.name);
  }
  return [...byId].map(([profileId, t]) => ({
    profileId, traits: [...t.traits], events: [...t.events], consents: consents.get(profileId) ?? [], merged: t.merged, created: t.created,
  }));
}
