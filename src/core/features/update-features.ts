import type { FeatureTx } from '../ports.ts';
import type { BatchPlan } from '../ingest/plan-batch.ts';
import { keepBatchFields, ORDERS_WINDOW_MS, type FeatureRow } from './catalog.ts';
import type { FeatureEvent } from './feature-event.ts';
import { featuresFromEvents } from './features-from-events.ts';
import { foldEvents } from './fold-events.ts';
import { windowedValues } from './windowed-values.ts';

const groupBy = (events: readonly FeatureEvent[]) => {
  const out = new Map<string, FeatureEvent[]>();
  for (const e of events) {
    const list = out.get(e.profileId);
    if (list) list.push(e);
    else out.set(e.profileId, [e]);
  }
  return out;
};

/**
 * Brings the feature rows of the profiles an applied batch touched up to date as of `plan.at`, in
 * the batch's transaction: every live profile it touched ends with a row, merged-away profiles lose
 * theirs. A stored row takes the new events incrementally (all-time aggregates are commutative);
 * its windows are recounted from the events now in them, with one read for the whole batch.
 *
 * A row is rebuilt from all of the profile's events instead when it cannot be extended: a merge
 * survivor (events moved in), a profile stored without a row, or a row computed as of a later
 * instant than the batch's.
 */
export async function updateFeatures(tx: FeatureTx, plan: BatchPlan): Promise<void> {
  const now = plan.at;
  const live = plan.profiles.filter((p) => !p.profile.mergedInto);
  const survivors = new Set(plan.merges.map((m) => m.into));
  const existing = live.filter((p) => !p.isNew).map((p) => p.profile.id);
  const stored = existing.length ? await tx.loadFeatureRows(existing) : new Map<string, FeatureRow>();
  const batch = groupBy(plan.events.map((e) => ({
    profileId: e.profileId, messageId: e.messageId, type: e.type, name: e.name, timestamp: e.timestamp, properties: e.properties,
  })));
  const out: FeatureRow[] = [];
  const rebuild: string[] = [];
  const extend: FeatureRow[] = [];
  for (const { profile: { id }, isNew } of live) {
    const row = stored.get(id);
    if (survivors.has(id) || (!isNew && (!row || row.windowsAsOf > now))) rebuild.push(id);
    // A profile the batch created has no events but the batch's: nothing to read back.
    else if (isNew) out.push(featuresFromEvents(id, batch.get(id) ?? [], now));
    else extend.push(row!);
  }

  if (extend.length) {
    const inBatch = new Set(plan.events.map((e) => e.messageId));
    const recent = groupBy(await tx.recentFeatureEvents(extend.map((r) => ({ profileId: r.profileId, since: r.windowsAsOf })), now - ORDERS_WINDOW_MS));
    for (const row of extend) {
      const mine = recent.get(row.profileId) ?? [];
      // Stored events that were in the future of the row when it was computed, and have come due since.
      const due = mine.filter((e) => e.timestamp > row.windowsAsOf && e.timestamp <= now && !inBatch.has(e.messageId));
      const folded = foldEvents(row, [...(batch.get(row.profileId) ?? []), ...due], now);
      out.push({ ...folded, ...windowedValues(mine, now) });
    }
  }
  if (rebuild.length) {
    const all = groupBy(await tx.allFeatureEvents(rebuild));
    for (const id of rebuild) {
      const prev = stored.get(id);
      const row = featuresFromEvents(id, all.get(id) ?? [], now);
      // RFM and model scores are computed elsewhere, over the whole population; a rebuild keeps them.
      out.push(keepBatchFields(row, prev));
    }
  }
  if (out.length) await tx.saveFeatureRows(out, now);
  const losers = [...new Set(plan.merges.map((m) => m.from))];
  if (losers.length) await tx.deleteFeatureRows(losers);
}
