/**
 * Tree-ensemble prediction benchmark: trains a forest or gradient-boosted model on the synthetic
 * data of forest-bench.ts, round-trips it through JSON (as the model registry does, so prediction
 * starts from plain number[] arrays), and times predict() on `rows` fresh rows.
 *
 * Product target it measures: "score 1M profiles in ≤ 10 s" with the default GBT scoring model
 * (100 trees, depth 3) and a reasonable time for a fully grown 100-tree forest.
 */
import { matrix } from '../../src/core/ml/matrix.ts';
import { fromJson, predict, toJson, trainModel } from '../../src/core/ml/supervised/model.ts';
import { benchData } from './forest-bench.ts';

export interface PredictBenchOptions {
  rows: number;
  d: number;
  trees: number;
  trainRows: number;
  algo: 'forest' | 'gbt';
  seed: number;
}

export async function predictBenchmark(opts: PredictBenchOptions): Promise<{ trainMs: number; predictMs: number; rowsPerSecond: number }> {
  const { rows, d, trees, trainRows, algo, seed } = opts;
  const train = benchData(trainRows, d, seed);
  // Scoring rows from a different seed: the same distribution, unseen by the trees.
  const score = benchData(rows, d, seed + 1);

  const t0 = performance.now();
  const trained = trainModel(algo, 'classification', train.x, train.y, { trees, seed });
  const trainMs = performance.now() - t0;

  const model = fromJson(JSON.parse(JSON.stringify(toJson(trained))));
  const x = matrix(rows, d, score.x.data);
  await Promise.resolve();
  const t1 = performance.now();
  const p = predict(model, x);
  const predictMs = performance.now() - t1;
  if (p.length !== rows) throw new Error(`predict returned ${p.length} values for ${rows} rows`);
  return { trainMs, predictMs, rowsPerSecond: rows / (predictMs / 1000) };
}
