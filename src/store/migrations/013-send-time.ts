import type { MigrationDdl } from './types.ts';

/**
 * Send-time optimisation (src/core/sto):
 * - on each optimised send, the hour chosen and the probability it was chosen with, which the
 *   offline evaluation weighs by: the window's start (epoch ms, as every `sends` time) and length in
 *   hours, the slot sent at, the slot the model scored best, and the propensity;
 * - the fitted model (one row per fit; the newest is used);
 * - each profile's human opens and clicks per local bin as of the last fit, read a page at a time
 *   when a campaign schedules (one seek per recipient instead of reading their events).
 */
export const sendTime: MigrationDdl = (t) => [
  'ALTER TABLE sends ADD COLUMN sto_start BIGINT',
  'ALTER TABLE sends ADD COLUMN sto_hours INTEGER',
  'ALTER TABLE sends ADD COLUMN sto_slot INTEGER',
  'ALTER TABLE sends ADD COLUMN sto_best INTEGER',
  `ALTER TABLE sends ADD COLUMN sto_p ${t.real}`,
  `CREATE TABLE sto_models (
    id TEXT PRIMARY KEY,
    fitted_at ${t.ts} NOT NULL,
    model ${t.json} NOT NULL
  )`,
  'CREATE INDEX sto_models_fitted ON sto_models (fitted_at)',
  `CREATE TABLE sto_profile_hours (
    profile_id TEXT PRIMARY KEY,
    grp TEXT NOT NULL,
    counts ${t.json} NOT NULL,
    events INTEGER NOT NULL,
    fitted_at ${t.ts} NOT NULL
  )`,
];
