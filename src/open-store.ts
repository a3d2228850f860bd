import type { Config } from './config.ts';
import { migrate } from './store/migrate.ts';
import { openDatabase, type Database } from './store/sql/database.ts';

// Part of the composition root, apart from main.ts so that `tailor migrate` loads the store alone.

/** Opens the database and applies pending migrations; the database is closed again if they fail. */
export async function openStore(config: Config): Promise<{ db: Database; applied: string[] }> {
  const db = await openDatabase(config.db, { sqliteSync: config.sqliteSync, pgPool: config.pgPool });
  try {
    return { db, applied: (await migrate(db)).applied };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** `tailor migrate`: applies pending migrations and closes. */
export async function migrateStore(config: Config): Promise<{ applied: string[] }> {
  const { db, applied } = await openStore(config);
  await db.close();
  return { applied };
}
