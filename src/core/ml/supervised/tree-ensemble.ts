/**
 * The serialisable form of a set of trees, shared by forests and boosted models: all trees'
 * nodes in three flat arrays (plain number[] so the model is JSON as it stands and can be stored in
 * the registry or posted to a worker), and a fast evaluator over a compiled copy of them.
 *
 * Node k: a leaf when feature[k] < 0 (value[k] is its output); otherwise x goes to left[k] when
 * x[feature[k]] <= value[k], else to left[k] + 1. `left` indices are global (already offset by
 * the tree's start), roots are at `roots[t]`. NaN goes right (the comparison is false), the same
 * as in training (binning.ts).
 *
 * Evaluation (own code; the layout ideas are the usual ones for fast tree ensembles, cf. Asadi et
 * al. 2014 "Runtime optimizations for tree-based machine learning models"):
 * - Threshold codes instead of float compares. Per feature, the distinct thresholds used by any
 *   tree are sorted once; each input value is replaced by its rank code = the index of the first
 *   threshold >= it (NaN: past the last). Then "x <= thresholds[j]" is exactly "code <= j", so the
 *   result is bit-identical to comparing doubles, but a row costs one binary search per feature
 *   instead of one double compare per visited node, and codes fit in a byte (the trainer's binning
 *   gives ≤ 254 thresholds per feature), so a block of 4k rows × 20 features is 80 KB.
 * - A node is two int32s: its left child, and (feature slot << bits) | threshold code j. The step
 *   k = left − ((j − code) >> 31) is branch-free integer arithmetic.
 * - Leaves point to themselves with a threshold code no input reaches, so a row takes at most the
 *   tree's depth in steps; 4 rows are walked side by side, so their cache misses overlap
 *   instead of being paid one after the other, until all 4 sit on leaves (8 rows measured no better).
 * - Rows are processed in blocks, tree by tree inside a block: one tree's nodes (8 bytes each,
 *   160 KB for a 20k-node tree) stay in L2 while the block's codes stream past sequentially.
 * Leaf values are summed per row in tree order, exactly as a plain traversal would, so the output
 * is bit-for-bit the same (tree-ensemble.test.ts checks this against a straightforward walk).
 */
import type { Matrix } from '../matrix.ts';
import type { GrownTree } from './tree.ts';

export interface TreeEnsemble {
  feature: number[];
  value: number[];
  left: number[];
  roots: number[];
}

export function packTrees(trees: readonly GrownTree[], scale = 1): TreeEnsemble {
  let total = 0;
  for (const t of trees) total += t.nodes;
  const feature = new Array<number>(total);
  const value = new Array<number>(total);
  const left = new Array<number>(total);
  const roots: number[] = [];
  let offset = 0;
  for (const t of trees) {
    roots.push(offset);
    for (let k = 0; k < t.nodes; k++) {
      const leaf = t.feature[k]! < 0;
      feature[offset + k] = t.feature[k]!;
      value[offset + k] = leaf ? t.value[k]! * scale : t.value[k]!;
      left[offset + k] = leaf ? -1 : t.left[k]! + offset;
    }
    offset += t.nodes;
  }
  return { feature, value, left, roots };
}

type Codes = Uint8Array | Uint16Array;

/** The compiled evaluation form of an ensemble (see the header). */
interface Compiled {
  /** Per node: [next node if code <= threshold (self for a leaf), (slot << bits) | threshold code]. */
  nodes: Int32Array;
  /** Per node: the leaf output (0 for inner nodes). */
  leaf: Float64Array;
  roots: Int32Array;
  /** Per tree: the number of steps from the root to its deepest leaf. */
  depth: Int32Array;
  bits: number;
  /** Input column of each code slot (only columns some tree splits on get one). */
  slotColumn: Int32Array;
  /** Slot s's sorted distinct thresholds are cuts[cutStart[s] … cutStart[s + 1]). */
  cuts: Float64Array;
  cutStart: Int32Array;
  /** 1 + the largest column used, to check x is wide enough. */
  columns: number;
}

