import type { RenderProfilesPort } from '../../core/content/recipient-context.ts';
import { FEATURES, featureValue } from '../../core/features/catalog.ts';
import type { ContextProfile } from '../../core/content/render-context.ts';
import { fromJson } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { featuresAsOf, storedFeatures } from '../features/feature-store.ts';

/**
 * What templates see of many recipients at once (traits, current features, current segments), in
 * three queries per batch rather than the profile document's eight per person: the sender renders
 * a claimed batch of a few hundred messages at a time. Features whose time windows have expired
 * since they were stored are recomputed one by one, as the profile document does.
 */
export function createRenderProfileQueries(db: Database): RenderProfilesPort {
  return {
    renderProfiles: async (profileIds, now) => {
      const out = new Map<string, ContextProfile>();
      const ids = [...new Set(profileIds)];
      if (!ids.length) return out;
      const who = (column: string) => inIds(db, column, ids);
      const [profiles, members, stored] = await Promise.all([
        db.read<{ id: string; traits: unknown }>(`SELECT id, traits FROM profiles WHERE merged_into IS NULL AND ${who('id').where}`, [who('id').param]),
        db.read<{ profile_id: string; name: string }>(`SELECT m.profile_id, s.name FROM segment_memberships m JOIN segments s ON s.id = m.segment_id
          WHERE m.exited_at IS NULL AND ${who('m.profile_id').where} ORDER BY s.name`, [who('m.profile_id').param]),
        storedFeatures(db, ids),
      ]);
      const segments = new Map<string, string[]>();
      for (const m of members) {
        const list = segments.get(m.profile_id);
        if (list) list.push(m.name);
        else segments.set(m.profile_id, [m.name]);
      }
      for (const p of profiles) {
        let row = stored.get(p.id);
        if (!row || row.windowsAsOf > now || (row.windowsExpireAt !== null && row.windowsExpireAt <= now)) row = await featuresAsOf(db, p.id, now);
        const features = Object.fromEntries(Object.keys(FEATURES).map((name) => [name, featureValue(name, row, now)]));
        out.set(p.id, { id: p.id, traits: fromJson<Record<string, unknown> | null>(p.traits) ?? {}, features, segments: segments.get(p.id) ?? [] });
      }
      return out;
    },
  };
}
