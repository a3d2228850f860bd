/**
 * Adjusted Rand index (L. Hubert & P. Arabie, "Comparing partitions", 1985), computed as
 * scikit-learn's adjusted_rand_score does, from the pair-confusion counts
 * (tn, fp, fn, tp): ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)), and 1 when
 * fn = fp = 0 (identical partitions, including one cluster each). Counts are BigInt so products stay
 * exact for any n. Our own code: a contingency table and a formula.
 */
export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`label arrays differ in length: ${n} vs ${b.length}`);
  const rowIds = new Map<number | string, number>();
  const colIds = new Map<number | string, number>();
  const cells = new Map<number, number>();
  const rowSums: number[] = [];
  const colSums: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = rowIds.get(a[i]!);
    if (r === undefined) {
      rowIds.set(a[i]!, (r = rowIds.size));
      rowSums.push(0);
    }
    let c = colIds.get(b[i]!);
    if (c === undefined) {
      colIds.set(b[i]!, (c = colIds.size));
      colSums.push(0);
    }
    rowSums[r]!++;
    colSums[c]!++;
    const key = r * 4294967296 + c;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const N = BigInt(n);
  let sumSquares = 0n;
  for (const v of cells.values()) sumSquares += BigInt(v) * BigInt(v);
  let rowSq = 0n; // Σ n_i² = Σ_ij n_ij · n_i. summed: the scikit-learn identity C·n_k
  for (const v of rowSums) rowSq += BigInt(v) * BigInt(v);
  let colSq = 0n;
  for (const v of colSums) colSq += BigInt(v) * BigInt(v);
  const tp = sumSquares - N;
  const fp = colSq - sumSquares; // pairs together in b, apart in a
  const fn = rowSq - sumSquares; // pairs together in a, apart in b
  const tn = N * N - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1;
  const num = 2n * (tp * tn - fn * fp);
  const den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return Number(num) / Number(den);
}
