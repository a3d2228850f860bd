import type { SqlRunner } from './database.ts';

export interface Column { name: string; pgType: string }

/**
 * Writes many rows with one statement shape. PostgreSQL gets one INSERT … SELECT FROM unnest(…)
 * per call (one round trip whatever the row count); SQLite runs one cached prepared statement per
 * row, which inside a transaction is the fastest path better-sqlite3 has.
 */
export async function writeRows(
  sql: SqlRunner,
  table: string,
  columns: Column[],
  rows: unknown[][],
  onConflict = '',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => c.name).join(', ');
  if (sql.dialect === 'postgres') {
    const unnest = columns.map((c) => `?::${c.pgType}[]`).join(', ');
    const arrays = columns.map((_, i) => rows.map((r) => r[i] ?? null));
    await sql.run(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest}) ${onConflict}`, arrays);
    return;
  }
  const stmt = `INSERT INTO ${table} (${names}) VALUES (${columns.map(() => '?').join(', ')}) ${onConflict}`;
  for (const r of rows) await sql.run(stmt, r);
}
