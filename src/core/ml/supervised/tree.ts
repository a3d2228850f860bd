/**
 * CART tree growth on pre-binned features (binning.ts): depth-first, binary splits "x <= t", each
 * split chosen to maximise the reduction of weighted squared error of a target g:
 *
 *   gain = G_L²/W_L + G_R²/W_R − G²/W        (G = Σ w·g, W = Σ w over the node)
 *
 * For a 0/1 target this is exactly half the weighted Gini decrease (Gini = 2p(1−p), so
 * W·Gini = 2(G − G²/W)), so one criterion serves classification (Breiman et al. 1984, as
 * scikit-learn's criterion='gini') and regression ('squared_error'), and the gradient trees of gbt.ts.
 * Leaf value = Σ w·g / Σ w·h: the class-1 proportion / mean when h = 1, one Newton step for boosting.
 *
 * As scikit-learn's trees: min_samples_leaf / min_samples_split count rows (distinct in-bag rows with
 * bootstrap weights), maxFeatures features are drawn at random without replacement per split and
 * constant ones do not count toward it, a node with no positive gain becomes a leaf. Unlike sklearn the
 * candidate thresholds are the ≤ 255 bin edges rather than every midpoint (identical for columns with
 * ≤ 255 distinct values). Importance = Σ over a feature's splits of the weighted impurity decrease.
 *
 * Own implementation: the histogram trick is the whole speed story and none of the npm tree packages
 * has it (ml-cart sorts per node and feature; measured in bench/lib/forest-bench.ts).
 *
 * Output is a flat tree: node k is a leaf when feature[k] < 0 (value[k] is its prediction), else it
 * sends x to left[k] when x[feature[k]] <= value[k] and to left[k] + 1 otherwise (children are
 * allocated as adjacent pairs, so one index suffices).
 */
import type { Rng } from '../../prng.ts';
import type { Binned } from './binning.ts';

export interface TreeParams {
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  /** Features drawn per split (1 … cols). */
  maxFeatures: number;
}

export interface GrowInput {
  binned: Binned;
  /** The target the splits fit (y, or the gradient residual for boosting). */
  g: Float64Array;
  /** Row weights (bootstrap counts); null = 1. Rows with weight 0 must not be in `rows`. */
  w: Float64Array | null;
  /** Leaf denominators' per-row factor (the Hessian for boosting); null = 1. */
  h: Float64Array | null;
  /** The rows this tree sees. Reordered in place. */
  rows: Int32Array;
  rng: Rng;
}

export interface GrownTree {
  feature: Int32Array;
  value: Float64Array;
  left: Int32Array;
  nodes: number;
  /** Σ weighted squared-error decrease per feature, divided by the root's weight (as sklearn's compute_feature_importances(normalize=False)). */
  importance: Float64Array;
}

class NodeBuffer {
  feature = new Int32Array(1024);
  value = new Float64Array(1024);
  left = new Int32Array(1024);
  size = 0;

  alloc(count: number): number {
    while (this.size + count > this.feature.length) {
      const cap = this.feature.length * 2;
      const f = new Int32Array(cap);
      f.set(this.feature);
      const v = new Float64Array(cap);
      v.set(this.value);
      const l = new Int32Array(cap);
      l.set(this.left);
      this.feature = f;
      this.value = v;
      this.left = l;
    }
    const at = this.size;
    this.size += count;
    return at;
  }
}

