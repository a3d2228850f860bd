/**
 * Knee / elbow of a convex curve by Kneedle (V. Satopää, J. Albrecht, D. Irwin, B. Raghavan,
 * "Finding a 'Kneedle' in a haystack", ICDCSW 2011), offline form: both axes are normalised to
 * [0, 1] and the knee is the maximum of the difference curve between the normalised curve and the
 * straight line (chord) joining its end points — for a convex curve that is the point farthest
 * below the chord. We take the global maximum (no sensitivity threshold S, no online detection);
 * null when there are fewer than 3 points or no point lies clearly below the chord (a straight or
 * concave curve has no knee). Our own code: a few lines, no library dependency for it.
 */

/** Minimum normalised gap below the chord for a point to count as a knee. */
const MIN_GAP = 1e-3;

/** Knee of a decreasing convex curve (inertia against k: the elbow). Returns an index into xs, or null. */
export function kneeIndex(xs: readonly number[], ys: readonly number[]): number | null {
  return convexKnee(xs, ys);
}

/** Knee of an increasing convex curve (a sorted k-distance curve). Returns an index into xs, or null. */
export function kneeIndexIncreasing(xs: readonly number[], ys: readonly number[]): number | null {
  return convexKnee(xs, ys);
}

function convexKnee(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`${n} xs but ${ys.length} ys`);
  if (n < 3) return null;
  const x0 = xs[0]!;
  const x1 = xs[n - 1]!;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const y of ys) {
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (x1 === x0 || yMax === yMin) return null;
  const ny = (y: number) => (y - yMin) / (yMax - yMin);
  const ya = ny(ys[0]!);
  const yb = ny(ys[n - 1]!);
  let best = -1;
  let bestGap = MIN_GAP;
  for (let i = 1; i < n - 1; i++) {
    const u = (xs[i]! - x0) / (x1 - x0);
    const chord = ya + (yb - ya) * u;
    const gap = chord - ny(ys[i]!); // > 0 below the chord
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best < 0 ? null : best;
}
