import { columnOf, FEATURES } from '../../core/features/catalog.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { addMissingFeatureRows } from '../features/rfm-store.ts';

/** The profile features that model runs write (src/core/features/catalog.ts BATCH_FIELDS). */
export const MODEL_FEATURES = ['cluster', 'churn_risk', 'purchase_propensity', 'predicted_revenue_90d', 'p_alive', 'clv'] as const;
export type ModelFeature = (typeof MODEL_FEATURES)[number];

/** Rows per statement: one unnest() UPDATE on PostgreSQL. */
const CHUNK = 20_000;

/**
 * Sets `feature` for these profiles and clears it for every other profile, in one transaction, so
 * that segments and templates see the previous run's values or this one's, never a mix. Profiles
 * without a feature row get their full row first (as RFM does). A NaN value is stored as NULL.
 */
export async function saveModelFeatures(
  db: Database, feature: ModelFeature, profileIds: readonly string[], values: ArrayLike<number>, at: number,
): Promise<{ written: number; cleared: number }> {
  if (profileIds.length !== values.length) throw new RangeError(`${profileIds.length} profiles but ${values.length} values`);
  const def = FEATURES[feature];
  if (!def || !('column' in def.source)) throw new Error(`not a model feature: ${feature}`);
  const col = columnOf(def.source.column);
  return db.transaction(async (tx) => {
    await addMissingFeatureRows(tx, profileIds, at);
    const keep = new Set(profileIds);
    const stale = (await tx.all<{ profile_id: string }>(`SELECT profile_id FROM profile_features WHERE ${col} IS NOT NULL`))
      .map((r) => r.profile_id).filter((id) => !keep.has(id));
    let cleared = 0;
    for (let i = 0; i < stale.length; i += CHUNK) cleared += await setValues(tx, col, stale.slice(i, i + CHUNK), null, at);
    let written = 0;
    for (let i = 0; i < profileIds.length; i += CHUNK) {
      const part: (number | null)[] = [];
      for (let j = i; j < Math.min(i + CHUNK, profileIds.length); j++) part.push(Number.isFinite(values[j]) ? values[j]! : null);
      written += await setValues(tx, col, profileIds.slice(i, i + CHUNK), part, at);
    }
    return { written, cleared };
  }, { retries: 5 });
}

/** `col` of these profiles set to the values (null: every one cleared). */
async function setValues(tx: SqlRunner, col: string, ids: readonly string[], values: (number | null)[] | null, at: number): Promise<number> {
  if (!ids.length) return 0;
  if (tx.dialect === 'postgres') {
    return tx.run(`UPDATE profile_features f SET ${col} = u.v, updated_at = ? FROM unnest(?::text[], ?::float8[]) AS u(p, v) WHERE f.profile_id = u.p`,
      [at, ids, values ?? ids.map(() => null)]);
  }
  return tx.runEach(`UPDATE profile_features SET ${col} = ?, updated_at = ? WHERE profile_id = ?`,
    ids.map((id, i) => [values ? values[i] : null, at, id]));
}
