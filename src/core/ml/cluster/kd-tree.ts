/**
 * A static k-d tree (J. L. Bentley, "Multidimensional binary search trees used for associative
 * searching", CACM 1975) for the fixed-radius and k-nearest-neighbour queries of DBSCAN and its eps
 * heuristic. Splits at the median of the widest dimension, leaves of ≤ 16 points, points copied in
 * tree order so a leaf scan reads contiguous memory. For low dimension (customer features after PCA,
 * d ≤ ~10) a query touches O(log n + matches) nodes, so 50k points take well under a second; unlike a
 * grid it needs no cell-size choice and works for any d. Our own code: small, and on our Matrix.
 */
import type { Matrix } from '../matrix.ts';

const LEAF = 16;

export class KdTree {
  private readonly d: number;
  private readonly pts: Float64Array; // points in tree order
  private readonly idx: Int32Array; // tree order → original row
  // Node arrays: children < 0 mark a leaf over [lo, hi).
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly dim: number[] = [];
  private readonly split: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];

  constructor(x: Matrix) {
    this.d = x.cols;
    const n = x.rows;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    this.build(x, order, 0, n);
    this.idx = order;
    this.pts = new Float64Array(n * this.d);
    for (let i = 0; i < n; i++) this.pts.set(x.data.subarray(order[i]! * this.d, order[i]! * this.d + this.d), i * this.d);
  }

  private build(x: Matrix, order: Int32Array, lo: number, hi: number): number {
    const node = this.lo.length;
    this.lo.push(lo);
    this.hi.push(hi);
    this.dim.push(0);
    this.split.push(0);
    this.left.push(-1);
    this.right.push(-1);
    if (hi - lo <= LEAF) return node;
    const d = this.d;
    let bestDim = 0;
    let bestSpread = -1;
    for (let t = 0; t < d; t++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = x.data[order[i]! * d + t]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx - mn > bestSpread) {
        bestSpread = mx - mn;
        bestDim = t;
      }
    }
    if (bestSpread <= 0) return node; // all points equal: keep as one leaf
    const sub = Array.from(order.subarray(lo, hi)).sort((p, q) => x.data[p * d + bestDim]! - x.data[q * d + bestDim]!);
    order.set(sub, lo);
    const mid = (lo + hi) >>> 1;
    this.dim[node] = bestDim;
    this.split[node] = x.data[order[mid]! * d + bestDim]!;
    // Left holds [lo, mid) (coordinates ≤ split), right [mid, hi) (coordinates ≥ split).
    const l = this.build(x, order, lo, mid);
    const r = this.build(x, order, mid, hi);
    this.left[node] = l;
    this.right[node] = r;
    return node;
  }

  /** Calls visit(row) for every row within distance ≤ r of q (q is read from q[qo..qo+d)). */
  radius(q: Float64Array, qo: number, r: number, visit: (row: number) => void): void {
    const r2 = r * r;
    const d = this.d;
    const stack: number[] = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const left = this.left[node]!;
      if (left < 0) {
        for (let i = this.lo[node]!, end = this.hi[node]!; i < end; i++) {
          let s = 0;
          for (let t = 0, o = i * d; t < d; t++) {
            const v = this.pts[o + t]! - q[qo + t]!;
            s += v * v;
          }
          if (s <= r2) visit(this.idx[i]!);
        }
        continue;
      }
      const diff = q[qo + this.dim[node]!]! - this.split[node]!;
      if (diff <= r) stack.push(left);
      if (diff >= -r) stack.push(this.right[node]!);
    }
  }

  /** Number of rows within distance ≤ r of q. */
  count(q: Float64Array, qo: number, r: number): number {
    let c = 0;
    this.radius(q, qo, r, () => c++);
    return c;
  }

  /** Distance from q to its k-th nearest row (k ≥ 1; the query point itself counts if it is a row). */
  kthDistance(q: Float64Array, qo: number, k: number): number {
    const d = this.d;
    const heap = new Float64Array(k).fill(Infinity); // max-heap of the k smallest squared distances
    const visit = (node: number): void => {
      const left = this.left[node]!;
      if (left < 0) {
        for (let i = this.lo[node]!, end = this.hi[node]!; i < end; i++) {
          let s = 0;
          for (let t = 0, o = i * d; t < d; t++) {
            const v = this.pts[o + t]! - q[qo + t]!;
            s += v * v;
          }
          if (s < heap[0]!) replaceTop(heap, s);
        }
        return;
      }
      const diff = q[qo + this.dim[node]!]! - this.split[node]!;
      const near = diff <= 0 ? left : this.right[node]!;
      const far = diff <= 0 ? this.right[node]! : left;
      visit(near);
      if (diff * diff <= heap[0]!) visit(far);
    };
    visit(0);
    return Math.sqrt(heap[0]!);
  }
}

function replaceTop(heap: Float64Array, v: number): void {
  const n = heap.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && heap[r]! > heap[l]! ? r : l;
    if (heap[c]! <= v) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = v;
}
