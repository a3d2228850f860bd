import { phases, type OnPhase } from '../../progress.ts';
import { validationError } from '../../schemas/segment-rule.ts';
import { TailorError } from '../../errors.ts';
import type { MlCompute } from '../compute.ts';
import { fitTransform, inferColumns, transform, type ColumnSpec, type FittedTransform, type Row } from '../feature-matrix.ts';
import { psi } from '../metrics/index.ts';
import { baselineOf, type ModelRecord, type RegistryPort, type ScoreRun } from '../registry.ts';
import type { ModelKind, Task } from '../supervised/model.ts';
import { holdoutSplit } from '../validation/index.ts';
import type { Evaluation } from './evaluate.ts';
import { catalogKinds, DEFAULT_PREDICTORS, predictSpecSchema, type PredictSpec, type PredictSpecInput } from './spec.ts';
import { horizonMs, TARGETS, taskOf, traitLabel, type Outcome, type StoreTarget } from './targets.ts';

/** What training and scoring read from the store (src/store/models/model-data-store.ts). */
export interface ModelDataPort {
  /**
   * Live profiles that existed at `asOf`, each as one row: the named features computed from the
   * events up to `asOf` only (never later ones), and the named traits (their current values).
   */
  snapshot(asOf: number, features: readonly string[], traits: readonly string[]): Promise<{ ids: string[]; rows: Row[] }>;
  /** Orders and revenue per profile in (from, to]. */
  outcomes(from: number, to: number): Promise<Map<string, Outcome>>;
  /** Writes a model's scores as a profile feature (every other profile's value is cleared). */
  saveScores(feature: 'cluster' | NonNullable<PredictSpec['writes']>, ids: readonly string[], scores: ArrayLike<number>): Promise<number>;
}

export interface PredictArtifact { transform: FittedTransform; model: unknown; columns: ColumnSpec[] }
export interface PredictMetrics extends Evaluation { trainRows: number; testRows: number; skippedRows: number }
export type PredictModel = ModelRecord<PredictSpec, PredictMetrics, PredictArtifact>;

interface Labelled { rows: Row[]; y: Float64Array; ids: string[] }

const DAY = 86_400_000;
/** PSI above this is drift (the usual rule of thumb: < 0.1 stable, 0.1–0.2 moderate, > 0.2 significant). */
export const DRIFT_PSI = 0.2;
const iso = (t: number) => new Date(t).toISOString();

export class PredictService {
  constructor(
    private readonly data: ModelDataPort,
    private readonly registry: RegistryPort,
    private readonly compute: MlCompute,
    private readonly now: () => number,
  ) {}

  parseSpec(input: PredictSpecInput): PredictSpec {
    const r = predictSpecSchema.safeParse(input);
    if (!r.success) throw validationError('', r.error);
    // The forest's leaf size is chosen by CV unless given: fully grown trees give 0/1 probabilities on noisy targets.
    if (r.data.algo === 'forest' && r.data.params.minSamplesLeaf === undefined) return { ...r.data, params: { ...r.data.params, minSamplesLeaf: 'auto' } };
    return r.data;
  }

