import { getPath } from '../../core/segments/compare.ts';
import { featureValue, ORDER_EVENT, type FeatureRow } from '../../core/features/catalog.ts';
import type { Row } from '../../core/ml/feature-matrix.ts';
import type { ModelDataPort } from '../../core/ml/predict/service.ts';
import type { Outcome } from '../../core/ml/predict/targets.ts';
import { fromJson, fromTs, toTs } from '../sql/codec.ts';
import type { Database } from '../sql/database.ts';
import { computeFeatureRows } from '../features/feature-sql.ts';
import { loadFeatureRows } from '../features/feature-rows.ts';
import { saveModelFeatures } from './model-features.ts';
import { REVENUE } from '../features/rfm-store.ts';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Profiles per feature computation: one set-based pass over their events each. */
const CHUNK = 5000;

/**
 * Training and scoring data from the store. Features are those of the events up to `asOf` only: a
 * stored row is used only when it is exact at `asOf` (its windows were computed at or before it and
 * have not expired, and it has no later event), which is the case when scoring now; otherwise the
 * row is computed by the same SQL as the full recompute (src/store/features/feature-sql.ts). A model trained
 * on "features as of the cut-off" thus never sees what happened after it.
 */
export function createModelData(db: Database, now: () => number): ModelDataPort {
  return {
    async snapshot(asOf, features, traits) {
      const out: { id: string; first: number; ident: string; row: Row }[] = [];
      let after = '';
      for (;;) {
        const page = await db.transaction(async (sql) => {
          const profiles = await sql.all<{ id: string; traits: unknown; first_seen_at: unknown; ident: string | null }>(
            `SELECT id, traits, first_seen_at, (SELECT MIN(i.kind || ':' || i.lookup) FROM identities i WHERE i.profile_id = p.id) AS ident
             FROM profiles p WHERE merged_into IS NULL AND first_seen_at <= ? AND id > ? ORDER BY id LIMIT ?`,
            [toTs(sql.dialect, asOf), after, CHUNK]);
          if (!profiles.length) return null;
          const ids = profiles.map((p) => p.id);
          // A stored row serves when it is exact at asOf (scoring now, mostly); the rest are computed.
          const stored = await loadFeatureRows(sql, ids);
          const exact = (f: FeatureRow | undefined) => f && f.windowsAsOf <= asOf && (f.windowsExpireAt === null || f.windowsExpireAt > asOf)
            && (f.lastEventAt === null || f.lastEventAt <= asOf);
          const todo = ids.filter((id) => !exact(stored.get(id)));
          const fresh = todo.length ? await computeFeatureRows(sql, todo, asOf, todo.length === ids.length ? { from: ids[0]!, to: ids[ids.length - 1]! } : { ids: todo }) : [];
          const computed = new Map(fresh.map((f) => [f.profileId, f]));
          return { profiles, rows: ids.map((id) => computed.get(id) ?? stored.get(id)!) };
        });
        if (!page) break;
        page.profiles.forEach((p, i) => {
          const f = page.rows[i]!;
          const t = traits.length ? fromJson<Record<string, unknown>>(p.traits) ?? {} : {};
          const r: Record<string, unknown> = {};
          for (const name of features) r[name] = featureValue(name, f, asOf);
          for (const name of traits) r[name] = getPath(t, name);
          out.push({ id: p.id, first: fromTs(p.first_seen_at), ident: p.ident ?? '', row: r });
        });
        after = page.profiles[page.profiles.length - 1]!.id;
      }
      // In order of first activity, ties by the profile's smallest identity (kind:lookup, e.g.
      // user_id:C0042; a keyed blind index when encryption is on, still fixed by the data and key),
      // not by the random profile ids: the same history imported into two databases then gives the
      // same splits, bootstrap samples, k-means seeds and models. Imports give many profiles the
      // same first activity (one import run), so the tie-break decided the order of most rows.
      // The id only breaks ties between profiles with no identity at all.
      out.sort((a, b) => a.first - b.first || cmp(a.ident, b.ident) || cmp(a.id, b.id));
      return { ids: out.map((o) => o.id), rows: out.map((o) => o.row) };
    },

    async outcomes(from, to) {
      const d = db.dialect;
      const rows = await db.transaction((sql) => sql.all<{ p: string; n: unknown; m: unknown }>(
        `SELECT profile_id AS p, COUNT(*) AS n, SUM(${REVENUE[d]}) AS m FROM events
         WHERE name = ? AND type = 'track' AND timestamp > ? AND timestamp <= ? GROUP BY profile_id`,
        [ORDER_EVENT, toTs(d, from), toTs(d, to)]));
      return new Map<string, Outcome>(rows.map((r) => [r.p, { orders: Number(r.n), revenue: Number(r.m) }]));
    },

    async saveScores(feature, ids, scores) {
      return (await saveModelFeatures(db, feature, ids, scores, now())).written;
    },
  };
}
