import { identityKey, type Identity } from '../identity/identity-keys.ts';
import { normalizeEmail } from '../identity/email.ts';
import { normalizeTraits, type NormalizeOptions } from '../identity/normalize-traits.ts';
import { applyTraits, mergeTraits, type TraitChange } from '../identity/trait-merge.ts';
import { fitTraits, TOO_LARGE, TOO_MANY_KEYS, traitsBytes } from '../identity/trait-limits.ts';
import type { Message } from '../schemas/segment-message.ts';
import type { ChangeEntry, NewIdentity, ProfileState, QualityEntry, StoredEvent } from '../schemas/profile.ts';

/** What the store already holds for the identities a batch mentions. */
export interface LoadedState {
  /** identity key (`kind:value`) → live profile id */
  identities: Map<string, string>;
  profiles: Map<string, ProfileState>;
}

export interface ProfileWrite { profile: ProfileState; isNew: boolean }

/** Everything one batch writes. The store applies it in one transaction. */
export interface BatchPlan {
  /** When the batch was planned (epoch ms). */
  at: number;
  profiles: ProfileWrite[];
  /** Merges of profiles that already exist in the store: their events and identities move. */
  merges: { from: string; into: string }[];
  identities: NewIdentity[];
  events: StoredEvent[];
  changes: ChangeEntry[];
  quality: QualityEntry[];
}

export interface PlanContext {
  now: number;
  newProfileId: () => string;
  normalize: NormalizeOptions;
}

/** The identities a message carries. Alias carries previousId under both kinds it may be. */
export function messageIdentities(m: Message): Identity[] {
  const ids: Identity[] = [];
  if (m.userId) ids.push({ kind: 'user_id', value: m.userId });
  if (m.anonymousId) ids.push({ kind: 'anonymous_id', value: m.anonymousId });
  const email = m.type === 'identify' ? m.traits?.email : (m.context?.traits as Record<string, unknown> | undefined)?.email;
  if (email !== undefined && email !== null) {
    const e = normalizeEmail(email);
    // Matching is case-insensitive in practice (mailbox providers ignore local-part case), so the
    // identity is the lower-cased address; the email trait keeps the local part as it was given.
    if (e.ok) ids.push({ kind: 'email', value: e.value.toLowerCase() });
  }
  return ids;
}

export function previousIdentities(m: Message): Identity[] {
  if (m.type !== 'alias' || !m.previousId) return [];
  return [{ kind: 'user_id', value: m.previousId }, { kind: 'anonymous_id', value: m.previousId }];
}

/**
 * Plans a batch of messages against the loaded state: resolves each message to one profile,
 * creating or merging profiles as its identities demand, applies identify traits under the
 * latest-timestamp policy, and collects the events, change-log rows and data-quality issues.
 * Pure: all randomness and time come from `ctx`.
 */