export function growTree(input: GrowInput, params: TreeParams): GrownTree {
  const { binned, g, w, h, rows, rng } = input;
  const { cols: d, codes, edges } = binned;
  const maxDepth = params.maxDepth;
  const minLeaf = Math.max(1, params.minSamplesLeaf);
  const minSplit = Math.max(2, params.minSamplesSplit, 2 * minLeaf);
  const mtry = Math.min(d, Math.max(1, params.maxFeatures));

  // Histograms of the candidate features, interleaved per bin as (row count, Σw, Σw·g) so one
  // update touches one cache line: slot c of the candidates uses hist[(c*256 + bin)*3 …].
  const hist = new Float64Array(d * 256 * 3);
  const lo = new Int32Array(d);
  const hi = new Int32Array(d);
  const cand = new Int32Array(d);
  const perm = new Int32Array(d);
  for (let f = 0; f < d; f++) perm[f] = f;
  const importance = new Float64Array(d);
  const buf = new NodeBuffer();
  buf.alloc(1);

  // Stack of (node, start, end, depth).
  const stack: number[] = [0, 0, rows.length, 0];
  let rootW = 0;
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    let W = 0;
    let G = 0;
    let H = 0;
    let G2 = 0;
    for (let k = start; k < end; k++) {
      const r = rows[k]!;
      const wr = w ? w[r]! : 1;
      const gr = g[r]!;
      W += wr;
      G += wr * gr;
      G2 += wr * gr * gr;
      H += wr * (h ? h[r]! : 1);
    }
    if (node === 0) rootW = W;
    const count = end - start;
    buf.feature[node] = -1;
    buf.value[node] = Math.abs(H) > 1e-150 ? G / H : 0;
    if (depth >= maxDepth || count < minSplit) continue;

    const parent = (G * G) / W;
    let bestGain = 1e-10 * Math.max(G2 - parent, 0) + 1e-300;
    let bestF = -1;
    let bestB = -1;
    let visited = 0;
    let drawn = 0;
    // Draw features in random order until mtry non-constant ones were searched (constant ones do
    // not count, as in sklearn). Usually one pass over the rows covers all of them.
    while (visited < mtry && drawn < d) {
      let nc = 0;
      while (nc < mtry - visited && drawn < d) {
        const j = drawn + Math.floor(rng.next() * (d - drawn));
        const f = perm[j]!;
        perm[j] = perm[drawn]!;
        perm[drawn] = f;
        drawn++;
        cand[nc] = f;
        lo[nc] = 255;
        hi[nc] = 0;
        nc++;
      }
      for (let q = start; q < end; q++) {
        const r = rows[q]!;
        const off = r * d;
        const wr = w ? w[r]! : 1;
        const wg = wr * g[r]!;
        for (let c = 0; c < nc; c++) {
          const b = codes[off + cand[c]!]!;
          const at = ((c << 8) + b) * 3;
          hist[at]!++;
          hist[at + 1]! += wr;
          hist[at + 2]! += wg;
          if (b < lo[c]!) lo[c] = b;
          if (b > hi[c]!) hi[c] = b;
        }
      }
      for (let c = 0; c < nc; c++) {
        const f = cand[c]!;
        const bLo = lo[c]!;
        const bHi = hi[c]!;
        const slot = c << 8;
        if (bLo === bHi) {
          hist.fill(0, (slot + bLo) * 3, (slot + bLo) * 3 + 3);
          continue; // constant in this node
        }
        visited++;
        let cl = 0;
        let wl = 0;
        let gl = 0;
        for (let b = bLo; b < bHi; b++) {
          const at = (slot + b) * 3;
          const cb = hist[at]!;
          if (cb === 0) continue; // same partition as the previous bin
          cl += cb;
          wl += hist[at + 1]!;
          gl += hist[at + 2]!;
          if (cl < minLeaf) continue;
          if (count - cl < minLeaf) break;
          const wr = W - wl;
          const gr = G - gl;
          const gain = (gl * gl) / wl + (gr * gr) / wr - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestB = b;
          }
        }
        hist.fill(0, (slot + bLo) * 3, (slot + bHi + 1) * 3);
      }
    }
    if (bestF < 0) continue;

    // Partition rows[start, end) so that code <= bestB comes first.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[rows[i]! * d + bestF]! <= bestB) i++;
      else {
        const t = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = t;
        j--;
      }
    }
    const left = buf.alloc(2);
    buf.feature[node] = bestF;
    buf.value[node] = edges[bestF]![bestB]!;
    buf.left[node] = left;
    importance[bestF]! += bestGain;
    stack.push(left + 1, i, end, depth + 1, left, start, i, depth + 1);
  }
  if (rootW > 0) for (let f = 0; f < d; f++) importance[f]! /= rootW;
  return {
    feature: buf.feature.slice(0, buf.size),
    value: buf.value.slice(0, buf.size),
    left: buf.left.slice(0, buf.size),
    nodes: buf.size,
    importance,
  };
}
