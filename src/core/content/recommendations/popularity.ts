import { byScore, type Scored } from './scoring.ts';

/**
 * The cold-start fallback: what is popular. Popularity of an item is the sum over profiles of their
 * decayed interaction weights on it (the same weights as the CF model, so recent purchases count the
 * most). Per segment it is the same sum over the segment's current members.
 */
export const POPULAR_SIZE = 50;
/** Segments with fewer members give no list of their own: their popularity would be a few people's taste. */
export const MIN_SEGMENT_MEMBERS = 20;

export interface Membership { segmentId: string; profileId: string }
export interface SegmentPopular { segmentId: string; members: number; items: Scored[] }

export function popularItems(rows: Iterable<ReadonlyMap<string, number>>, limit = POPULAR_SIZE): Scored[] {
  const sum = new Map<string, number>();
  for (const row of rows) for (const [item, w] of row) sum.set(item, (sum.get(item) ?? 0) + w);
  return [...sum].map(([item, score]) => ({ item, score })).sort(byScore).slice(0, limit);
}

export function segmentPopularity(rows: ReadonlyMap<string, ReadonlyMap<string, number>>, memberships: Iterable<Membership>,
  limit = POPULAR_SIZE, minMembers = MIN_SEGMENT_MEMBERS): SegmentPopular[] {
  const members = new Map<string, string[]>();
  for (const m of memberships) {
    const list = members.get(m.segmentId) ?? [];
    list.push(m.profileId);
    members.set(m.segmentId, list);
  }
  const out: SegmentPopular[] = [];
  for (const [segmentId, ids] of members) {
    if (ids.length < minMembers) continue;
    const items = popularItems(ids.map((id) => rows.get(id) ?? new Map<string, number>()), limit);
    if (items.length) out.push({ segmentId, members: ids.length, items });
  }
  return out.sort((a, b) => (a.segmentId < b.segmentId ? -1 : 1));
}

/** The profile's segment whose list is used: its largest (the most members, so the steadiest counts); ties by segment id. */
export function fallbackSegment(profileSegments: readonly string[], lists: ReadonlyMap<string, SegmentPopular>): SegmentPopular | undefined {
  let best: SegmentPopular | undefined;
  for (const id of profileSegments) {
    const s = lists.get(id);
    if (s && (!best || s.members > best.members || (s.members === best.members && s.segmentId < best.segmentId))) best = s;
  }
  return best;
}
