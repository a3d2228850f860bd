/**
 * The model registry's records (README "Models"): every training run is a new immutable version of
 * a named model, with its spec (parameters), metrics, data window, feature list, fitted artefact,
 * the training score distribution (for drift) and the last scoring run.
 */
export type ModelKindName = 'predict' | 'cluster';

export interface ScoreRun {
  at: number;
  asOf: number;
  scored: number;
  written: number;
  mean: number;
  /** Population Stability Index of these scores against the training scores; warning above 0.2. */
  psi: number | null;
  drift: boolean;
}

export interface ModelRecord<Spec = unknown, Metrics = unknown, Artifact = unknown> {
  id: string;
  name: string;
  version: number;
  kind: ModelKindName;
  target: string;
  algo: string;
  status: 'active' | 'superseded';
  spec: Spec;
  metrics: Metrics;
  artifact: Artifact;
  dataWindow: Record<string, unknown>;
  baseline: { scores: number[] } | null;
  lastScore: ScoreRun | null;
  createdAt: number;
}

export type NewModel<S = unknown, M = unknown, A = unknown> = Omit<ModelRecord<S, M, A>, 'id' | 'version' | 'status' | 'lastScore'>;

export interface RegistryPort {
  /** Stores a new version of `name` (the previous active version becomes superseded). */
  save<S, M, A>(m: NewModel<S, M, A>): Promise<ModelRecord<S, M, A>>;
  /** Every version, newest first, without artefacts. */
  list(filter?: { name?: string; kind?: ModelKindName }): Promise<ModelRecord[]>;
  /** By id, or by name (its active version), or `name@version`. */
  get(ref: string): Promise<ModelRecord | null>;
  setLastScore(id: string, run: ScoreRun): Promise<void>;
}

export const BASELINE_SAMPLE = 10_000;

/** At most BASELINE_SAMPLE training scores, evenly spaced after sorting: the distribution, not the rows. */
export function baselineOf(scores: ArrayLike<number>): { scores: number[] } {
  const sorted = Float64Array.from(scores).sort();
  if (sorted.length <= BASELINE_SAMPLE) return { scores: Array.from(sorted) };
  const out: number[] = [];
  for (let i = 0; i < BASELINE_SAMPLE; i++) out.push(sorted[Math.floor(((i + 0.5) * sorted.length) / BASELINE_SAMPLE)]!);
  return { scores: out };
}

/** A registry row without the bulky parts (artefact, baseline): what lists, the API and `--json` show. */
export function modelDocument(m: ModelRecord): Record<string, unknown> {
  const { artifact: _a, baseline: _b, ...rest } = m;
  return { ...rest, createdAt: new Date(m.createdAt).toISOString() };
}
