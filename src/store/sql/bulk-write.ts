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
  checkRows(table, columns, rows);
  const names = columns.map((c) => c.name).join(', ');
  if (sql.dialect === 'postgres') {
    const unnest = columns.map((c) => `?::${c.pgType}[]`).join(', ');
    await sql.run(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest}) ${onConflict}`, columnArrays(rows, columns.length));
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
  for (const w of todo) checkRows(w.table, w.columns, w.rows);
  const ctes = todo.slice(0, -1).map((w, i) => `w${i} AS (${insert(w)})`);
  const params = todo.flatMap((w) => columnArrays(w.rows, w.columns.length));
  await sql.run(`WITH ${ctes.join(', ')} ${insert(todo[todo.length - 1]!)}`, params);
}

/** One array per column, each holding a value per row. */
function columnArrays(rows: unknown[][], width: number): unknown[][] {
  const arrays: unknown[][] = [];
  for (let i = 0; i < width; i++) arrays.push(rows.map((r) => r[i] ?? null));
  return arrays;
}

/**
 * Every row has one value per column, and every value is a scalar. pg turns a JS array inside a
 * column array into a nested array literal, which unnest flattens into the rows that follow (and an
 * object into its JSON text): a value of the wrong shape would shift other rows' columns rather
 * than fail. Validation keeps such values out; this makes a slip a loud error instead of bad data.
 */
function checkRows(table: string, columns: Column[], rows: unknown[][]): void {
  for (let n = 0; n < rows.length; n++) {
    const r = rows[n]!;
    if (r.length !== columns.length) throw new Error(`${table}: row ${n} has ${r.length} values for ${columns.length} columns`);
    for (let i = 0; i < r.length; i++) {
      const v = r[i];
      if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
        throw new Error(`${table}.${columns[i]!.name}: row ${n} holds ${Array.isArray(v) ? 'an array' : 'an object'}, not a scalar`);
      }
    }
  }
}
