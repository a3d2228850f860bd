import type { Database } from '../sql/database.ts';

export async function getSetting(db: Database, key: string): Promise<string | undefined> {
  const row = await db.kysely.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Sets a value unless one is there; returns the value that is stored. */
export async function setSettingOnce(db: Database, key: string, value: string): Promise<string> {
  await db.kysely.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await getSetting(db, key))!;
}

export async function setSetting(db: Database, key: string, value: string): Promise<void> {
  await db.kysely.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
