import { FEATURES, featureValue } from '../../core/features/catalog.ts';
import type { LiveFeaturesPort } from '../../core/ml/predict/live-scoring.ts';
import { fromJson } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { inIds } from '../sql/id-list.ts';
import { currentFeatures } from '../features/feature-store.ts';

/**
 * What live scoring reads (src/core/ml/predict/live-scoring.ts): one profile's current features and
 * traits, and when many profiles' features last changed. `profile_features.updated_at` is the wall
 * time of the row's last write (ingest, window refresh, RFM and model runs), in epoch ms on both
 * dialects; a window that expired since, without a refresh yet, changed the features too.
 */
export function createLiveFeatureQueries(db: Database): LiveFeaturesPort {
  return {
    async profile(profileId, now) {
      const [p] = await db.read<{ traits: unknown }>('SELECT traits FROM profiles WHERE id = ? AND merged_into IS NULL', [profileId]);
      if (!p) return null;
      const row = await currentFeatures(db, profileId, now);
      return {
        features: Object.fromEntries(Object.keys(FEATURES).map((name) => [name, featureValue(name, row, now)])),
        traits: fromJson<Record<string, unknown> | null>(p.traits) ?? {},
      };
    },

    async changedAt(profileIds, now) {
      const out = new Map<string, number>();
      if (!profileIds.length) return out;
      const f = inIds(db, 'profile_id', profileIds);
      const rows = await db.read<{ profile_id: string; updated_at: unknown; windows_expire_at: unknown }>(
        `SELECT profile_id, updated_at, windows_expire_at FROM profile_features WHERE ${f.where}`, [f.param]);
      for (const r of rows) {
        const updated = Number(r.updated_at);
        const expired = r.windows_expire_at === null ? null : Number(r.windows_expire_at);
        out.set(r.profile_id, expired !== null && expired <= now && expired > updated ? expired : updated);
      }
      return out;
    },
  };
}
