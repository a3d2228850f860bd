export type Dialect = 'sqlite' | 'postgres';

/**
 * Raw SQL with `?` placeholders, for the hot paths (ingest, import) that live outside the query
 * builder: on SQLite statements are prepared once and cached, which Kysely's driver does not do.
 */
export interface SqlRunner {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** The same statement once per parameter list (SQLite's row-at-a-time bulk path); returns the rows changed. */
  runEach(sql: string, paramLists: readonly (readonly unknown[])[]): Promise<number>;
}
