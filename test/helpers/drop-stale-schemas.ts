import pg from 'pg';

/**
 * Vitest global setup: every PostgreSQL suite works in a fresh schema (databases.ts, `t_<base36
 * time>_…`), which drop-file-schemas.ts drops when its file is done. Schemas more than 20 minutes
 * old (a killed run, a drop that a lock held back) are dropped here, once per run; left to pile up
 * (800 after a day's runs) they filled PostgreSQL's lock table for database-wide commands.
 */
export default async function dropStaleSchemas(): Promise<void> {
  const url = process.env.TAILOR_TEST_PG_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // No test file runs for 20 minutes: an older schema is not in use by a run still going.
    const cutoff = Date.now() - 20 * 60_000;
    const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[0-9a-z]+_[0-9a-z]+$'");
    for (const { name } of rows) {
      const born = Number.parseInt(name.split('_')[1]!, 36);
      if (born < cutoff) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}
