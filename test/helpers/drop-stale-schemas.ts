import pg from 'pg';

/**
 * Vitest global setup: every PostgreSQL suite works in a fresh schema (databases.ts, `t_<base36
 * time>_…`) and leaves it behind for inspection. Schemas from runs more than an hour old are dropped
 * here, once per run; left to pile up (800 after a day's runs) they filled PostgreSQL's lock table
 * for database-wide commands.
 */
export default async function dropStaleSchemas(): Promise<void> {
  const url = process.env.TAILOR_TEST_PG_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const cutoff = Date.now() - 3_600_000;
    const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[0-9a-z]+_[0-9a-z]+$'");
    for (const { name } of rows) {
      const born = Number.parseInt(name.split('_')[1]!, 36);
      if (born < cutoff) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}
