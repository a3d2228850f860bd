import { keepBatchFields, type FeatureRow } from '../../core/features/catalog.ts';
import { toInt } from '../sql/codec.ts';
import type { Database, SqlRunner } from '../sql/database.ts';
import { computeFeatureRows } from './feature-sql.ts';
import { loadFeatureRows, saveFeatureRows } from './feature-rows.ts';
import type { FeatureBatchPort, RecomputeSummary } from '../../core/features/feature-service.ts';

/**
 * Feature rows outside ingest: the full recompute, the refresh of rows whose windows have moved,
 * and one profile's row computed on the fly. Ingest keeps rows current itself
 * (src/core/features/update-features.ts over the ingest transaction).
 */

export const RECOMPUTE_CHUNK = 5000;

/**
 * Live profiles after `after`, in id order. On PostgreSQL their rows are locked, so that an ingest
 * about them waits (and then extends the recomputed row) rather than having its update overwritten
 * by values read before it committed. A later statement in the transaction sees what such an
 * ingest committed before the lock was granted (READ COMMITTED takes a snapshot per statement).
 */
async function lockLiveProfiles(sql: SqlRunner, after: string, limit: number): Promise<string[]> {
  const rows = await sql.all<{ id: string }>(
    `SELECT id FROM profiles WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?${sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    [after, limit]);
  return rows.map((r) => r.id);
}

/**
 * Recomputes every live profile's row as of `asOf` with set-based SQL, one transaction per chunk of
 * profiles (so that ingest is not held up for the whole pass), and removes rows of profiles that are
 * no longer live. RFM scores are kept.
 */
export async function recomputeAllFeatures(
  db: Database,
  asOf: number,
  opts: { chunk?: number; now?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<RecomputeSummary> {
  const started = Date.now();
  const chunk = opts.chunk ?? RECOMPUTE_CHUNK;
  const total = toInt((await db.transaction((sql) => sql.all<{ n: unknown }>('SELECT count(*) AS n FROM profiles WHERE merged_into IS NULL')))[0]?.n);
  let after = '';
  let done = 0;
  for (;;) {
    const ids = await db.transaction(async (sql) => {
      const ids = await lockLiveProfiles(sql, after, chunk);
      if (ids.length) {
        // Events belong to live profiles only (a merge moves them), so an id range scopes them.
        const rows = await computeFeatureRows(sql, ids, asOf, { from: ids[0]!, to: ids[ids.length - 1]! });
        await saveFeatureRows(sql, rows, opts.now ?? Date.now());
      }
      return ids;
    }, { retries: 5 });
    if (!ids.length) break;
    after = ids[ids.length - 1]!;
    done += ids.length;
    opts.onProgress?.(done, Math.max(total, done));
  }
  const removed = await db.transaction((sql) => sql.run(`DELETE FROM profile_features WHERE NOT EXISTS
    (SELECT 1 FROM profiles p WHERE p.id = profile_features.profile_id AND p.merged_into IS NULL)`));
  return { profiles: done, removed, asOf, ms: Date.now() - started };
}

/**
 * Recomputes (as of `now`) up to `limit` rows whose windows expired by `now`, the earliest first,
 * and returns their profile ids. The whole row is recomputed, not only the windows: a row also
 * expires when an event that was in its future comes due (see core/features/windowed-values.ts).
 * On PostgreSQL rows an ingest holds are skipped: that ingest brings them up to date itself.
 */
export async function refreshExpiredWindows(db: Database, now: number, limit: number): Promise<string[]> {
  return db.transaction(async (sql) => {
    const ids = (await sql.all<{ profile_id: string }>(sql.dialect === 'postgres'
      ? `SELECT f.profile_id FROM profile_features f JOIN profiles p ON p.id = f.profile_id AND p.merged_into IS NULL
         WHERE f.windows_expire_at <= ? ORDER BY f.windows_expire_at, f.profile_id LIMIT ? FOR UPDATE OF p SKIP LOCKED`
      : `SELECT f.profile_id FROM profile_features f JOIN profiles p ON p.id = f.profile_id AND p.merged_into IS NULL
         WHERE f.windows_expire_at <= ? ORDER BY f.windows_expire_at, f.profile_id LIMIT ?`, [now, limit])).map((r) => r.profile_id);
    if (ids.length) await saveFeatureRows(sql, await computeFeatureRows(sql, ids, now), now);
    return ids;
  }, { retries: 5 });
}

/** One profile's row as of `asOf`, computed from its events and not stored (RFM and model scores: the stored ones). */
export async function featuresAsOf(db: Database, profileId: string, asOf: number): Promise<FeatureRow> {
  return db.transaction(async (sql) => {
    const [row] = await computeFeatureRows(sql, [profileId], asOf);
    const stored = (await loadFeatureRows(sql, [profileId])).get(profileId);
    return keepBatchFields(row!, stored);
  });
}

/** The stored rows of these profiles. */
export async function storedFeatures(db: Database, profileIds: readonly string[]): Promise<Map<string, FeatureRow>> {
  return db.transaction((sql) => loadFeatureRows(sql, profileIds));
}

/**
 * A profile's row as of `now`: the stored one while it is still exact, else computed on the fly
 * (its windows expired and no refresh has run yet, or it has no row).
 */
export async function currentFeatures(db: Database, profileId: string, now: number): Promise<FeatureRow> {
  const stored = (await storedFeatures(db, [profileId])).get(profileId);
  if (stored && stored.windowsAsOf <= now && (stored.windowsExpireAt === null || stored.windowsExpireAt > now)) return stored;
  return featuresAsOf(db, profileId, now);
}

export function createFeatureStore(db: Database): FeatureBatchPort {
  return {
    recomputeAll: (asOf, opts) => recomputeAllFeatures(db, asOf, opts),
    current: (profileId, now) => currentFeatures(db, profileId, now),
    asOf: (profileId, asOf) => featuresAsOf(db, profileId, asOf),
  };
}
