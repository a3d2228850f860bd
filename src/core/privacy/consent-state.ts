import { compareCodePoints } from '../features/code-point-order.ts';
import type { BatchPlan } from '../ingest/plan-batch.ts';

/** What the ingest transaction reads and writes of consent (see updateConsents below). */
export interface ConsentTx {
  loadConsents(profileIds: string[]): Promise<ConsentRecord[]>;
  /** The stored messages of these profiles at exactly these instants. */
  consentMessagesAt(keys: { profileId: string; at: number }[]): Promise<ConsentMessage[]>;
  saveConsents(records: ConsentRecord[]): Promise<void>;
  deleteConsents(profileIds: string[]): Promise<void>;
}

/** A profile's consent for one purpose, as stored. */
export interface ConsentRecord { profileId: string; purpose: string; granted: boolean; updatedAt: number; source: string }

/** A stored message that may carry consent (its context holds it). */
export interface ConsentMessage {
  profileId: string;
  messageId: string;
  timestamp: number;
  source: string;
  context: Record<string, unknown> | null;
}

/** Segment's consent object: `context.consent.categoryPreferences` = {purpose: boolean}. Other values are ignored. */
export function consentPreferences(context: Record<string, unknown> | null | undefined): [string, boolean][] {
  const consent = context?.consent;
  if (!consent || typeof consent !== 'object') return [];
  const prefs = (consent as Record<string, unknown>).categoryPreferences;
  if (!prefs || typeof prefs !== 'object' || Array.isArray(prefs)) return [];
  return Object.entries(prefs as Record<string, unknown>).filter((e): e is [string, boolean] => typeof e[1] === 'boolean' && e[0] !== '');
}

interface Candidate { granted: boolean; at: number; source: string; messageId: string | null }

/**
 * Applies the consent a batch carries, and moves the consent of merged-away profiles to their
 * survivors, in the batch's transaction. Per (profile, purpose) the latest message wins, a tie by
 * the larger messageId. Stored rows do not keep their messageId, so a tie against one is settled by
 * reading the messages of that instant back (rare: same profile, purpose and millisecond).
 * Returns, per live profile, the purposes whose record was created or whose `granted` flipped.
 */
export async function updateConsents(tx: ConsentTx, plan: BatchPlan): Promise<Map<string, string[]>> {
  const candidates = new Map<string, { profileId: string; purpose: string; list: Candidate[] }>();
  const add = (profileId: string, purpose: string, c: Candidate) => {
    const k = `${profileId}\u0000${purpose}`;
    const entry = candidates.get(k);
    if (entry) entry.list.push(c);
    else candidates.set(k, { profileId, purpose, list: [c] });
  };
  for (const e of plan.events) {
    for (const [purpose, granted] of consentPreferences(e.context)) {
      add(e.profileId, purpose, { granted, at: e.timestamp, source: e.source, messageId: e.messageId });
    }
  }
  const survivorOf = new Map(plan.merges.map((m) => [m.from, m.into]));
  if (!candidates.size && !survivorOf.size) return new Map();

  const ids = new Set([...[...candidates.values()].map((c) => c.profileId), ...survivorOf.keys(), ...survivorOf.values()]);
  const before = new Map<string, ConsentRecord>();
  for (const r of await tx.loadConsents([...ids])) {
    const into = survivorOf.get(r.profileId);
    if (into === undefined) before.set(`${r.profileId}\u0000${r.purpose}`, r);
    add(into ?? r.profileId, r.purpose, { granted: r.granted, at: r.updatedAt, source: r.source, messageId: null });
  }

  const winners = new Map<string, Candidate>();
  const unsettled: string[] = [];
  for (const [k, { list }] of candidates) {
    const latest = Math.max(...list.map((c) => c.at));
    const tied = list.filter((c) => c.at === latest);
    const same = tied.every((c) => c.granted === tied[0]!.granted && c.source === tied[0]!.source);
    if (same || tied.every((c) => c.messageId !== null)) {
      winners.set(k, tied.reduce((a, b) => (b.messageId !== null && (a.messageId === null || compareCodePoints(b.messageId, a.messageId) > 0) ? b : a)));
    } else {
      unsettled.push(k);
    }
  }
  if (unsettled.length) {
    // After the batch is applied and merges moved events, every message that set the purpose lives on the survivor.
    const keys = unsettled.map((k) => {
      const c = candidates.get(k)!;
      return { profileId: c.profileId, at: Math.max(...c.list.map((x) => x.at)) };
    });
    const messages = await tx.consentMessagesAt(keys);
    for (const k of unsettled) {
      const c = candidates.get(k)!;
      const at = Math.max(...c.list.map((x) => x.at));
      let best: Candidate | undefined;
      for (const m of messages) {
        if (m.profileId !== c.profileId || m.timestamp !== at) continue;
        const granted = consentPreferences(m.context).find(([p]) => p === c.purpose)?.[1];
        if (granted === undefined) continue;
        if (!best || compareCodePoints(m.messageId, best.messageId!) > 0) best = { granted, at, source: m.source, messageId: m.messageId };
      }
      // Without the messages (erased, say) the stored record stands.
      winners.set(k, best ?? c.list.find((x) => x.at === at && x.messageId === null)!);
    }
  }

  const save: ConsentRecord[] = [];
  const changed = new Map<string, string[]>();
  for (const [k, w] of winners) {
    const { profileId, purpose } = candidates.get(k)!;
    const prev = before.get(k);
    if (prev && prev.granted === w.granted && prev.updatedAt === w.at && prev.source === w.source) continue;
    save.push({ profileId, purpose, granted: w.granted, updatedAt: w.at, source: w.source });
    if (!prev || prev.granted !== w.granted) {
      const list = changed.get(profileId);
      if (list) list.push(purpose);
      else changed.set(profileId, [purpose]);
    }
  }
  if (save.length) await tx.saveConsents(save);
  if (survivorOf.size) await tx.deleteConsents([...survivorOf.keys()]);
  return changed;
}