  /**
   * Trains a new version from the store. Store targets use a time split: features as of a cut-off
   * `asOf − horizon`, labels from the orders after it. With the time holdout (default) the model is
   * trained on the window before that (cut-off `asOf − 2·horizon`) and tested on the later one; the
   * registered model is then refitted on the later window, the most recent labelled data.
   */
  async train(input: PredictSpecInput, asOf = this.now(), onPhase?: OnPhase): Promise<PredictModel> {
    const spec = this.parseSpec(input);
    const step = phases(['data', 'fit', 'baseline', 'save'], onPhase);
    step.next('loading features and labels');
    const isTrait = spec.target.startsWith('trait:');
    if (!isTrait && spec.writes) throw new TailorError('invalid_argument', `${spec.target} writes ${TARGETS[spec.target as StoreTarget].writes}; --writes is for trait targets`, 'writes');
    const features = spec.features ?? DEFAULT_PREDICTORS;
    let train: Labelled;
    let test: Labelled;
    let latest: Labelled;
    let window: Record<string, unknown>;
    let skipped = 0;
    let task: Task;
    if (isTrait) {
      const trait = spec.target.slice('trait:'.length);
      if (spec.traits.includes(trait)) throw new TailorError('invalid_argument', `the label trait '${trait}' cannot also be a predictor`, 'traits');
      const all = await this.traitLabelled(asOf, features, spec.traits, trait);
      skipped = all.skipped;
      task = taskOf(all.set.y);
      ({ train, test } = split(all.set, spec, task));
      latest = all.set;
      window = { asOf: iso(asOf), label: `trait ${trait} (current value)` };
    } else {
      const def = TARGETS[spec.target as StoreTarget];
      task = def.task;
      const h = horizonMs(spec.horizonDays ?? def.defaultHorizonDays);
      const c1 = asOf - h;
      latest = await this.windowLabelled(spec.target as StoreTarget, c1, asOf, features, spec.traits);
      const holdout = spec.holdout ?? 'time';
      if (holdout === 'time') {
        train = await this.windowLabelled(spec.target as StoreTarget, c1 - h, c1, features, spec.traits);
        test = latest;
        window = { asOf: iso(asOf), holdout, train: { featuresAsOf: iso(c1 - h), labels: [iso(c1 - h), iso(c1)] }, test: { featuresAsOf: iso(c1), labels: [iso(c1), iso(asOf)] }, final: { featuresAsOf: iso(c1), labels: [iso(c1), iso(asOf)] } };
      } else {
        ({ train, test } = split(latest, spec, task));
        window = { asOf: iso(asOf), holdout, featuresAsOf: iso(c1), labels: [iso(c1), iso(asOf)], testFraction: spec.testFraction };
      }
    }
    step.next('fitting and evaluating');
    const { algo, evaluation, artifact, trainScores } = await this.fitAndEvaluate(spec, task, inferColumns(latest.rows, [...features, ...spec.traits], catalogKinds(features)), train, test, latest);
    const name = spec.name ?? (isTrait ? spec.target.replace(':', '_') : spec.target);
    const full: PredictSpec = { ...spec, name, features };
    // Drift baseline: the scores of the population the model is deployed on, as of training. (Its
    // in-sample training scores would not do: a forest's are near 0 and 1 and always look drifted.)
    step.next('scoring the population (drift baseline)');
    const deployed = await this.scoresAt(full, artifact, asOf);
    step.next('saving the model');
    const saved = await this.registry.save({
      name, kind: 'predict', target: spec.target, algo, spec: full,
      metrics: { ...evaluation, trainRows: train.y.length, testRows: test.y.length, skippedRows: skipped },
      artifact, dataWindow: { ...window, finalRows: latest.y.length },
      baseline: baselineOf(deployed.scores.length ? deployed.scores : trainScores), createdAt: this.now(),
    }) as PredictModel;
    step.end();
    return saved;
  }

  /**
   * Evaluates on the holdout (trained on `train` only, with CV and importances), then fits the
   * model to register on `latest`, each with its own fitted feature transform.
   */
  private async fitAndEvaluate(spec: PredictSpec, task: Task, columns: ColumnSpec[], train: Labelled, test: Labelled, latest: Labelled):
    Promise<{ algo: ModelKind; evaluation: Evaluation; artifact: PredictArtifact; trainScores: Float64Array }> {
    checkLabels(train, task, 'training');
    checkLabels(test, task, 'holdout');
    const algo: ModelKind = spec.algo ?? 'gbt';
    if (task === 'classification' && algo === 'ridge') throw new TailorError('invalid_argument', 'ridge is a regression model: use logistic, forest or gbt for a yes/no target', 'algo');
    if (task === 'regression' && algo === 'logistic') throw new TailorError('invalid_argument', 'logistic is for yes/no targets: use ridge, forest or gbt for a numeric target', 'algo');
    const evalT = fitTransform(train.rows, columns, spec.scaling);
    const evaluation = await this.compute.evaluate({
      kind: algo, task, params: spec.params, seed: spec.seed, threshold: spec.threshold, folds: spec.folds,
      permutationRepeats: spec.permutationRepeats, featureNames: evalT.featureNames,
      train: { x: transform(evalT, train.rows).scaled, y: train.y }, test: { x: transform(evalT, test.rows).scaled, y: test.y },
    });
    const finalT = fitTransform(latest.rows, columns, spec.scaling);
    const fitted = await this.compute.fit({ kind: algo, task, params: spec.params, seed: spec.seed, x: transform(finalT, latest.rows).scaled, y: latest.y });
    return { algo, evaluation, artifact: { transform: finalT, model: fitted.model, columns }, trainScores: fitted.trainScores };
  }