function compile(e: TreeEnsemble): Compiled {
  const n = e.feature.length;
  // Distinct thresholds per used column.
  const perColumn = new Map<number, number[]>();
  let columns = 0;
  for (let k = 0; k < n; k++) {
    const f = e.feature[k]!;
    if (f < 0) continue;
    columns = Math.max(columns, f + 1);
    let list = perColumn.get(f);
    if (!list) perColumn.set(f, (list = []));
    list.push(e.value[k]!);
  }
  const usedColumns = [...perColumn.keys()].sort((a, b) => a - b);
  const slotOf = new Map<number, number>();
  const slotColumn = Int32Array.from(usedColumns);
  const cutStart = new Int32Array(usedColumns.length + 1);
  const cutLists: Float64Array[] = [];
  let maxCuts = 0;
  usedColumns.forEach((f, s) => {
    slotOf.set(f, s);
    const sorted = Float64Array.from(perColumn.get(f)!).sort();
    let m = 0;
    for (let i = 0; i < sorted.length; i++) if (m === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i]!;
    cutLists.push(sorted.subarray(0, m));
    cutStart[s + 1] = cutStart[s]! + m;
    maxCuts = Math.max(maxCuts, m);
  });
  const cuts = new Float64Array(cutStart[usedColumns.length]!);
  cutLists.forEach((c, s) => cuts.set(c, cutStart[s]!));

  // Codes run 0 … maxCuts; the leaves' threshold code (all ones) must exceed every one of them.
  let bits = 1;
  while ((1 << bits) - 1 <= maxCuts) bits++;
  if (bits > 16 || usedColumns.length > 2 ** (31 - bits)) {
    throw new RangeError(`tree ensemble too large to compile: ${usedColumns.length} features with up to ${maxCuts} thresholds each`);
  }
  const mask = (1 << bits) - 1;

  // Renumber depth-first, tree by tree, with each node's children as an adjacent pair (as the
  // step needs) allocated when the node is reached: a subtree is then one contiguous run, so the
  // last steps of a walk stay within a few cache lines. (Breadth-first order was measured slower
  // on fully grown forests: most steps are deep, and it scatters the deep levels.) This also
  // makes the layout independent of how the JSON arrays happen to be ordered.
  const order = new Int32Array(n); // new index → old index
  const renumbered = new Int32Array(n).fill(-1); // old index → new index
  const roots = new Int32Array(e.roots.length);
  const depth = new Int32Array(e.roots.length);
  const stack: number[] = [];
  let next = 0;
  for (let t = 0; t < roots.length; t++) {
    const root = e.roots[t]!;
    if (renumbered[root] !== -1) throw new RangeError(`tree ${t}'s root ${root} belongs to another tree`);
    roots[t] = next;
    renumbered[root] = next;
    order[next++] = root;
    let max = 0;
    stack.push(root, 0);
    while (stack.length > 0) {
      const lv = stack.pop()!;
      const k = stack.pop()!;
      if (e.feature[k]! < 0) {
        max = Math.max(max, lv);
        continue;
      }
      const l = e.left[k]!;
      if (renumbered[l] !== -1 || renumbered[l + 1] !== -1) throw new RangeError(`tree ${t} is not a tree: node ${l} has two parents`);
      renumbered[l] = next;
      renumbered[l + 1] = next + 1;
      order[next] = l;
      order[next + 1] = l + 1;
      next += 2;
      stack.push(l + 1, lv + 1, l, lv + 1);
    }
    depth[t] = max;
  }
  const nodes = new Int32Array(2 * next);
  const leaf = new Float64Array(next);
  for (let j = 0; j < next; j++) {
    const k = order[j]!;
    const f = e.feature[k]!;
    if (f < 0) {
      nodes[2 * j] = j;
      nodes[2 * j + 1] = mask;
      leaf[j] = e.value[k]!;
    } else {
      const s = slotOf.get(f)!;
      const c = cuts.subarray(cutStart[s]!, cutStart[s + 1]!);
      nodes[2 * j] = renumbered[e.left[k]!]!;
      nodes[2 * j + 1] = (s << bits) | lowerBound(c, e.value[k]!);
    }
  }
  return { nodes, leaf, roots, depth, bits, slotColumn, cuts, cutStart, columns };
}

