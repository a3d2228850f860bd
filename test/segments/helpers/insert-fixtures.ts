import { columnOf, type FeatureRow } from '../../../src/core/features/catalog.ts';
import type { ProfileData } from '../../../src/core/segments/profile-data.ts';
import type { Database, SqlRunner } from '../../../src/store/sql/database.ts';
import { fromJson, toJson, toTs } from '../../../src/store/sql/codec.ts';

/** One generated profile with everything a rule can read, as rows for the tables. */
export interface FixtureProfile {
  id: string;
  traits: Record<string, unknown>;
  mergedInto: string | null;
  events: { type: string; name: string | null; timestamp: number; properties: Record<string, unknown> }[];
  features: Omit<FeatureRow, 'profileId'> | null;
  memberships: { segment: string; enteredAt: number; exitedAt: number | null }[];
  consents: { purpose: string; granted: boolean }[];
}

const FEATURE_FIELDS = ['firstEventAt', 'lastEventAt', 'frequency', 'monetary', 'firstOrderAt', 'lastOrderAt', 'orders90d', 'revenue90d',
  'opens30d', 'clicks30d', 'lastOpenAt', 'lastClickAt', 'topCategory', 'categoryCounts', 'hourHistogram', 'rfmR', 'rfmF', 'rfmM',
  'rfmScore', 'rfmSegment', 'cluster', 'churnRisk', 'purchasePropensity', 'predictedRevenue90d', 'pAlive', 'clv',
  'windowsAsOf', 'windowsExpireAt'] as const;
const JSON_FIELDS = new Set(['categoryCounts', 'hourHistogram']);

async function insertRows(sql: SqlRunner, table: string, cols: readonly string[], rows: unknown[][]): Promise<void> {
  // Multi-row INSERTs in chunks: one round trip per few hundred rows, well under both dialects' parameter limits.
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    await sql.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

/** Replaces the contents of every table a rule reads with these profiles. */
export async function insertFixtures(db: Database, profiles: readonly FixtureProfile[], segmentIds: ReadonlyMap<string, string>): Promise<void> {
  const ts = (ms: number) => toTs(db.dialect, ms);
  await db.transaction(async (sql) => {
    for (const t of ['profiles', 'events', 'profile_features', 'segment_memberships', 'consents']) await sql.run(`DELETE FROM ${t}`);
    await insertRows(sql, 'profiles', ['id', 'traits', 'trait_stamps', 'first_seen_at', 'last_seen_at', 'created_at', 'updated_at', 'merged_into'],
      profiles.map((p) => [p.id, toJson(p.traits), '{}', ts(0), ts(0), ts(0), ts(0), p.mergedInto]));
    let n = 0;
    await insertRows(sql, 'events', ['message_id', 'profile_id', 'type', 'name', 'timestamp', 'received_at', 'properties', 'source'],
      profiles.flatMap((p) => p.events.map((e) => [`m${++n}`, p.id, e.type, e.name, ts(e.timestamp), ts(0), toJson(e.properties), 'test'])));
    await insertRows(sql, 'profile_features', ['profile_id', ...FEATURE_FIELDS.map(columnOf), 'updated_at'],
      profiles.filter((p) => p.features).map((p) => [
        p.id, ...FEATURE_FIELDS.map((k) => (JSON_FIELDS.has(k) ? toJson(p.features![k]) : p.features![k])), 0,
      ]));
    await insertRows(sql, 'segment_memberships', ['segment_id', 'profile_id', 'entered_at', 'exited_at'],
      profiles.flatMap((p) => p.memberships.map((m) => [segmentIds.get(m.segment)!, p.id, m.enteredAt, m.exitedAt])));
    await insertRows(sql, 'consents', ['profile_id', 'purpose', 'granted', 'updated_at', 'source'],
      profiles.flatMap((p) => p.consents.map((c) => [p.id, c.purpose, c.granted ? 1 : 0, 0, 'test'])));
  });
}

/**
 * What a loader hands the evaluator for this profile: JSON as it comes back from storage, events
 * of the types rules see (track, page, screen), current memberships and granted consents.
 */
export function profileData(p: FixtureProfile): ProfileData {
  return {
    profileId: p.id,
    traits: fromJson(toJson(p.traits)),
    features: p.features ? { profileId: p.id, ...fromJson<Omit<FeatureRow, 'profileId'>>(toJson(p.features)) } : null,
    events: p.events
      .filter((e) => ['track', 'page', 'screen'].includes(e.type) && e.name !== null)
      .map((e) => ({ name: e.name!, timestamp: e.timestamp, properties: fromJson(toJson(e.properties)) })),
    segments: new Set(p.memberships.filter((m) => m.exitedAt === null).map((m) => m.segment)),
    consents: new Set(p.consents.filter((c) => c.granted).map((c) => c.purpose)),
  };
}
