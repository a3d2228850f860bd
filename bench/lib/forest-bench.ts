/**
 * Random-forest benchmark: Tailor's forest (src/core/ml/supervised/forest.ts) against
 * scikit-learn's RandomForestClassifier(n_jobs=1) on the same synthetic binary data set.
 *
 * The data are generated here (seeded PRNG) and written to a float64 file in os.tmpdir(), which
 * bench/reference/supervised_reference.py --forest-bench reads, so both sides fit the very same
 * rows: d standard-normal features, P(y=1) = σ(Σ_{j<5} 0.3(j+1)x_j + 0.5 x_0 x_1), 80% train /
 * 20% holdout. sklearn's numbers are null when /usr/bin/python3 has no sklearn.
 *
 * Why our own implementation (measured 2026-11-23 on this machine: 2 cores shared with other jobs,
 * load average ≈ 6, so absolute times are inflated; same data 20k × 20, 16k train / 4k holdout):
 *   - Tailor forest, 20 trees (histogram trees):       4.2 s, holdout AUC 0.841
 *   - ml-random-forest 2.1, 20 trees (sorted splits):   did not finish in > 370 s
 *   - Tailor logistic (Newton, C = 1):                  0.3 s, 6 iterations, AUC 0.865
 *   - ml-logistic-regression 2.0 (1000 GD steps):       186 s, AUC 0.789 (not converged; no C)
 * And the models must be plain JSON for the registry/worker, which ml.js models are not by default.
 * 100k × 20, 100 trees, same conditions: Tailor 55 s train (AUC 0.8662) vs sklearn 1.2.1
 * RandomForestClassifier(n_jobs=1) 236 s (AUC 0.8660).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matrix, type Matrix } from '../../src/core/ml/matrix.ts';
import { rocAuc } from '../../src/core/ml/metrics/ranking.ts';
import { predictForest, trainForest } from '../../src/core/ml/supervised/forest.ts';
import { rngFor } from '../../src/core/prng.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = '/usr/bin/python3';

export interface ForestBenchResult {
  trainMs: number;
  predictMsPer1M: number;
  auc: number;
  sklearnTrainMs: number | null;
  sklearnAuc: number | null;
}

/** The benchmark data: x (n × d) and y, deterministic in (n, d, seed). */
export function benchData(n: number, d: number, seed: number): { x: Matrix; y: Float64Array } {
  if (d < 5) throw new RangeError('the benchmark needs d >= 5');
  const rng = rngFor(seed, 'forest-bench');
  const x = matrix(n, d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      x.data[i * d + j] = v;
      if (j < 5) z += 0.3 * (j + 1) * v;
    }
    z += 0.5 * x.data[i * d]! * x.data[i * d + 1]!;
    y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { x, y };
}

function sklearnSide(file: string, trees: number): { trainMs: number; auc: number } | null {
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status !== 0) return null;
  const out = spawnSync(PYTHON, [path.join(ROOT, 'bench/reference/supervised_reference.py'), '--forest-bench', file], {
    encoding: 'utf8',
    env: { ...process.env, TREES: String(trees) },
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`sklearn forest bench failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { trainMs: number; auc: number };
}

export async function forestBenchmark(opts: { n: number; d: number; trees: number; seed: number }): Promise<ForestBenchResult> {
  const { n, d, trees, seed } = opts;
  const { x, y } = benchData(n, d, seed);
  const nTrain = Math.round(n * 0.8);
  const xtr = matrix(nTrain, d, x.data.slice(0, nTrain * d));
  const xte = matrix(n - nTrain, d, x.data.slice(nTrain * d));

  const t0 = performance.now();
  const model = trainForest(xtr, y.subarray(0, nTrain), { task: 'classification', trees, seed });
  const trainMs = performance.now() - t0;
  const auc = rocAuc(y.subarray(nTrain), predictForest(model, xte));

  // Prediction speed on 1M rows (fresh rows from the same generator; a warm-up call first).
  const big = benchData(1_000_000, d, seed + 1).x;
  predictForest(model, xte);
  const t1 = performance.now();
  predictForest(model, big);
  const predictMsPer1M = performance.now() - t1;

  const file = path.join(os.tmpdir(), `tailor-forest-bench-${process.pid}.f64`);
  const header = Float64Array.of(n, d, nTrain);
  const buf = new Float64Array(3 + n * d + n);
  buf.set(header, 0);
  buf.set(x.data, 3);
  buf.set(y, 3 + n * d);
  writeFileSync(file, new Uint8Array(buf.buffer));
  try {
    const sk = sklearnSide(file, trees);
    return { trainMs, predictMsPer1M, auc, sklearnTrainMs: sk?.trainMs ?? null, sklearnAuc: sk?.auc ?? null };
  } finally {
    rmSync(file, { force: true });
  }
}
