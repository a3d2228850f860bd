import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/core/prng.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';

const tailor = (...args: string[]) => tailorCli(args);
const failing = async (...args: string[]) => {
  const e = await tailor(...args).then(() => null, (x: { code: number; stderr: string }) => x);
  expect(e, `expected 'tailor ${args.join(' ')}' to fail`).not.toBeNull();
  return e!;
};

/** A Telco-like customer file: the total is a single space for customers in their first month. */
function customers(n: number): string {
  const rng = rngFor(9, 'forest-flags');
  const lines = ['customer_id,tenure,monthly,total,contract,churn'];
  for (let i = 1; i <= n; i++) {
    const tenure = rng.int(0, 60);
    const monthly = 20 + rng.int(0, 90);
    const contract = ['monthly', 'yearly'][rng.int(0, 1)]!;
    const z = 0.5 - 0.05 * tenure + 0.015 * (monthly - 60) - (contract === 'yearly' ? 1.2 : 0);
    lines.push(`C${i},${tenure},${monthly},${tenure === 0 ? ' ' : tenure * monthly},${contract},${rng.next() < 1 / (1 + Math.exp(-z)) ? 'Yes' : 'No'}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('tailor predict train: forest flags and blank numeric cells', () => {
  it('chooses the forest leaf by CV unless --min-samples-leaf is given, takes --max-features, and reads " " as missing', async () => {
    const dir = tempDir();
    const db = tempSqlite();
    const csv = path.join(dir, 'telco-like.csv');
    writeFileSync(csv, customers(600));
    const base = ['--db', db, 'predict', 'train', '--csv', csv, '--target', 'churn', '--id-column', 'customer_id', '--folds', '0', '--trees', '30', '--json'];

    const auto = JSON.parse((await tailor(...base, '--algo', 'forest')).stdout);
    expect(auto.spec.params).toEqual({ trees: 30, minSamplesLeaf: 'auto' });
    // total is numeric with gaps: its value and its missing indicator, no one-hot levels.
    const features = auto.metrics.importances.map((f: { feature: string }) => f.feature);
    expect(features).toEqual(expect.arrayContaining(['total', 'total_missing']));
    expect(features.filter((f: string) => f.startsWith('total='))).toEqual([]);

    const fixed = JSON.parse((await tailor(...base, '--algo', 'forest', '--min-samples-leaf', '10', '--max-features', 'all', '--name', 'fixed')).stdout);
    expect(fixed.spec.params).toEqual({ trees: 30, minSamplesLeaf: 10, maxFeatures: 'all' });
    const frac = JSON.parse((await tailor(...base, '--algo', 'forest', '--max-features', '0.5', '--name', 'frac')).stdout);
    expect(frac.spec.params).toEqual({ trees: 30, minSamplesLeaf: 'auto', maxFeatures: 0.5 });
    // Boosting keeps its own default: no 'auto' is filled in for it.
    const gbt = JSON.parse((await tailor(...base, '--algo', 'gbt', '--name', 'boosted')).stdout);
    expect(gbt.spec.params).toEqual({ trees: 30 });

    // With --json, failures are one JSON line too.
    const half = await failing(...base, '--algo', 'forest', '--max-features', 'half');
    expect(JSON.parse(half.stderr).error).toMatchObject({ code: 'invalid_argument', message: "--max-features must be a number, not 'half'" });
    const zero = await failing(...base, '--algo', 'forest', '--min-samples-leaf', '0');
    expect(zero.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(zero.stderr).error.message).toMatch(/minSamplesLeaf/);
  }, 180_000);
});
