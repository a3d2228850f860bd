import { runCluster, type ClusterJob, type ClusterOutcome } from './cluster-job.ts';
import { kmeans, type KMeansOptions, type KMeansResult } from './cluster/kmeans.ts';
import type { Matrix } from './matrix.ts';
import { evaluate, type EvaluateJob, type Evaluation } from './predict/evaluate.ts';
import { fromJson, predict, toJson, trainModel, type ModelKind, type Task, type TrainParams } from './supervised/model.ts';

export interface FitJob { kind: ModelKind; task: Task; params: TrainParams; seed: number; x: Matrix; y: Float64Array }
/** The fitted model as JSON (what the registry stores) and its scores on the rows it was fitted on (the drift baseline). */
export interface FitResult { model: unknown; trainScores: Float64Array }

/**
 * The heavy numeric work of the models, behind one narrow port so that the composition root can
 * run it off the request thread (src/jobs/ml-worker-pool.ts runs these same functions in a worker
 * thread; tests and small runs call them in-process). Inputs and outputs are typed arrays and
 * plain JSON, which cross a thread boundary without conversion.
 */
export interface MlCompute {
  evaluate(job: EvaluateJob): Promise<Evaluation>;
  fit(job: FitJob): Promise<FitResult>;
  predict(model: unknown, x: Matrix): Promise<Float64Array>;
  cluster(job: ClusterJob): Promise<ClusterOutcome>;
}

export const ML_OPS = {
  evaluate: (job: EvaluateJob): Evaluation => evaluate(job),
  fit: (job: FitJob): FitResult => {
    const model = trainModel(job.kind, job.task, job.x, job.y, { ...job.params, seed: job.seed });
    return { model: toJson(model), trainScores: predict(model, job.x) };
  },
  predict: (model: unknown, x: Matrix): Float64Array => predict(fromJson(model), x),
  cluster: (job: ClusterJob): ClusterOutcome => runCluster(job),
  kmeans: (x: Matrix, opts: KMeansOptions): KMeansResult => kmeans(x, opts),
};
export type MlOp = keyof typeof ML_OPS;

/** The in-process implementation: the same functions on the calling thread. */
export const localCompute: MlCompute = {
  evaluate: async (job) => ML_OPS.evaluate(job),
  fit: async (job) => ML_OPS.fit(job),
  predict: async (model, x) => ML_OPS.predict(model, x),
  cluster: async (job) => ML_OPS.cluster(job),
};