/** The first index i with v <= c[i] (c.length if none, and for NaN). */
function lowerBound(c: Float64Array, v: number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= c[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Compiled copies made on first use; the model object itself stays plain JSON.
const cache = new WeakMap<TreeEnsemble, Compiled>();

function compiled(e: TreeEnsemble): Compiled {
  let p = cache.get(e);
  if (!p) {
    p = compile(e);
    cache.set(e, p);
  }
  return p;
}

// Rows per block: 4,096 rows × 20 features of byte codes (80 KB) plus the block's sums (32 KB) stay
// in L2 next to the tree being walked (measured: 4k rows beat both 1k and 16k–128k on the forest).
const BLOCK = 4096;

/** Σ over trees of each row's leaf value. */
export function sumTrees(e: TreeEnsemble, x: Matrix): Float64Array {
  const c = compiled(e);
  if (c.columns > x.cols) throw new RangeError(`the trees use feature ${c.columns - 1}, x has ${x.cols} columns`);
  const out = new Float64Array(x.rows);
  const slots = Math.max(1, c.slotColumn.length);
  const size = Math.min(BLOCK, x.rows) * slots;
  // Bytes whenever they suffice (always for models trained here: binning gives ≤ 254 thresholds per
  // feature), so a block's codes take half the cache.
  const codes = c.bits <= 8 ? new Uint8Array(size) : new Uint16Array(size);
  for (let start = 0; start < x.rows; start += BLOCK) {
    const end = Math.min(x.rows, start + BLOCK);
    encode(c, x, start, end, codes, slots);
    for (let t = 0; t < c.roots.length; t++) walk(c, t, codes, slots, out, start, end - start);
  }
  return out;
}

/** Threshold codes of rows [start, end) into codes[(i − start) * slots + slot]. */
function encode(c: Compiled, x: Matrix, start: number, end: number, codes: Codes, slots: number): void {
  const { slotColumn, cuts, cutStart } = c;
  const data = x.data;
  const d = x.cols;
  for (let s = 0; s < slotColumn.length; s++) {
    const f = slotColumn[s]!;
    const from = cutStart[s]!;
    const m = cutStart[s + 1]! - from;
    for (let i = start; i < end; i++) {
      const v = data[i * d + f]!;
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= cuts[from + mid]!) hi = mid;
        else lo = mid + 1;
      }
      codes[(i - start) * slots + s] = lo;
    }
  }
}

/** Adds tree t's leaf value to out[start + i] for the block's m rows. */
function walk(c: Compiled, t: number, codes: Codes, slots: number, out: Float64Array, start: number, m: number): void {
  const { nodes, leaf, bits } = c;
  const mask = (1 << bits) - 1;
  const root = c.roots[t]!;
  const steps = c.depth[t]!;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const o0 = i * slots;
    const o1 = o0 + slots;
    const o2 = o1 + slots;
    const o3 = o2 + slots;
    let k0 = root;
    let k1 = root;
    let k2 = root;
    let k3 = root;
    for (let s = 0; s < steps; s++) {
      const p0 = k0;
      const p1 = k1;
      const p2 = k2;
      const p3 = k3;
      // Right when code > threshold code, i.e. when (threshold − code) is negative.
      const a0 = nodes[2 * k0 + 1]!;
      const a1 = nodes[2 * k1 + 1]!;
      const a2 = nodes[2 * k2 + 1]!;
      const a3 = nodes[2 * k3 + 1]!;
      k0 = nodes[2 * k0]! - (((a0 & mask) - codes[o0 + (a0 >>> bits)]!) >> 31);
      k1 = nodes[2 * k1]! - (((a1 & mask) - codes[o1 + (a1 >>> bits)]!) >> 31);
      k2 = nodes[2 * k2]! - (((a2 & mask) - codes[o2 + (a2 >>> bits)]!) >> 31);
      k3 = nodes[2 * k3]! - (((a3 & mask) - codes[o3 + (a3 >>> bits)]!) >> 31);
      if (((k0 ^ p0) | (k1 ^ p1) | (k2 ^ p2) | (k3 ^ p3)) === 0) break;
    }
    out[start + i]! += leaf[k0]!;
    out[start + i + 1]! += leaf[k1]!;
    out[start + i + 2]! += leaf[k2]!;
    out[start + i + 3]! += leaf[k3]!;
  }
  for (; i < m; i++) {
    const o = i * slots;
    let k = root;
    for (let s = 0; s < steps; s++) {
      const a = nodes[2 * k + 1]!;
      k = nodes[2 * k]! - (((a & mask) - codes[o + (a >>> bits)]!) >> 31);
    }
    out[start + i]! += leaf[k]!;
  }
}

/** One tree's output per row (used while boosting). */
export function evalTree(t: GrownTree, x: Matrix, rowsOut: Float64Array, scale: number): void {
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let k = 0;
    while (t.feature[k]! >= 0) k = t.left[k]! + (x.data[i * d + t.feature[k]!]! <= t.value[k]! ? 0 : 1);
    rowsOut[i]! += scale * t.value[k]!;
  }
}
