import type { MigrationDdl } from './types.ts';

/**
 * Model outputs as profile features (written by batch runs, like the RFM scores) and the model
 * registry: one row per trained version, with its parameters, metrics, data window, feature list,
 * the fitted artefact, and the training score distribution that drift is measured against.
 */
export const models: MigrationDdl = (t) => [
  ...['cluster INTEGER', `churn_risk ${t.real}`, `purchase_propensity ${t.real}`, `predicted_revenue_90d ${t.real}`, `p_alive ${t.real}`, `clv ${t.real}`]
    .map((c) => `ALTER TABLE profile_features ADD COLUMN ${c}`),
  `CREATE TABLE models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    algo TEXT NOT NULL,
    status TEXT NOT NULL,
    spec ${t.json} NOT NULL,
    metrics ${t.json} NOT NULL,
    artifact ${t.json} NOT NULL,
    data_window ${t.json} NOT NULL,
    baseline ${t.json},
    last_score ${t.json},
    created_at BIGINT NOT NULL,
    UNIQUE (name, version)
  )`,
];
