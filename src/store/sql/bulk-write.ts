import type { SqlRunner } from './sql-runner.ts';

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
  await sql.runEach(`INSERT INTO ${table} (${names}) VALUES (${columns.map(() => '?').join(', ')}) ${onConflict}`, rows);
}

export interface TableWrite { table: string; columns: Column[]; rows: unknown[][]; onConflict?: string }

/**
 * Several `writeRows` in one go. PostgreSQL gets a single statement (data-modifying CTEs, one per
 * table) and so one round trip instead of one per table; that is most of the time a small batch
 * spends. The tables must not depend on each other's rows (the statements share one snapshot).
 * SQLite runs them one after another.
 */
export async function writeTables(sql: SqlRunner, writes: TableWrite[]): Promise<void> {
  const todo = writes.filter((w) => w.rows.length > 0);
  if (sql.dialect !== 'postgres' || todo.length < 2) {
    for (const w of todo) await writeRows(sql, w.table, w.columns, w.rows, w.onConflict);
    return;
  }
  const insert = (w: TableWrite) =>
    `INSERT INTO ${w.table} (${w.columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${w.columns.map((c) => `?::${c.pgType}[]`).join(', ')}) ${w.onConflict ?? ''}`;
  const ctes = todo.slice(0, -1).map((w, i) => `w${i} AS (${insert(w)})`);
  const params = todo.flatMap((w) => w.columns.map((_, i) => w.rows.map((r) => r[i] ?? null)));
  await sql.run(`WITH ${ctes.join(', ')} ${insert(todo[todo.length - 1]!)}`, params);
}
