import type { AudiencePort } from '../../core/campaigns/audience.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';

/**
 * A broadcast's audience, a page at a time in profile-id order: current members of any include
 * segment and of no exclude segment. Each include segment is read through the partial index on its
 * current members (segment_id, profile_id) from the cursor on, so a page costs the same at the
 * start of a million-member segment as at its end.
 */
export function createAudienceQueries(db: Database): AudiencePort {
  const idsOf = async (names: readonly string[]): Promise<string[]> => {
    if (!names.length) return [];
    const f = inIds(db, 'name', [...new Set(names)]);
    return (await db.read<{ id: string }>(`SELECT id FROM segments WHERE ${f.where}`, [f.param])).map((r) => r.id);
  };
  return {
    // Excluded members are in the page too: the sender suppresses them with reason `excluded`, so
    // explain names the segment, and the page's last id stays a true cursor.
    page: async (include, _exclude, after, limit, enteredBy) => {
      const inc = await idsOf(include);
      if (!inc.length) return [];
      const params: unknown[] = [];
      const parts = inc.map((id) => {
        params.push(id, after ?? '', enteredBy, limit);
        return `SELECT * FROM (SELECT profile_id FROM segment_memberships WHERE segment_id = ? AND exited_at IS NULL AND profile_id > ?
          AND entered_at <= ? ORDER BY profile_id LIMIT ?) p`;
      });
      // Each part is cut at `limit`, so the union holds the first `limit` ids after the cursor.
      const rows = await db.read<{ profile_id: string }>(`SELECT DISTINCT u.profile_id FROM (${parts.join(' UNION ALL ')}) u
        ORDER BY u.profile_id LIMIT ?`, [...params, limit]);
      return rows.map((r) => r.profile_id);
    },
    // Through the partial index on current members (segment_id, profile_id), one page at a time.
    segmentsOf: async (include, profileIds, enteredBy) => {
      const out = new Map<string, string>();
      if (!include.length || !profileIds.length) return out;
      const f = inIds(db, 'name', [...new Set(include)]);
      const byName = new Map((await db.read<{ id: string; name: string }>(`SELECT id, name FROM segments WHERE ${f.where}`, [f.param])).map((r) => [r.name, r.id]));
      const order = include.map((n) => byName.get(n)).filter((id): id is string => id !== undefined);
      if (!order.length) return out;
      const seg = inIds(db, 'segment_id', order);
      const who = inIds(db, 'profile_id', [...profileIds]);
      const rank = new Map(order.map((id, i) => [id, i]));
      for (const r of await db.read<{ profile_id: string; segment_id: string }>(`SELECT profile_id, segment_id FROM segment_memberships
        WHERE ${seg.where} AND ${who.where} AND exited_at IS NULL AND entered_at <= ?`, [seg.param, who.param, enteredBy])) {
        const cur = out.get(r.profile_id);
        if (cur === undefined || rank.get(r.segment_id)! < rank.get(cur)!) out.set(r.profile_id, r.segment_id);
      }
      return out;
    },
    missingSegments: async (names) => {
      const unique = [...new Set(names)];
      if (!unique.length) return [];
      const f = inIds(db, 'name', unique);
      const found = new Set((await db.read<{ name: string }>(`SELECT name FROM segments WHERE ${f.where}`, [f.param])).map((r) => r.name));
      return unique.filter((n) => !found.has(n));
    },
  };
}
