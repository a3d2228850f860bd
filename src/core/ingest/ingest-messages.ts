import { identityKey, type Identity } from '../identity/identity-keys.ts';
import type { NormalizeOptions } from '../identity/normalize-traits.ts';
import type { Clock, IngestStore } from '../ports.ts';
import type { Message } from '../schemas/segment-message.ts';
import { messageIdentities, planBatch, previousIdentities } from './plan-batch.ts';

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
    return {
      received: messages.length,
      stored: plan.events.length,
      duplicates: messages.length - plan.events.length,
      profilesCreated: plan.profiles.filter((p) => p.isNew).length,
      merges: plan.changes.filter((c) => c.kind === 'merge').length,
      traitChanges: plan.changes.filter((c) => c.kind === 'trait_set' || c.kind === 'trait_unset').length,
      qualityIssues: plan.quality.length,
    };
  });
}
