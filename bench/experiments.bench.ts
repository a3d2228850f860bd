/**
 * `npm run bench:experiments`: how closely Tailor's experiment statistics agree with scipy /
 * statsmodels. Prints the worst relative error per statistic over the reference fixture
 * (test/fixtures/experiment-stats-reference.json, written by
 * bench/reference/experiment_stats_reference.py). The tests require 1e-6; this shows the margin.
 */
import { readFileSync } from 'node:fs';
import { holm } from '../src/core/experiments/holm.ts';
import { meanLift, welchTest, type Moments } from '../src/core/experiments/means.ts';
import { cohensH, nPerArmFor } from '../src/core/experiments/power.ts';
import { probabilityBestRates } from '../src/core/experiments/probability-best.ts';
import { chiSquareAcross, rateDifference, rateLift, twoProportionZTest, wilsonInterval } from '../src/core/experiments/proportions.ts';

const ref = JSON.parse(readFileSync(new URL('../test/fixtures/experiment-stats-reference.json', import.meta.url), 'utf8'));
const ALPHA: number = ref.alpha;
const worst = new Map<string, number>();
function check(what: string, actual: number, expected: number): void {
  if (expected === 0) return;
  worst.set(what, Math.max(worst.get(what) ?? 0, Math.abs(actual - expected) / Math.abs(expected)));
}
const checkAll = (what: string, actual: readonly number[], expected: readonly number[]) => actual.forEach((x, i) => check(what, x, expected[i]!));
const fromStats = (mean: number, sd: number, n: number): Moments => ({ n, sum: mean * n, sumSquares: sd * sd * (n - 1) + mean * mean * n });
const fromValues = (xs: number[]): Moments => ({ n: xs.length, sum: xs.reduce((s, x) => s + x, 0), sumSquares: xs.reduce((s, x) => s + x * x, 0) });

for (const c of ref.wilson) checkAll('Wilson interval', wilsonInterval({ successes: c.in[0], n: c.in[1] }, ALPHA), c.ci);
for (const c of ref.pairs) {
  const [xa, na, xb, nb] = c.in;
  const a = { successes: xa, n: na };
  const b = { successes: xb, n: nb };
  const z = twoProportionZTest(a, b);
  check('z statistic', z.z, c.z);
  check('z-test p', z.p, c.p);
  checkAll('difference interval', rateDifference(a, b, ALPHA).ci, c.diffCi);
  if (c.liftCi) checkAll('rate lift interval', rateLift(a, b, ALPHA)!.ci, c.liftCi);
}
for (const c of ref.chi2) {
  const r = chiSquareAcross(c.in.map(([successes, n]: number[]) => ({ successes, n })));
  check('χ² statistic', r.statistic, c.statistic);
  check('χ² p', r.p, c.p);
}
for (const c of ref.welch) {
  const [[ma, sa, na], [mb, sb, nb]] = c.in;
  const w = welchTest(fromStats(ma, sa, na), fromStats(mb, sb, nb), ALPHA);
  check('Welch t', w.t, c.t);
  check('Welch p', w.p, c.p);
  check('Welch dof', w.dof, c.dof);
  checkAll('Welch interval', w.ci, c.ci);
}
{
  const r = ref.welchRaw;
  const a = fromValues(r.a);
  const b = fromValues(r.b);
  const w = welchTest(a, b, ALPHA);
  check('Welch p (raw revenue)', w.p, r.p);
  checkAll('revenue lift interval', meanLift(a, b, ALPHA)!.ci, r.liftCi);
}
for (const c of ref.holm) checkAll('Holm adjusted p', holm(c.in), c.adjusted);
for (const c of ref.powerRates) {
  const [baseline, mde, power, alpha] = c.in;
  check('n per arm (rates)', nPerArmFor(cohensH(baseline, baseline + mde), alpha, power), c.nPerArm);
}
for (const c of ref.powerMeans) {
  const [mde, sd, power, alpha] = c.in;
  check('n per arm (means)', nPerArmFor(mde / sd, alpha, power), c.nPerArm);
}
for (const c of ref.pBest) {
  checkAll('P(best)', probabilityBestRates(c.in.map(([successes, n]: number[]) => ({ successes, n })), { alpha: c.prior[0], beta: c.prior[1] }), c.pBest);
}

console.log(`reference: ${ref.source}`);
const width = Math.max(...[...worst.keys()].map((k) => k.length));
for (const [k, v] of worst) console.log(`${k.padEnd(width)}  ${v.toExponential(1)}`);
