import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Dialect } from './sql/database.ts';
import { initial } from './migrations/001-initial.ts';
import { segments } from './migrations/002-segments.ts';
import { eventsByNameCovering } from './migrations/003-events-by-name-covering.ts';
import { experiments } from './migrations/004-experiments.ts';
import { recommendations } from './migrations/005-recommendations.ts';
import { templates } from './migrations/006-templates.ts';
import { models } from './migrations/007-models.ts';
import { campaigns } from './migrations/008-campaigns.ts';
import { sendPayload } from './migrations/009-send-payload.ts';
import { deliveryReportKeys } from './migrations/010-delivery-report-keys.ts';
import { membershipsByProfile } from './migrations/011-memberships-by-profile.ts';
import { trackingRollups } from './migrations/012-tracking-rollups.ts';
import { sendTime } from './migrations/013-send-time.ts';
import { trackingHits } from './migrations/014-tracking-hits.ts';
import type { DdlTypes, MigrationDdl } from './migrations/types.ts';

/** Forward-only, in order. Never edit a released migration: add the next one. */
const MIGRATIONS: [string, MigrationDdl][] = [['001-initial', initial], ['002-segments', segments], ['003-events-by-name-covering', eventsByNameCovering],
  ['004-experiments', experiments], ['005-recommendations', recommendations], ['006-templates', templates],
  ['007-models', models], ['008-campaigns', campaigns], ['009-send-payload', sendPayload],
  ['010-delivery-report-keys', deliveryReportKeys], ['011-memberships-by-profile', membershipsByProfile],
  ['012-tracking-rollups', trackingRollups],
  ['013-send-time', sendTime],
  ['014-tracking-hits', trackingHits]];

const TYPES: Record<Dialect, DdlTypes> = {
  sqlite: { json: 'TEXT', ts: 'INTEGER', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT', real: 'REAL' },
  postgres: { json: 'JSONB', ts: 'TIMESTAMPTZ', serial: 'BIGSERIAL PRIMARY KEY', real: 'DOUBLE PRECISION' },
};

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, ddl] of MIGRATIONS) {
        out[name] = {
          async up(db: Kysely<unknown>) {
            for (const stmt of ddl(TYPES[dialect])) await sql.raw(stmt).execute(db);
          },
        };
      }
      return out;
    },
  };
}

export interface MigrateReport { applied: string[] }

export async function migrate(db: Database): Promise<MigrateReport> {
  if (await upToDate(db)) return { applied: [] };
  // On PostgreSQL the bookkeeping tables go in the current schema explicitly: Kysely otherwise finds
  // them in any schema on the search path's database and would skip creating its own.
  const schema = db.dialect === 'postgres'
    ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db.kysely)).rows[0]?.s
    : undefined;
  const migrator = new Migrator({ db: db.kysely, provider: provider(db.dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Every migration is recorded already: the common case at each start. Kysely's Migrator first
 * introspects every table of every schema in the database to find its bookkeeping table, which
 * took seconds per start on a PostgreSQL database holding a few hundred schemas (measured on the
 * test database: 97 s against 15 s for two suites), so it runs only when something is pending.
 */
async function upToDate(db: Database): Promise<boolean> {
  const exists = db.dialect === 'postgres'
    ? (await sql<{ t: string | null }>`SELECT to_regclass(quote_ident(current_schema()) || '.kysely_migration')::text AS t`.execute(db.kysely)).rows[0]?.t
    : (await sql<{ t: string }>`SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`.execute(db.kysely)).rows[0]?.t;
  if (!exists) return false;
  const done = new Set((await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db.kysely)).rows.map((r) => r.name));
  return MIGRATIONS.every(([name]) => done.has(name));
}
