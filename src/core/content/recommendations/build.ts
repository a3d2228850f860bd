import { phases, type OnPhase } from '../../progress.ts';
import { ProfileItems } from './interactions.ts';
import { popularItems, segmentPopularity, type Membership, type SegmentPopular } from './popularity.ts';
import type { ProfileRecs, RecsPort, StoredRecsModel } from './ports.ts';
import { recommend, type CatalogItem, type RecReason, type RecsModel } from './recommend.ts';
import { itemCosine } from './similarity.ts';

export const MODEL_NAME = 'item-cf';
/** Profiles per write transaction: short transactions, so ingest is never held up for long. */
export const BATCH_SIZE = 1000;

export interface BuildOptions { asOf: number; now: number; batchSize?: number; onPhase?: OnPhase | undefined }

export interface BuildResult {
  asOf: number;
  interactions: number;
  /** Items with at least one neighbour, and the neighbour pairs kept. */
  items: number;
  pairs: number;
  profiles: number;
  /** Profiles whose list starts with a CF item, a segment's popular item, a globally popular one (or is empty). */
  lists: Record<RecReason | 'empty', number>;
  segments: number;
  pruned: number;
}

/** Reads every interaction up to `to` into one matrix. */
export async function loadMatrix(port: RecsPort, asOf: number, profileIds?: readonly string[]): Promise<{ m: ProfileItems; n: number }> {
  const m = new ProfileItems(asOf);
  let n = 0;
  for await (const page of port.interactions(asOf, profileIds)) {
    m.addAll(page);
    n += page.length;
  }
  return { m, n };
}

export function segmentsOf(memberships: readonly Membership[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const x of memberships) {
    const list = out.get(x.profileId) ?? [];
    list.push(x.segmentId);
    out.set(x.profileId, list);
  }
  return out;
}

export function toModel(stored: Pick<StoredRecsModel, 'neighbours' | 'popular' | 'segments'>, catalog: readonly CatalogItem[]): RecsModel {
  return {
    neighbours: stored.neighbours,
    popular: stored.popular,
    segments: new Map(stored.segments.map((s): [string, SegmentPopular] => [s.segmentId, s])),
    catalog: new Map(catalog.map((c) => [c.id, c])),
  };
}

/**
 * The full rebuild, as of `asOf`: similarities and popularity from every interaction up to then
 * (stored in one transaction), then every live profile's list, in batches of one transaction each.
 * A profile's list is replaced only when its batch commits, so readers never see a missing list.
 */
export async function buildRecommendations(port: RecsPort, opts: BuildOptions): Promise<BuildResult> {
  const step = phases(['interactions', 'similarities', 'lists', 'prune'], opts.onPhase);
  step.next('reading interactions');
  const { m, n } = await loadMatrix(port, opts.asOf);
  const memberships = await port.memberships(opts.asOf);
  step.next('item similarities');
  const stored: StoredRecsModel = {
    name: MODEL_NAME, asOf: opts.asOf, computedAt: opts.now,
    neighbours: itemCosine(m.rows.values()),
    popular: popularItems(m.rows.values()),
    segments: segmentPopularity(m.rows, memberships),
  };
  await port.saveModel(stored);
  const model = toModel(stored, await port.catalog());
  const bySegment = segmentsOf(memberships);
  const lists: BuildResult['lists'] = { cf: 0, 'segment-popular': 0, popular: 0, empty: 0 };
  let profiles = 0;
  step.next('profile lists');
  for await (const ids of port.profilePages(opts.batchSize ?? BATCH_SIZE)) {
    const batch: ProfileRecs[] = ids.map((id) => ({
      profileId: id,
      items: recommend({ weights: m.rows.get(id), bought: m.bought.get(id), segments: bySegment.get(id) }, model),
    }));
    for (const b of batch) lists[b.items[0]?.reason ?? 'empty']++;
    await port.saveLists(batch, MODEL_NAME, opts.now);
    profiles += ids.length;
  }
  let pairs = 0;
  for (const list of stored.neighbours.values()) pairs += list.length;
  step.next('removing stale lists');
  const pruned = await port.prune();
  step.end();
  return { asOf: opts.asOf, interactions: n, items: stored.neighbours.size, pairs, profiles, lists, segments: stored.segments.length, pruned };
}

export interface RefreshResult { refreshed: number; removed: number; model: boolean }

/**
 * The incremental path: re-scores just these profiles with the stored similarities and popularity
 * (their history decayed as of `now`), in one transaction. Ids that are no longer live profiles
 * (merged away, erased) lose their list. Without a built model it does nothing.
 */
export async function refreshRecommendations(port: RecsPort, profileIds: readonly string[], now: number): Promise<RefreshResult> {
  const stored = await port.loadModel();
  const ids = [...new Set(profileIds)];
  if (!stored || !ids.length) return { refreshed: 0, removed: 0, model: stored !== null };
  const live = await port.liveProfiles(ids);
  const liveSet = new Set(live);
  const removed = ids.filter((id) => !liveSet.has(id));
  const model = toModel(stored, await port.catalog());
  const at = Math.max(now, stored.asOf);
  const { m } = live.length ? await loadMatrix(port, at, live) : { m: new ProfileItems(at) };
  const bySegment = segmentsOf(live.length ? await port.memberships(now, live) : []);
  const lists = live.map((id) => ({
    profileId: id,
    items: recommend({ weights: m.rows.get(id), bought: m.bought.get(id), segments: bySegment.get(id) }, model),
  }));
  await port.saveLists(lists, stored.name, now, removed);
  return { refreshed: lists.length, removed: removed.length, model: true };
}