  /**
   * Scores every eligible profile as of `asOf` with a stored model and writes the feature it owns
   * (churn_risk, purchase_propensity, predicted_revenue_90d). Drift: the PSI of these scores against
   * the training scores, flagged above 0.2.
   */
  async score(ref: string, asOf = this.now()): Promise<{ model: PredictModel; run: ScoreRun; ids: string[]; scores: Float64Array }> {
    const model = await this.model(ref);
    const { ids, scores } = await this.scoresAt(model.spec, model.artifact, asOf);
    const def = model.spec.target.startsWith('trait:') ? null : TARGETS[model.spec.target as StoreTarget];
    const writes = model.spec.writes === undefined ? def?.writes ?? null : model.spec.writes;
    const written = writes ? await this.data.saveScores(writes, ids, scores) : 0;
    const drift = model.baseline && scores.length ? psi(model.baseline.scores, scores) : null;
    const run: ScoreRun = {
      at: this.now(), asOf, scored: scores.length, written, mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN,
      psi: drift, drift: drift !== null && drift > DRIFT_PSI,
    };
    await this.registry.setLastScore(model.id, run);
    return { model, run, ids, scores };
  }

  /** A model's scores for every profile it applies to as of `asOf` (store targets: the eligible ones). */
  private async scoresAt(spec: PredictSpec, artifact: PredictArtifact, asOf: number): Promise<{ ids: string[]; scores: Float64Array }> {
    const { ids, rows } = await this.data.snapshot(asOf, withEligibility(spec.features ?? DEFAULT_PREDICTORS), spec.traits);
    const def = spec.target.startsWith('trait:') ? null : TARGETS[spec.target as StoreTarget];
    const keep: number[] = [];
    rows.forEach((r, i) => {
      if (!def || def.eligible(Number(r.frequency ?? 0), (r.tenure_days as number | null) ?? null)) keep.push(i);
    });
    const kept = keep.map((i) => rows[i]!);
    const scores = kept.length ? await this.compute.predict(artifact.model, transform(artifact.transform, kept).scaled) : new Float64Array(0);
    return { ids: keep.map((i) => ids[i]!), scores };
  }

  /** Trains on rows given directly (a CSV with a label column): no time split; a seeded random holdout. */
  async trainOnRows(rows: Row[], opts: { target: string; idColumn?: string; features?: string[]; spec: Omit<PredictSpecInput, 'target' | 'features'> }): Promise<{ model: PredictModel; testIds: string[] }> {
    const spec = this.parseSpec({ ...opts.spec, target: `trait:${opts.target}` });
    if (!rows.length) throw new TailorError('invalid_argument', 'the file has no rows', 'file');
    if (!(opts.target in rows[0]!)) throw new TailorError('invalid_argument', `no column '${opts.target}' in the file (columns: ${Object.keys(rows[0]!).join(', ')})`, 'target');
    const predictors = opts.features ?? Object.keys(rows[0]!).filter((c) => c !== opts.target && c !== opts.idColumn);
    const missing = predictors.filter((c) => !(c in rows[0]!));
    if (missing.length) throw new TailorError('invalid_argument', `no column '${missing[0]}' in the file`, 'features');
    const { set: labelled, skipped } = labelRows(rows, (r, i) => (opts.idColumn ? String(r[opts.idColumn]) : String(i + 1)), (r) => traitLabel(r[opts.target]));
    const task = taskOf(labelled.y);
    const { train, test } = split(labelled, spec, task);
    const { algo, evaluation, artifact, trainScores } = await this.fitAndEvaluate(spec, task, inferColumns(labelled.rows, predictors), train, test, labelled);
    const name = spec.name ?? `csv_${opts.target}`;
    const model = await this.registry.save({
      name, kind: 'predict', target: spec.target, algo, spec: { ...spec, name, features: [], traits: predictors, writes: null },
      metrics: { ...evaluation, trainRows: train.y.length, testRows: test.y.length, skippedRows: skipped },
      artifact, dataWindow: { source: 'file', rows: rows.length, labelled: labelled.y.length, testFraction: spec.testFraction, seed: spec.seed },
      baseline: baselineOf(trainScores), createdAt: this.now(),
    }) as PredictModel;
    return { model, testIds: test.ids };
  }

  /** Scores rows given directly with a stored model (the columns it was trained on). */
  async scoreRows(ref: string, rows: Row[]): Promise<{ model: PredictModel; scores: Float64Array }> {
    const model = await this.model(ref);
    return { model, scores: rows.length ? await this.compute.predict(model.artifact.model, transform(model.artifact.transform, rows).scaled) : new Float64Array(0) };
  }

