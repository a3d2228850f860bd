import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/core/prng.ts';
import { DEFAULT_DEMO_END, loadDemo } from '../../src/demo/load-demo.ts';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { openTailor } from '../helpers/tailor.ts';

const tailor = (...args: string[]) => tailorCli(args);
const failing = async (...args: string[]) => {
  const e = await tailor(...args).then(() => null, (x: { code: number; stderr: string }) => x);
  expect(e, `expected 'tailor ${args.join(' ')}' to fail`).not.toBeNull();
  return e!;
};

/** A labelled customer file as a CRM would export it: numbers, a category with gaps, and a churn flag. */
function customerCsv(n: number): string {
  const rng = rngFor(3, 'csv');
  const lines = ['customer_id,tenure_months,orders,support_tickets,plan,churned'];
  for (let i = 1; i <= n; i++) {
    const tenure = rng.int(1, 60);
    const orders = rng.int(0, 30);
    const tickets = rng.int(0, 6);
    const plan = ['basic', 'pro', ''][rng.int(0, 2)]!;
    const z = 1.2 - 0.04 * tenure - 0.08 * orders + 0.45 * tickets + (plan === 'pro' ? -0.8 : 0);
    const churned = rng.next() < 1 / (1 + Math.exp(-z)) ? 'yes' : 'no';
    lines.push(`C${i},${tenure},${orders},${tickets},${plan},${churned}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('tailor predict and tailor cluster', () => {
  it('trains on a CSV with a label column, exports the holdout split, scores another file, and lists the registry', async () => {
    const dir = tempDir();
    const db = tempSqlite();
    const csv = path.join(dir, 'customers.csv');
    writeFileSync(csv, customerCsv(1500));
    const split = path.join(dir, 'split.csv');
    const out = JSON.parse((await tailor('--db', db, 'predict', 'train', '--csv', csv, '--target', 'churned', '--id-column', 'customer_id',
      '--algo', 'logistic', '--export-split', split, '--json')).stdout);
    expect(out).toMatchObject({ name: 'csv_churned', version: 1, algo: 'logistic' });
    expect(out.metrics.testRows).toBe(300);
    expect(out.metrics.holdout.rocAuc).toBeGreaterThan(0.75);
    expect(out.spec.traits).toEqual(['tenure_months', 'orders', 'support_tickets', 'plan']);
    const held = readFileSync(split, 'utf8').trim().split('\n');
    expect(held[0]).toBe('customer_id');
    expect(new Set(held.slice(1)).size).toBe(300);

    const scores = path.join(dir, 'scores.csv');
    await tailor('--db', db, 'predict', 'score', 'csv_churned', '--csv', csv, '--id-column', 'customer_id', '--out', scores);
    const rows = readFileSync(scores, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('customer_id,score');
    expect(rows).toHaveLength(1501);
    for (const r of rows.slice(1)) expect(Number(r.split(',')[1])).toBeGreaterThanOrEqual(0);

    const list = JSON.parse((await tailor('--db', db, 'predict', 'list', '--json')).stdout);
    expect(list.map((m: { name: string }) => m.name)).toEqual(['csv_churned']);
    expect((await tailor('--db', db, 'predict', 'show', 'csv_churned@1')).stdout).toMatch(/holdout: ROC-AUC 0\.\d{3}/);

    const bad = await failing('--db', db, 'predict', 'train', '--csv', csv, '--target', 'gone');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tailor: no column 'gone' in the file/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect((await failing('--db', db, 'predict', 'train', '--target', 'churn', '--trees', 'many')).stderr).toBe("tailor: --trees must be a number, not 'many'\n");
    expect((await failing('--db', db, 'predict', 'show', 'nope')).stderr).toBe("tailor: no predictive model 'nope'\n");
  }, 180_000);

  it('cluster writes the PCA scatter and dendrogram SVGs and reports the ARI against known groups', async () => {
    const db = tempSqlite();
    const t = await openTailor(db, () => DEFAULT_DEMO_END.getTime());
    await loadDemo(t, { customers: 300, seed: 4 });
    await t.close();
    const dir = tempDir();
    const out = JSON.parse((await tailor('--db', db, 'cluster', '--algo', 'hierarchical', '--k', '5', '--truth', 'demo_segment',
      '--as-of', DEFAULT_DEMO_END.toISOString(), '--svg-dir', dir, '--json')).stdout);
    expect(out.k).toBe(5);
    expect(out.saved).toBe(300);
    expect(out.ari.value).toBeGreaterThan(0.1);
    expect(out.svg).toEqual([path.join(dir, 'clusters-hierarchical-pca.svg'), path.join(dir, 'clusters-hierarchical-dendrogram.svg')]);
    for (const f of out.svg) expect(existsSync(f) && readFileSync(f, 'utf8').startsWith('<svg')).toBe(true);
    expect((await failing('--db', db, 'cluster', '--algo', 'spectral')).stderr).toMatch(/^tailor: algo: /);
  }, 180_000);
});
