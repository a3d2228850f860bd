import { afterEach, describe, expect, it } from 'vitest';
import { writeRows, writeTables, type Column } from '../../src/store/sql/bulk-write.ts';
import { openDatabase, type Database } from '../../src/store/sql/database.ts';
import { dialects } from '../helpers/databases.ts';

// A bulk write passes each column as one array; a value that is itself an array (or an object) must
// fail the write, never spill into the next rows' columns (PostgreSQL's unnest flattened it).
const COLS: Column[] = [{ name: 'a', pgType: 'text' }, { name: 'b', pgType: 'text' }, { name: 'c', pgType: 'text' }];

describe.each(dialects)('bulk writes on $name', ({ url }) => {
  let db: Database | undefined;
  afterEach(async () => db?.close());

  const rows = async () => db!.read<{ a: string; b: string; c: string }>('SELECT a, b, c FROM bulk_probe ORDER BY a');

  it.each([
    ['an array', ['x', 'y']],
    ['a one-element array', ['x']],
    ['an object', { k: 1 }],
  ])('refuses a row holding %s, and writes nothing', async (_what, bad) => {
    db = await openDatabase(await url());
    await db.transaction((sql) => sql.run('CREATE TABLE bulk_probe (a text, b text, c text)'));
    const write = (fn: typeof writeRows | 'tables') => db!.transaction((sql) => (fn === 'tables'
      ? writeTables(sql, [{ table: 'bulk_probe', columns: COLS, rows: [['1', bad, 'c1'], ['2', 'b2', 'c2']] }, { table: 'bulk_probe', columns: COLS, rows: [['3', 'b3', 'c3']] }])
      : fn(sql, 'bulk_probe', COLS, [['1', bad, 'c1'], ['2', 'b2', 'c2']])));
    await expect(write(writeRows)).rejects.toThrow(/bulk_probe\.b: row 0 holds an? (array|object), not a scalar/);
    // Alone in its write, PostgreSQL took a nested array as a two-dimensional one and unnested it into extra rows.
    await expect(db.transaction((sql) => writeRows(sql, 'bulk_probe', COLS, [['1', bad, 'c1']]))).rejects.toThrow(/row 0 holds/);
    await expect(write('tables')).rejects.toThrow(/bulk_probe\.b: row 0 holds/);
    expect(await rows()).toEqual([]);
  });

  it('refuses a row with more or fewer values than columns', async () => {
    db = await openDatabase(await url());
    await db.transaction((sql) => sql.run('CREATE TABLE bulk_probe (a text, b text, c text)'));
    await expect(db.transaction((sql) => writeRows(sql, 'bulk_probe', COLS, [['1', 'b1'], ['2', 'b2', 'c2']]))).rejects.toThrow(/row 0 has 2 values for 3 columns/);
    await expect(db.transaction((sql) => writeRows(sql, 'bulk_probe', COLS, [['1', 'b1', 'c1', 'd1']]))).rejects.toThrow(/row 0 has 4 values/);
    await db.transaction((sql) => writeRows(sql, 'bulk_probe', COLS, [['1', null, 'c1'], ['2', 'b2', undefined]]));
    expect(await rows()).toEqual([{ a: '1', b: null, c: 'c1' }, { a: '2', b: 'b2', c: null }]);
  });
});
