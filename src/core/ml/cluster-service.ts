import { phases, type OnPhase } from '../progress.ts';
import { validationError } from '../schemas/segment-rule.ts';
import { z } from 'zod';
import { TailorError } from '../errors.ts';
import { adjustedRandIndex } from './cluster/ari.ts';
import { clusterCards, type ClusterCard } from './cluster/cards.ts';
import { dendrogramSvg } from './cluster/dendrogram-svg.ts';
import { scatterSvg } from './cluster/scatter-svg.ts';
import type { ClusterOutcome } from './cluster-job.ts';
import type { MlCompute } from './compute.ts';
import { fitTransform, inferColumns, transform, type FittedTransform } from './feature-matrix.ts';
import type { ModelDataPort } from './predict/service.ts';
import { PREDICTOR_FEATURES } from './predict/spec.ts';
import type { ModelRecord, RegistryPort } from './registry.ts';

export const DEFAULT_CLUSTER_FEATURES = ['recency_days', 'frequency', 'monetary', 'aov', 'tenure_days', 'orders_90d', 'opens_30d', 'clicks_30d'];

export const clusterSpecSchema = z.object({
  name: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('clusters'),
  algo: z.enum(['kmeans', 'hierarchical', 'dbscan']).default('kmeans'),
  features: z.array(z.enum(PREDICTOR_FEATURES as [string, ...string[]])).min(1).default(DEFAULT_CLUSTER_FEATURES),
  traits: z.array(z.string().min(1)).default([]),
  k: z.union([z.literal('auto'), z.number().int().min(2).max(50)]).default('auto'),
  kMax: z.number().int().min(2).max(50).default(10),
  seed: z.number().int().default(1),
  nInit: z.number().int().min(1).max(100).default(10),
  eps: z.number().gt(0).nullable().default(null),
  minPts: z.number().int().min(2).nullable().default(null),
  scaling: z.enum(['standard', 'minmax']).default('standard'),
  /** A trait holding known groups: the run reports the adjusted Rand index against it (never used as a feature). */
  truth: z.string().min(1).nullable().default(null),
}).strict();

export type ClusterSpec = z.output<typeof clusterSpecSchema>;
export type ClusterSpecInput = z.input<typeof clusterSpecSchema>;

export interface ClusterMetrics {
  profiles: number;
  k: number;
  silhouette: number | null;
  inertia: number | null;
  noise: number;
  fittedOn: number;
  eps: number | null;
  minPts: number | null;
  miniBatch: boolean;
  choice: ClusterOutcome['choice'];
  explainedVariance: number[];
  /** Adjusted Rand index against `truth`, over the profiles that have it. */
  ari: { trait: string; value: number; profiles: number } | null;
  cards: ClusterCard[];
}

export interface ClusterRun {
  model: ModelRecord<ClusterSpec, ClusterMetrics, { transform: FittedTransform }> | null;
  metrics: ClusterMetrics;
  ids: string[];
  labels: Int32Array;
  /** SVG documents: the 2-D PCA scatter, and the dendrogram for Ward. */
  svg: { scatter: string; dendrogram: string | null };
  saved: number;
}

/**
 * The clustering use case: profiles with any activity as of `asOf` → feature matrix → the chosen
 * algorithm (off the request thread through MlCompute) → cluster cards, a PCA scatter, a dendrogram
 * for Ward, and (unless `save` is false) the `cluster` profile feature and a registry entry.
 */
export class ClusterService {
  constructor(
    private readonly data: ModelDataPort,
    private readonly registry: RegistryPort,
    private readonly compute: MlCompute,
    private readonly now: () => number,
  ) {}

  parseSpec(input: ClusterSpecInput): ClusterSpec {
    const r = clusterSpecSchema.safeParse(input);
    if (!r.success) throw validationError('', r.error);
    return r.data;
  }

