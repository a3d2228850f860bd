import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORDER_EVENT } from '../../src/core/features/catalog.ts';
import { openDatabase } from '../../src/store/sql/database.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { dataSet } from '../helpers/data-sets.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

// --db points at a path that must never be created: file mode does not open the store.
const run = (...args: string[]) => tailorCli(['clv', 'fit', ...args]);
const fails = (...args: string[]) => run(...args).then(() => { throw new Error('expected a failure'); }, (e: { code: number; stderr: string }) => e);

const CDNOW = dataSet('cdnow', ['cdnowElog.csv'], 'the CLI run on the CDNOW sample');
const ELOG = CDNOW.file('cdnowElog.csv');
const hasElog = CDNOW.available;

/** The last day of the synthetic log (day of 2021): with no --holdout-end, the holdout ends there. */
let syntheticLastDay = 0;

/** A small synthetic log: 40 customers, a few purchases each, some after the calibration end. */
function synthetic(): string {
  const lines = ['customer;day;amount'];
  for (let c = 0; c < 40; c++) {
    const n = 1 + (c % 5);
    for (let k = 0; k < n; k++) {
      const day = 1 + ((c * 7 + k * (3 + (c % 11))) % 120);
      syntheticLastDay = Math.max(syntheticLastDay, day);
      const d = new Date(Date.UTC(2021, 0, day)).toISOString().slice(0, 10);
      lines.push(`cust${c};${d};${(10 + ((c * 13 + k * 5) % 40)).toFixed(2).replace('.', ',')}`);
    }
  }
  const f = path.join(tempDir('tailor-clv-cli-'), 'tx.csv');
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

describe('tailor clv fit --transactions', () => {
  it.skipIf(!hasElog)('reproduces the published BG/NBD fit on the CDNOW sample, without a database', async () => {
    const db = path.join(tempDir(), 'never', 'tailor.db');
    const { stdout } = await tailorCli(['--db', db, 'clv', 'fit', '--transactions', ELOG, '--columns', 'sampleid,date,sales',
      '--calibration-end', '1997-09-30', '--holdout-end', '1998-06-30', '--top', '3', '--json']);
    const out = JSON.parse(stdout);
    expect(existsSync(db)).toBe(false);
    expect(out.customers).toBe(2357);
    expect(out.repeatTransactions).toBe(2457);
    expect(out.model.name).toBe('bgnbd');
    expect(out.model.params.r.toFixed(3)).toBe('0.243');
    expect(out.model.params.b.toFixed(3)).toBe('2.426');
    expect(out.model.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(out.gammaGamma.params.p.toFixed(2)).toBe('6.25');
    expect(out.holdout.totalActual).toBe(1882);
    expect(out.holdout.groups).toHaveLength(8);
    expect(out.top).toHaveLength(3);
    expect(out.top[0].clv).toBeGreaterThanOrEqual(out.top[1].clv);
    expect(out.top[0]).toHaveProperty('nextOrderDate');
    expect(out.top[0].pAlive).toBeGreaterThan(0);
  }, 180_000);

  it('fits a small synthetic file (semicolon CSV, decimal commas) in text and JSON, days as unit', async () => {
    const f = synthetic();
    const text = (await run('--transactions', f, '--calibration-end', '2021-03-01')).stdout;
    expect(text).toMatch(/BG\/NBD: r=/);
    expect(text).toMatch(/holdout \(/);
    expect(text).toMatch(/top 10 by CLV/);
    const out = JSON.parse((await run('--transactions', f, '--calibration-end', '2021-03-01', '--unit', 'day', '--horizon', '365', '--top', '40', '--json')).stdout);
    expect(out.unit).toBe('day');
    expect(out.customers).toBeGreaterThan(20);
    expect(out.top.length).toBe(out.customers);
    // No --holdout-end: the data run past the calibration end, so the holdout ends at the last
    // transaction's day (a holdout must exist, and its end is that day, not just "some value").
    expect(syntheticLastDay).toBeGreaterThan(59);
    expect(out.holdout).not.toBeNull();
    expect(out.holdoutEnd).toBe(new Date(Date.UTC(2021, 0, syntheticLastDay)).toISOString());
    for (const c of out.top) {
      expect(c.pAlive).toBeGreaterThan(0);
      expect(c.pAlive).toBeLessThanOrEqual(1);
      expect(c.clv).toBeGreaterThanOrEqual(0);
    }
  }, 180_000);

  it('exits non-zero with a one-line reason on bad input', async () => {
    const bad = path.join(tempDir(), 'bad.csv');
    writeFileSync(bad, `a,2020-01-01,1\n${'b,nodate,1\n'.repeat(20)}`);
    const cases = [
      [['--transactions', bad], /20 of 21 rows are bad .* first at line 2: date 'nodate'/],
      [['--transactions', '/nonexistent.csv'], /file not found/],
      [['--transactions', bad, '--unit', 'month'], /--unit must be week or day/],
      [['--transactions', bad, '--save'], /--save writes to the store/],
      [['--transactions', bad, '--calibration-end', 'yesterday', '--horizon', '-1'], /--horizon must be a whole number/],
    ] as const;
    // In parallel: each run is a process start (seconds under a loaded test run).
    const results = await Promise.all(cases.map(([args]) => fails(...args)));
    results.forEach((e, i) => {
      expect(e.code).not.toBe(0);
      const lines = e.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(cases[i]![1]);
    });
  }, 180_000);
});

describe('tailor clv fit (store mode)', () => {
  it('reads the orders as of --as-of and saves p_alive and clv', async () => {
    const db = tempSqlite();
    const t = await openTailor(db);
    const events = [];
    // Customers whose first order is after the calibration end (day 60 = 2022-03-01) are not scored.
    let expected = 0;
    for (let c = 0; c < 30; c++) {
      let first = Infinity;
      for (let k = 0; k <= c % 6; k++) {
        const day = 1 + ((c * 5 + k * (4 + (c % 7))) % 100);
        first = Math.min(first, day);
        events.push(msg({ type: 'track', userId: `u${c}`, event: ORDER_EVENT, timestamp: new Date(Date.UTC(2022, 0, day, 12)).toISOString(), properties: { revenue: 20 + ((c * 3 + k) % 17) } }));
      }
      if (first <= 60) expected++;
    }
    expect(expected).toBeGreaterThan(20);
    expect(expected).toBeLessThan(30);
    // After the as-of instant: ignored.
    events.push(msg({ type: 'track', userId: 'late', event: ORDER_EVENT, timestamp: '2023-01-01T00:00:00Z', properties: { revenue: 5 } }));
    await t.ingest(events);
    await t.close();

    const { stdout } = await tailorCli(['--db', db, 'clv', 'fit', '--as-of', '2022-06-01', '--calibration-end', '2022-03-01', '--save', '--json', '--top', '5']);
    const out = JSON.parse(stdout);
    expect(out.source).toMatchObject({ kind: 'store', asOf: '2022-06-01T00:00:00.000Z' });
    expect(out.customers).toBe(expected);
    expect(out.holdout).not.toBeNull();
    expect(out.saved.p_alive.written).toBe(expected);
    expect(out.saved.clv.written).toBe(expected);

    const d = await openDatabase(db);
    try {
      const rows = await d.kysely.selectFrom('profile_features').select(['profile_id', 'p_alive', 'clv']).where('clv', 'is not', null).execute();
      expect(rows).toHaveLength(expected);
      const best = rows.find((r) => r.profile_id === out.top[0].customerId)!;
      expect(Number(best.clv)).toBeCloseTo(out.top[0].clv, 3);
      expect(Number(best.p_alive)).toBeCloseTo(out.top[0].pAlive, 5);
    } finally {
      await d.close();
    }

    const none = await tailorCli(['--db', db, 'clv', 'fit', '--as-of', '2000-01-01']).catch((e: { code: number; stderr: string }) => e);
    expect((none as { code: number }).code).not.toBe(0);
    expect((none as { stderr: string }).stderr).toMatch(/^tailor: no "Order Completed" events up to 2000-01-01/);
  }, 180_000);
});
