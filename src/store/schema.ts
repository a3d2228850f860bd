import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely. Times are epoch milliseconds (INTEGER) on SQLite and timestamptz on
 * PostgreSQL; JSON is TEXT on SQLite and jsonb on PostgreSQL. Read them through ./sql/codec.ts.
 *
 * What these types cover: the tables that Kysely queries touch (Schema below). The hot paths
 * (ingest, segments, features, imports) also use the raw SQL runner (./sql/sql-runner.ts). The
 * content and model tables (templates, template_versions, template_blocks, item_similarities,
 * recs_models, profile_recommendations, models) are read and written only through the raw runner,
 * with their rows mapped in their store files; their columns are defined by migrations 005-007.
 */
export type Ts = ColumnType<number | Date, number | Date, number | Date>;
export type Json = ColumnType<unknown, string, string>;

export interface ProfilesTable {
  id: string;
  traits: Json;
  trait_stamps: Json;
  first_seen_at: Ts;
  last_seen_at: Ts;
  created_at: Ts;
  updated_at: Ts;
  merged_into: string | null;
}

export interface IdentitiesTable {
  kind: string;
  lookup: string;
  value: string;
  profile_id: string;
  created_at: Ts;
}

export interface EventsTable {
  id: Generated<number>;
  message_id: string;
  profile_id: string;
  type: string;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: Ts;
  received_at: Ts;
  sent_at: Ts | null;
  original_timestamp: Ts | null;
  properties: Json;
  context: Json | null;
  integrations: Json | null;
  source: string;
}

export interface ChangesTable {
  id: Generated<number>;
  profile_id: string;
  kind: string;
  field: string | null;
  old_value: Json | null;
  new_value: Json | null;
  source: string;
  message_id: string | null;
  at: Ts;
}

export interface QualityIssuesTable {
  id: Generated<number>;
  profile_id: string | null;
  message_id: string | null;
  field: string;
  value: Json | null;
  reason: string;
  source: string;
  at: Ts;
}

export interface ProductsTable {
  id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string | null;
  url: string | null;
  image_url: string | null;
  in_stock: number;
  attributes: Json;
  updated_at: Ts;
}

export interface ImportRunsTable {
  id: string;
  kind: string;
  file: string;
  started_at: Ts;
  finished_at: Ts | null;
  status: string;
  rows_read: number;
  inserted: number;
  updated: number;
  merged: number;
  duplicates: number;
  rejected: number;
  rejects_file: string | null;
}

export interface ImportRejectsTable {
  run_id: string;
  row_number: number;
  reason: string;
  raw: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Feature, timer and segment times are epoch milliseconds on both dialects (migration 002). */
export interface ProfileFeaturesTable {
  profile_id: string;
  first_event_at: number | null;
  last_event_at: number | null;
  frequency: number;
  monetary: number;
  first_order_at: number | null;
  last_order_at: number | null;
  orders_90d: number;
  revenue_90d: number;
  opens_30d: number;
  clicks_30d: number;
  last_open_at: number | null;
  last_click_at: number | null;
  top_category: string | null;
  category_counts: Json;
  hour_histogram: Json;
  rfm_r: number | null;
  rfm_f: number | null;
  rfm_m: number | null;
  rfm_score: number | null;
  rfm_segment: string | null;
  cluster: number | null;
  churn_risk: number | null;
  purchase_propensity: number | null;
  predicted_revenue_90d: number | null;
  p_alive: number | null;
  clv: number | null;
  windows_as_of: number;
  windows_expire_at: number | null;
  updated_at: number;
}

export interface ConsentsTable {
  profile_id: string;
  purpose: string;
  granted: number;
  updated_at: number;
  source: string;
}

export interface SegmentsTable {
  id: string;
  name: string;
  description: string | null;
  rules: Json;
  options: Json;
  version: number;
  status: string;
  size: number;
  created_at: number;
  updated_at: number;
  computed_at: number | null;
}

export interface SegmentMembershipsTable {
  segment_id: string;
  profile_id: string;
  entered_at: number;
  exited_at: number | null;
}

export interface SegmentSizesTable {
  segment_id: string;
  at: number;
  size: number;
  entered: number;
  exited: number;
}

export interface SegmentTimersTable {
  segment_id: string;
  profile_id: string;
  due_at: number;
}

export interface ExperimentsTable {
  id: string;
  name: string;
  spec: Json;
  salt: string;
  status: string;
  started_at: number | null;
  decide_at: number | null;
  decided_at: number | null;
  decision: Json | null;
  sequential: Json;
  created_at: number;
  updated_at: number;
}

export interface ExperimentAssignmentsTable {
  experiment_id: string;
  profile_id: string;
  grp: string;
  arm: string | null;
  sent_at: number | null;
}

export interface ExperimentCountsTable {
  experiment_id: string;
  arm: string;
  counts: Json;
  recorded_at: number;
}

export interface Schema {
  profiles: ProfilesTable;
  identities: IdentitiesTable;
  events: EventsTable;
  changes: ChangesTable;
  quality_issues: QualityIssuesTable;
  products: ProductsTable;
  import_runs: ImportRunsTable;
  import_rejects: ImportRejectsTable;
  settings: SettingsTable;
  profile_features: ProfileFeaturesTable;
  consents: ConsentsTable;
  segments: SegmentsTable;
  segment_memberships: SegmentMembershipsTable;
  segment_sizes: SegmentSizesTable;
  segment_timers: SegmentTimersTable;
  experiments: ExperimentsTable;
  experiment_assignments: ExperimentAssignmentsTable;
  experiment_counts: ExperimentCountsTable;
}
