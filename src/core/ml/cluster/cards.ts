/**
 * Cluster "cards": what a marketer reads about each segment found by clustering — size, share,
 * mean and median in original units, the three most distinctive features by z-score in the scaled
 * space, and a short description built from words for the top two (|z| ≥ 0.5). Noise (label −1,
 * from DBSCAN) gets its own card. Plain descriptive statistics, so our own code.
 */
import type { Matrix } from '../matrix.ts';

export interface ClusterCard {
  cluster: number;
  size: number;
  share: number;
  /** Mean per feature in original units. */
  centroid: Record<string, number>;
  median: Record<string, number>;
  /** Top 3 by |z|, z = (cluster mean − overall mean) / overall sd, in the scaled space. */
  distinctive: { feature: string; z: number; direction: 'high' | 'low' }[];
  description: string;
}

export type FeatureWords = Record<string, { high: string; low: string }>;

/** Words for Tailor's standard features; other names fall back to "high <name>" / "low <name>". */
export const DEFAULT_FEATURE_WORDS: FeatureWords = {
  recency_days: { high: 'long since last order', low: 'ordered recently' },
  frequency: { high: 'frequent buyers', low: 'rare buyers' },
  monetary: { high: 'high spend', low: 'low spend' },
  aov: { high: 'large baskets', low: 'small baskets' },
  tenure_days: { high: 'long-standing', low: 'new' },
  orders_90d: { high: 'many recent orders', low: 'few recent orders' },
  revenue_90d: { high: 'high recent spend', low: 'low recent spend' },
  opens_30d: { high: 'high engagement', low: 'low engagement' },
  clicks_30d: { high: 'frequent clickers', low: 'rare clickers' },
  days_since_open: { high: 'long since last open', low: 'opened recently' },
  // The feature matrix's missing-value indicators: no order means no recency and no basket size.
  recency_days_missing: { high: 'never ordered', low: 'have ordered' },
  aov_missing: { high: 'never ordered', low: 'have ordered' },
  days_since_open_missing: { high: 'never opened an email', low: 'open emails' },
};

/** Words for a column: the table, a one-hot column `name=level`, or "high/low <name>". */
function phrase(words: FeatureWords, feature: string, direction: 'high' | 'low'): string {
  const w = words[feature]?.[direction];
  if (w) return w;
  const eq = feature.indexOf('=');
  if (eq > 0) return `${direction === 'high' ? 'mostly' : 'rarely'} ${feature.slice(0, eq)} ${feature.slice(eq + 1)}`;
  return `${direction} ${feature}`;
}

const DESCRIBE_MIN_Z = 0.5;

export function clusterCards(input: { labels: Int32Array; scaled: Matrix; original: Matrix; featureNames: string[]; words?: FeatureWords }): ClusterCard[] {
  const { labels, scaled, original, featureNames } = input;
  const n = labels.length;
  const d = featureNames.length;
  if (scaled.rows !== n || original.rows !== n) throw new RangeError(`labels (${n}), scaled (${scaled.rows}) and original (${original.rows}) rows differ`);
  if (scaled.cols !== d || original.cols !== d) throw new RangeError(`${d} feature names for ${scaled.cols}/${original.cols} columns`);
  const words = { ...DEFAULT_FEATURE_WORDS, ...input.words };

  // Overall mean and (population) sd in the scaled space.
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t]! += scaled.data[i * d + t]!;
  for (let t = 0; t < d; t++) mean[t]! /= n;
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) sd[t]! += (scaled.data[i * d + t]! - mean[t]!) ** 2;
  for (let t = 0; t < d; t++) sd[t] = Math.sqrt(sd[t]! / n);

  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    let m = members.get(l);
    if (!m) members.set(l, (m = []));
    m.push(i);
  }
  const ids = [...members.keys()].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));
  return ids.map((cluster) => {
    const rows = members.get(cluster)!;
    const centroid: Record<string, number> = {};
    const median: Record<string, number> = {};
    const zs: { feature: string; z: number; direction: 'high' | 'low' }[] = [];
    for (let t = 0; t < d; t++) {
      const name = featureNames[t]!;
      const values = rows.map((i) => original.data[i * d + t]!);
      centroid[name] = values.reduce((s, v) => s + v, 0) / values.length;
      median[name] = medianOf(values);
      let sm = 0;
      for (const i of rows) sm += scaled.data[i * d + t]!;
      const z = sd[t]! > 0 ? (sm / rows.length - mean[t]!) / sd[t]! : 0;
      zs.push({ feature: name, z, direction: z >= 0 ? 'high' : 'low' });
    }
    const distinctive = zs.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 3);
    // The two strongest columns that say something different (two indicators can mean the same thing).
    const phrases: string[] = [];
    for (const f of zs) {
      if (phrases.length === 2 || Math.abs(f.z) < DESCRIBE_MIN_Z) break;
      const p = phrase(words, f.feature, f.direction);
      if (!phrases.includes(p)) phrases.push(p);
    }
    const description = cluster === -1 ? 'outliers (in no dense group)' : phrases.length > 0 ? phrases.join(', ') : 'typical customers';
    return { cluster, size: rows.length, share: rows.length / n, centroid, median, distinctive, description };
  });
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
