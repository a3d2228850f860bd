import type { Dialect } from './sql-runner.ts';

/**
 * `column IN (list)` with the whole list bound as one parameter, on either dialect: a text array on
 * PostgreSQL, a JSON array read by json_each on SQLite. One statement text serves every list length,
 * so prepared statements are reused.
 */
export function inIds(sql: { dialect: Dialect }, column: string, ids: readonly string[]): { where: string; param: unknown } {
  return sql.dialect === 'postgres'
    ? { where: `${column} = ANY(?::text[])`, param: ids }
    : { where: `${column} IN (SELECT value FROM json_each(?))`, param: JSON.stringify(ids) };
}
