import type { MigrationDdl } from './types.ts';

/**
 * Templates with immutable versions (each keeps its compiled HTML and text, so a send renders
 * exactly what was previewed), and reusable blocks. Times are epoch ms (BIGINT) on both dialects.
 */
export const templates: MigrationDdl = (t) => [
  `CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    description TEXT,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
  `CREATE TABLE template_versions (
    template_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    subject TEXT NOT NULL,
    preheader TEXT NOT NULL,
    body TEXT NOT NULL,
    format TEXT NOT NULL,
    compiled ${t.json} NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (template_id, version)
  )`,
  `CREATE TABLE template_blocks (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    description TEXT,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,
];