  async run(input: ClusterSpecInput, opts: { asOf?: number; save?: boolean; onPhase?: OnPhase } = {}): Promise<ClusterRun> {
    const spec = this.parseSpec(input);
    const step = phases(opts.save === false ? ['data', 'cluster', 'describe'] : ['data', 'cluster', 'describe', 'save'], opts.onPhase);
    step.next('loading features');
    if (spec.truth && spec.traits.includes(spec.truth)) throw new TailorError('invalid_argument', `the truth trait '${spec.truth}' cannot also be a feature`, 'truth');
    const asOf = opts.asOf ?? this.now();
    const snap = await this.data.snapshot(asOf, [...new Set([...spec.features, 'tenure_days'])], spec.truth ? [...spec.traits, spec.truth] : spec.traits);
    const keep = snap.rows.map((r, i) => (r.tenure_days === null ? -1 : i)).filter((i) => i >= 0);
    const rows = keep.map((i) => snap.rows[i]!);
    const ids = keep.map((i) => snap.ids[i]!);
    if (rows.length < 3) throw new TailorError('invalid_argument', `only ${rows.length} profiles with activity as of ${new Date(asOf).toISOString()}: clustering needs at least 3`, 'asOf');
    const columns = inferColumns(rows, [...spec.features, ...spec.traits]);
    const t = fitTransform(rows, columns, spec.scaling);
    const { scaled, original } = transform(t, rows);
    step.next('clustering');
    const out = await this.compute.cluster({
      algo: spec.algo,
      x: scaled, k: spec.k, kMax: spec.kMax, seed: spec.seed, nInit: spec.nInit, eps: spec.eps, minPts: spec.minPts,
    });
    step.next('describing clusters');
    const cards = clusterCards({ labels: out.labels, scaled, original, featureNames: t.featureNames });
    const metrics: ClusterMetrics = {
      profiles: rows.length, k: out.k, silhouette: out.silhouette, inertia: out.inertia, noise: out.noise, fittedOn: out.fittedOn,
      eps: out.eps, minPts: out.minPts, miniBatch: out.miniBatch, choice: out.choice, explainedVariance: out.explainedVariance,
      ari: spec.truth ? ariAgainst(rows.map((r) => r[spec.truth!]), out.labels, spec.truth) : null, cards,
    };
    const names = Object.fromEntries(cards.map((c) => [c.cluster, c.cluster < 0 ? 'noise' : `${c.cluster}: ${c.description}`]));
    const pct = (v: number | undefined) => `${(100 * (v ?? 0)).toFixed(1)}%`;
    const svg = {
      scatter: scatterSvg(out.projection, out.labels, {
        title: `${spec.algo} clusters of ${rows.length} profiles (PCA)`, names, seed: spec.seed,
        xLabel: `PC1 (${pct(out.explainedVariance[0])} of variance)`, yLabel: `PC2 (${pct(out.explainedVariance[1])})`,
      }),
      dendrogram: out.linkage ? dendrogramSvg(out.linkage, { title: `Ward dendrogram (${out.fittedOn} profiles)` }) : null,
    };
    if (opts.save === false) {
      step.end();
      return { model: null, metrics, ids, labels: out.labels, svg, saved: 0 };
    }
    step.next('saving the cluster feature');
    const saved = await this.data.saveScores('cluster', ids, out.labels);
    const model = await this.registry.save({
      name: spec.name, kind: 'cluster', target: 'cluster', algo: spec.algo, spec, metrics, artifact: { transform: t },
      dataWindow: { asOf: new Date(asOf).toISOString(), profiles: rows.length }, baseline: null, createdAt: this.now(),
    });
    step.end();
    return { model, metrics, ids, labels: out.labels, svg, saved };
  }
}

function ariAgainst(truth: unknown[], labels: Int32Array, trait: string): ClusterMetrics['ari'] {
  const a: string[] = [];
  const b: number[] = [];
  truth.forEach((v, i) => {
    if (v === null || v === undefined || v === '') return;
    a.push(String(v));
    b.push(labels[i]!);
  });
  return a.length ? { trait, value: adjustedRandIndex(a, b), profiles: a.length } : null;
}
