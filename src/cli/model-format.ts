import type { ClassificationMetrics, RegressionMetrics } from '../core/ml/predict/holdout-metrics.ts';
import type { PredictModel } from '../core/ml/predict/service.ts';
import type { ModelRecord, ScoreRun } from '../core/ml/registry.ts';
import { table } from './output.ts';

const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

export function describeList(models: ModelRecord[]): string {
  if (!models.length) return 'no models yet: tailor predict train --target churn, or tailor cluster';
  return table([
    ['name', 'version', 'kind', 'target', 'algo', 'status', 'holdout', 'created'],
    ...models.map((m) => [m.name, m.version, m.kind, m.target, m.algo, m.status, headline(m), new Date(m.createdAt).toISOString().slice(0, 16)]),
  ]);
}

function headline(m: ModelRecord): string {
  const h = (m.metrics as { holdout?: ClassificationMetrics | RegressionMetrics }).holdout;
  if (h) return h.task === 'classification' ? `ROC-AUC ${f(h.rocAuc)}` : `R² ${f(h.r2)}`;
  const c = m.metrics as { k?: number; silhouette?: number | null };
  return c.k !== undefined ? `k=${c.k} silhouette ${f(c.silhouette ?? null)}` : '-';
}

export function describeScore(run: ScoreRun): string {
  const drift = run.psi === null ? 'no baseline' : `PSI ${f(run.psi)} against training${run.drift ? ' — WARNING: the score distribution has drifted (PSI > 0.2); retrain the model' : ''}`;
  return `scored ${run.scored} profiles as of ${new Date(run.asOf).toISOString()} (mean ${f(run.mean)}), ${run.written} written; ${drift}`;
}

export function describeModel(m: PredictModel): string {
  const h = m.metrics.holdout;
  const cv = m.metrics.cv;
  const lines = [
    `${m.name} v${m.version} (${m.id}): ${m.algo} for ${m.target}, ${m.status}, trained ${new Date(m.createdAt).toISOString()}`,
    `data: ${JSON.stringify(m.dataWindow)}`,
    `rows: ${m.metrics.trainRows} training, ${m.metrics.testRows} holdout${m.metrics.skippedRows ? `, ${m.metrics.skippedRows} without a usable label` : ''}`,
    `features: ${m.artifact.transform.featureNames.join(', ')}`,
    '',
  ];
  if (h.task === 'classification') {
    const c = h.confusion;
    lines.push(
      `holdout: ROC-AUC ${f(h.rocAuc)}  PR-AUC ${f(h.prAuc)}  log-loss ${f(h.logLoss)}  Brier ${f(h.brier)}  base rate ${f(h.baseRate)} (${h.positives}/${h.n})`,
      `confusion at ${c.threshold}: TP ${c.tp}  FP ${c.fp}  TN ${c.tn}  FN ${c.fn}  precision ${f(c.precision)}  recall ${f(c.recall)}  F1 ${f(c.f1)}  accuracy ${f(c.accuracy)}`,
      '', 'calibration (holdout):',
      table([['predicted', 'count', 'mean predicted', 'observed rate'], ...h.calibration.map((b) => [`${f(b.lo, 1)}–${f(b.hi, 1)}`, b.count, f(b.meanPredicted), f(b.observedRate)])]),
    );
  } else {
    lines.push(`holdout: RMSE ${f(h.rmse, 2)}  MAE ${f(h.mae, 2)}  R² ${f(h.r2)}  mean actual ${f(h.meanActual, 2)}  mean predicted ${f(h.meanPredicted, 2)} (n ${h.n})`);
  }
  lines.push(`${cv.folds}-fold CV on the training rows: ${cv.metric} ${f(cv.mean)} ± ${f(cv.sd)}`, '', 'feature importance (permutation on the holdout; impurity for trees):',
    table([['feature', 'permutation', '± sd', 'impurity'], ...m.metrics.importances.map((i) => [i.feature, f(i.permutation, 4), f(i.permutationSd, 4), f(i.impurity, 4)])]));
  if (m.lastScore) lines.push('', `last scoring: ${describeScore(m.lastScore)}`);
  return lines.join('\n');
}
