import type { MigrationDdl } from './types.ts';

/**
 * Experiments, each profile's place in one (the send list), and counts recorded by hand. Times are
 * epoch milliseconds (BIGINT) on both dialects, as for segments.
 */
export const experiments: MigrationDdl = (t) => [
  `CREATE TABLE experiments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    spec ${t.json} NOT NULL,
    salt TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at BIGINT,
    decide_at BIGINT,
    decided_at BIGINT,
    decision ${t.json},
    sequential ${t.json} NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE TABLE experiment_assignments (
    experiment_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    grp TEXT NOT NULL,
    arm TEXT,
    sent_at BIGINT,
    PRIMARY KEY (experiment_id, profile_id)
  )`,
  `CREATE INDEX experiment_assignments_group ON experiment_assignments (experiment_id, grp, profile_id)`,
  `CREATE TABLE experiment_counts (
    experiment_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    counts ${t.json} NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, arm)
  )`,
];
