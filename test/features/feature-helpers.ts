import { expect } from 'vitest';
import type { FeatureRow } from '../../src/core/features/catalog.ts';
import type { Database } from '../../src/store/sql/database.ts';
import { computeFeatureRows } from '../../src/store/features/feature-sql.ts';
import { loadFeatureRows } from '../../src/store/features/feature-rows.ts';
import { featuresFromEvents } from '../../src/core/features/features-from-events.ts';
import { allFeatureEvents } from '../../src/store/features/feature-events.ts';

export async function liveIds(db: Database): Promise<string[]> {
  return (await db.kysely.selectFrom('profiles').select('id').where('merged_into', 'is', null).orderBy('id').execute()).map((r) => r.id);
}

/** Every stored feature row, by profile id. */
export async function storedRows(db: Database): Promise<Map<string, FeatureRow>> {
  const ids = (await db.kysely.selectFrom('profile_features').select('profile_id').execute()).map((r) => r.profile_id);
  return db.transaction((sql) => loadFeatureRows(sql, ids));
}

/** What the set-based SQL computes for every live profile as of `asOf`, without storing it. */
export async function sqlRows(db: Database, asOf: number): Promise<Map<string, FeatureRow>> {
  const ids = await liveIds(db);
  const rows = await db.transaction((sql) => computeFeatureRows(sql, ids, asOf));
  return new Map(rows.map((r) => [r.profileId, r]));
}

/**
 * What the in-memory fold (src/core/features) gives every live profile as of `asOf`, from all of its
 * feature events: a reference independent of the set-based SQL, for rows that the store wrote from that SQL.
 */
export async function foldedRows(db: Database, asOf: number): Promise<Map<string, FeatureRow>> {
  const ids = await liveIds(db);
  const events = await db.transaction((sql) => allFeatureEvents(sql, ids));
  const byProfile = new Map<string, typeof events>(ids.map((id) => [id, []]));
  for (const e of events) byProfile.get(e.profileId)?.push(e);
  return new Map(ids.map((id) => [id, featuresFromEvents(id, byProfile.get(id)!, asOf)]));
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The fields of two rows that differ (floats to 1e-9 relative; key order of categoryCounts ignored). */
export function differences(a: FeatureRow, b: FeatureRow, ignore: (keyof FeatureRow)[] = []): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof FeatureRow)[]) {
    if (ignore.includes(k)) continue;
    const x = a[k];
    const y = b[k];
    if (k === 'categoryCounts') {
      const xs = x as Record<string, number>;
      const ys = y as Record<string, number>;
      const keys = new Set([...Object.keys(xs), ...Object.keys(ys)]);
      if ([...keys].some((c) => !Object.hasOwn(xs, c) || !Object.hasOwn(ys, c) || !close(xs[c]!, ys[c]!))) out.push(`${k}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    } else if (typeof x === 'number' && typeof y === 'number') {
      if (!close(x, y)) out.push(`${k}: ${x} vs ${y}`);
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(`${k}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  }
  return out;
}

/** Asserts the two sets of rows are the same rows with the same values, and names the first differences. */
export function expectSameRows(actual: Map<string, FeatureRow>, expected: Map<string, FeatureRow>, ignore: (keyof FeatureRow)[] = []): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const diffs: string[] = [];
  for (const [id, row] of expected) {
    for (const d of differences(actual.get(id)!, row, ignore)) diffs.push(`${id} ${d}`);
  }
  expect(diffs.slice(0, 20)).toEqual([]);
}