export function planBatch(messages: Message[], state: LoadedState, ctx: PlanContext): BatchPlan {
  const identities = new Map(state.identities);
  const profiles = new Map<string, ProfileState>();
  for (const [id, p] of state.profiles) profiles.set(id, clone(p));
  const fresh = new Set<string>();
  const dirty = new Set<string>();
  const existingMerges: { from: string; into: string }[] = [];
  const newIdentities = new Map<string, NewIdentity>();
  const changes: ChangeEntry[] = [];
  const quality: QualityEntry[] = [];
  const events: StoredEvent[] = [];
  /** Serialised traits size per profile written in this batch (trait-limits.ts), measured once. */
  const sizes = new Map<string, number>();

  const live = (id: string): string => {
    let cur = id;
    for (let p = profiles.get(cur); p?.mergedInto; p = profiles.get(cur)) cur = p.mergedInto;
    return cur;
  };

  const logTraits = (profileId: string, list: TraitChange[], source: string, messageId: string | null) => {
    for (const c of list) {
      changes.push({
        profileId, kind: c.newValue === null ? 'trait_unset' : 'trait_set', field: c.field,
        oldValue: c.oldValue ?? null, newValue: c.newValue, source, messageId, at: ctx.now,
      });
    }
  };

  const merge = (fromId: string, intoId: string, m: Message) => {
    const from = profiles.get(fromId)!;
    const into = profiles.get(intoId)!;
    const traitChanges = mergeTraits({ traits: into.traits, stamps: into.stamps }, { traits: from.traits, stamps: from.stamps });
    into.firstSeenAt = Math.min(into.firstSeenAt, from.firstSeenAt);
    into.lastSeenAt = Math.max(into.lastSeenAt, from.lastSeenAt);
    into.createdAt = Math.min(into.createdAt, from.createdAt);
    from.mergedInto = intoId;
    sizes.delete(intoId);
    dirty.add(fromId).add(intoId);
    for (const [k, pid] of identities) if (pid === fromId) identities.set(k, intoId);
    for (const ni of newIdentities.values()) if (ni.profileId === fromId) ni.profileId = intoId;
    if (!fresh.has(fromId)) existingMerges.push({ from: fromId, into: intoId });
    changes.push({ profileId: intoId, kind: 'merge', field: null, oldValue: fromId, newValue: intoId, source: m.source, messageId: m.messageId, at: ctx.now });
    logTraits(intoId, traitChanges, 'merge', m.messageId);
  };

  // Oldest profile survives a merge (by creation, then id), so repeated merges converge.
  const older = (a: string, b: string) => {
    const pa = profiles.get(a)!;
    const pb = profiles.get(b)!;
    return pa.createdAt < pb.createdAt || (pa.createdAt === pb.createdAt && a < b) ? a : b;
  };

  for (const m of messages) {
    const ids = messageIdentities(m);
    const prev = previousIdentities(m);
    const found = new Set<string>();
    for (const i of ids) {
      const pid = identities.get(identityKey(i));
      if (pid) found.add(live(pid));
    }
    let target: string;
    if (found.size === 0) {
      target = ctx.newProfileId();
      profiles.set(target, { id: target, traits: {}, stamps: {}, firstSeenAt: m.timestamp, lastSeenAt: m.timestamp, createdAt: ctx.now });
      fresh.add(target);
    } else {
      target = [...found].reduce(older);
      for (const other of found) if (other !== target) merge(other, target, m);
    }
    // alias: the previousId's profile merges into the userId's profile. The previousId is then held
    // under both kinds it may be (user or anonymous id), whether or not it was known before, so that
    // events about it that arrive later still land on the user and arrival order does not matter.
    for (const i of prev) {
      const pid = identities.get(identityKey(i));
      if (pid && live(pid) !== target) merge(live(pid), target, m);
    }
    ids.push(...prev);
    for (const i of ids) {
      const k = identityKey(i);
      if (identities.get(k) !== target) {
        identities.set(k, target);
        newIdentities.set(k, { ...i, profileId: target });
        changes.push({ profileId: target, kind: 'identity_added', field: i.kind, oldValue: null, newValue: i.value, source: m.source, messageId: m.messageId, at: ctx.now });
      }
    }
    const p = profiles.get(target)!;
    p.firstSeenAt = Math.min(p.firstSeenAt, m.timestamp);
    p.lastSeenAt = Math.max(p.lastSeenAt, m.timestamp);
    dirty.add(target);

    if (m.type === 'identify' && m.traits) {
      const { traits, issues } = normalizeTraits(m.traits, { ...ctx.normalize, stored: p.traits });
      for (const q of issues) quality.push({ profileId: target, messageId: m.messageId, field: `traits.${q.field}`, value: q.value, reason: q.reason, source: m.source, at: ctx.now });
      const fit = fitTraits(p.traits, traits, sizes.get(target) ?? traitsBytes(p.traits));
      sizes.set(target, fit.bytes);
      // One row per message and limit, naming the keys left out (the first 20 of them): the report
      // groups by field and reason, and a row per key would itself grow without bound.
      for (const [keys, reason] of [[fit.tooMany, TOO_MANY_KEYS], [fit.tooLarge, TOO_LARGE]] as const) {
        if (keys.length) quality.push({ profileId: target, messageId: m.messageId, field: 'traits', value: { keys: keys.slice(0, 20), count: keys.length }, reason, source: m.source, at: ctx.now });
      }
      logTraits(target, applyTraits(p.traits, p.stamps, fit.traits, [m.timestamp, m.messageId]), m.source, m.messageId);
    }
    events.push({
      messageId: m.messageId,
      profileId: target,
      type: m.type,
      name: m.type === 'track' ? m.event! : m.type === 'group' ? m.groupId! : m.type === 'alias' ? m.previousId! : (m.name ?? null),
      userId: m.userId ?? null,
      anonymousId: m.anonymousId ?? null,
      timestamp: m.timestamp,
      receivedAt: m.receivedAt,
      sentAt: m.sentAt ?? null,
      originalTimestamp: m.originalTimestamp ?? null,
      properties: (m.type === 'identify' || m.type === 'group' ? m.traits : m.properties) ?? {},
      context: m.context ?? null,
      integrations: m.integrations ?? null,
      source: m.source,
    });
  }

  for (const e of events) e.profileId = live(e.profileId);
  for (const c of changes) c.profileId = live(c.profileId);
  for (const q of quality) if (q.profileId) q.profileId = live(q.profileId);
  for (const mg of existingMerges) mg.into = live(mg.into);

  return {
    at: ctx.now,
    profiles: [...dirty].map((id) => ({ profile: profiles.get(id)!, isNew: fresh.has(id) })),
    merges: existingMerges,
    identities: [...newIdentities.values()],
    events,
    changes,
    quality,
  };
}

function clone(p: ProfileState): ProfileState {
  return { ...p, traits: structuredClone(p.traits), stamps: { ...p.stamps } };
}
