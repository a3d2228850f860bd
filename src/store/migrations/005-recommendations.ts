import type { MigrationDdl } from './types.ts';

/**
 * Product recommendations: the built model (item-item neighbours and the popularity lists that the
 * incremental refresh re-uses) and each profile's stored list. Times are epoch milliseconds (BIGINT)
 * on both dialects, as for segments.
 */
export const recommendations: MigrationDdl = (t) => [
  `CREATE TABLE item_similarities (
    item_id TEXT NOT NULL,
    neighbour_id TEXT NOT NULL,
    score ${t.real} NOT NULL,
    PRIMARY KEY (item_id, neighbour_id)
  )`,
  `CREATE TABLE recs_models (
    name TEXT PRIMARY KEY,
    as_of BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    popular ${t.json} NOT NULL,
    segments ${t.json} NOT NULL
  )`,
  `CREATE TABLE profile_recommendations (
    profile_id TEXT PRIMARY KEY,
    items ${t.json} NOT NULL,
    model TEXT NOT NULL,
    computed_at BIGINT NOT NULL
  )`,
];