  async model(ref: string): Promise<PredictModel> {
    const m = await this.registry.get(ref);
    if (!m || m.kind !== 'predict') throw new TailorError('not_found', `no predictive model '${ref}'`, 'model');
    return m as PredictModel;
  }

  /** The latest version of every model with a retraining interval, whose interval has passed. */
  async due(now = this.now()): Promise<PredictModel[]> {
    const active = (await this.registry.list({ kind: 'predict' })).filter((m) => m.status === 'active') as PredictModel[];
    return active.filter((m) => m.spec.retrainEveryDays && m.dataWindow.source !== 'file' && m.createdAt + m.spec.retrainEveryDays * DAY <= now);
  }

  /** Next instant a retraining is due (for the scheduler). */
  async nextDue(): Promise<number | null> {
    const active = (await this.registry.list({ kind: 'predict' })).filter((m) => m.status === 'active' && m.dataWindow.source !== 'file') as PredictModel[];
    const times = active.filter((m) => m.spec.retrainEveryDays).map((m) => m.createdAt + m.spec.retrainEveryDays! * DAY);
    return times.length ? Math.min(...times) : null;
  }

  /** Retrains a model with its stored spec as of now and scores with the new version. */
  async retrain(m: PredictModel): Promise<PredictModel> {
    const fresh = await this.train(m.spec);
    await this.score(fresh.id);
    return fresh;
  }

  private async windowLabelled(target: StoreTarget, cutoff: number, end: number, features: string[], traits: string[]): Promise<Labelled> {
    const def = TARGETS[target];
    const snap = await this.data.snapshot(cutoff, withEligibility(features), traits);
    const outcomes = await this.data.outcomes(cutoff, end);
    return labelRows(snap.rows, (_, i) => snap.ids[i]!, (r, id) => (def.eligible(Number(r.frequency ?? 0), (r.tenure_days as number | null) ?? null)
      ? def.label(outcomes.get(id) ?? { orders: 0, revenue: 0 }) : null)).set;
  }

  private async traitLabelled(asOf: number, features: string[], traits: string[], trait: string): Promise<{ set: Labelled; skipped: number }> {
    const snap = await this.data.snapshot(asOf, features, [...traits, trait]);
    return labelRows(snap.rows, (_, i) => snap.ids[i]!, (r) => traitLabel(r[trait]));
  }
}

/** The rows with a label (null: none, counted as skipped), with their ids. */
function labelRows(rows: readonly Row[], idOf: (r: Row, i: number) => string, labelOf: (r: Row, id: string) => number | null): { set: Labelled; skipped: number } {
  const set: Labelled = { rows: [], ids: [], y: new Float64Array(0) };
  const ys: number[] = [];
  let skipped = 0;
  rows.forEach((r, i) => {
    const id = idOf(r, i);
    const y = labelOf(r, id);
    if (y === null) {
      skipped++;
      return;
    }
    set.rows.push(r);
    set.ids.push(id);
    ys.push(y);
  });
  set.y = Float64Array.from(ys);
  return { set, skipped };
}

/** Eligibility reads frequency and tenure, whether or not the model uses them as predictors. */
const withEligibility = (features: readonly string[]): string[] => [...new Set([...features, 'frequency', 'tenure_days'])];

function split(set: Labelled, spec: PredictSpec, task: Task): { train: Labelled; test: Labelled } {
  const s = holdoutSplit(set.y.length, { testFraction: spec.testFraction, seed: spec.seed, ...(task === 'classification' ? { stratify: set.y } : {}) });
  const pick = (idx: Int32Array): Labelled => ({ rows: Array.from(idx, (i) => set.rows[i]!), ids: Array.from(idx, (i) => set.ids[i]!), y: Float64Array.from(idx, (i) => set.y[i]!) });
  return { train: pick(s.train), test: pick(s.test) };
}

/** Too little data, or one class only, cannot give an honest model: say so rather than train one. */
function checkLabels(set: Labelled, task: Task, which: string): void {
  if (set.y.length < 20) throw new TailorError('invalid_argument', `only ${set.y.length} labelled profiles in the ${which} window: at least 20 are needed`, 'target');
  if (task === 'classification') {
    const pos = set.y.reduce((a, b) => a + b, 0);
    if (pos === 0 || pos === set.y.length) throw new TailorError('invalid_argument', `every label in the ${which} window is ${pos === 0 ? 0 : 1}: nothing to learn`, 'target');
  }
}
