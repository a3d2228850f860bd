/**
 * `npm run bench:experiments`: how closely Tailor's experiment statistics agree with scipy /
 * statsmodels. Prints the worst relative error per statistic over the reference fixtures
 * (test/fixtures/experiment-stats-reference.json, written by
 * bench/reference/experiment_stats_reference.py, and test/experiments/msprt-reference.json, by
 * bench/reference/msprt_reference.py). The tests require 1e-6; this shows the margin.
 *
 * Then how long the always-valid test runs when the true effect is the planned one, with the old
 * fixed τ = 0.05 and with τ from the plan (mixing-scale.ts), against the fixed-horizon n:
 * seeded simulations (test/experiments/stopping-simulation.ts), 50 looks per planned n.
 */
import { readFileSync } from 'node:fs';
import { holm } from '../src/core/experiments/holm.ts';
import { meanLift, welchTest, type Moments } from '../src/core/experiments/means.ts';
import { cohensH, nPerArmFor } from '../src/core/experiments/power.ts';
import { mixingScale } from '../src/core/experiments/mixing-scale.ts';
import { probabilityBestRates } from '../src/core/experiments/probability-best.ts';
import { DEFAULT_TAU, likelihoodRatio, perArmForDecision, rateEvidence } from '../src/core/experiments/sequential.ts';
import { parseExperimentSpec } from '../src/core/schemas/experiment.ts';
import { simulateStopping } from '../test/experiments/stopping-simulation.ts';
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

const msprt = JSON.parse(readFileSync(new URL('../test/experiments/msprt-reference.json', import.meta.url), 'utf8'));
for (const c of msprt.rates) {
  const [xa, na, xb, nb, tau] = c.in;
  check('mSPRT ln Λ (rates)', Math.log(likelihoodRatio(rateEvidence({ successes: xa, n: na }, { successes: xb, n: nb }), tau)), c.logRatio);
}
const planSpec = (plan: object, arms = 2) =>
  parseExperimentSpec({ name: 'b', vary: 'subject', variants: Array.from({ length: arms }, (_, i) => ({ key: `v${i}` })), plan });
for (const c of msprt.plans) {
  const [baseline, mde, power, arms] = c.in;
  check('τ from a plan', mixingScale(planSpec({ baseline, mde, power }, arms)).tau, c.tau);
}
for (const c of msprt.decisions) {
  const [xa, na, xb, nb, tau, k] = c.in;
  check('recipients to a decision', perArmForDecision(rateEvidence({ successes: xa, n: na }, { successes: xb, n: nb }), tau, k / msprt.alpha)!, c.perArm);
}

console.log(`reference: ${ref.source}`);
console.log(`reference: ${msprt.source}`);
const width = Math.max(...[...worst.keys()].map((k) => k.length));
for (const [k, v] of worst) console.log(`${k.padEnd(width)}  ${v.toExponential(1)}`);

const TESTS = Number(process.env.STOPPING_TESTS ?? 1000);
console.log(`\nalways-valid test at the planned effect: mean recipients per arm at the stop / fixed-horizon n (${TESTS} seeded tests each, 50 looks per planned n)`);
const rows = [['plan', 'fixed n', 'τ before', 'before', 'τ from plan', 'after', 'median after', 'by fixed n after', 'τ × 2', 'τ / 2']];
for (const [baseline, mde] of [[0.03, 0.0045], [0.05, 0.01], [0.1, 0.02], [0.3, 0.03], [0.065, 0.065], [0.2, 0.1], [0.065, 0.2]] as const) {
  const tau = mixingScale(planSpec({ baseline, mde })).tau;
  const before = simulateStopping({ baseline, mde, tau: DEFAULT_TAU, tests: TESTS });
  const after = simulateStopping({ baseline, mde, tau, tests: TESTS });
  // A mixture twice as wide or half as wide as the plan: which side a default should err on.
  const wide = simulateStopping({ baseline, mde, tau: 2 * tau, tests: TESTS });
  const narrow = simulateStopping({ baseline, mde, tau: tau / 2, tests: TESTS });
  const f = before.fixedPerArm;
  const x = (s: typeof before) => `${(s.meanPerArm / f).toFixed(2)}×`;
  rows.push([`${baseline} → ${+(baseline + mde).toFixed(4)}`, String(f), String(DEFAULT_TAU), x(before), tau.toFixed(4),
    x(after), `${(after.medianPerArm / f).toFixed(2)}×`, `${Math.round(after.byFixed * 100)}%`, x(wide), x(narrow)]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((x, i) => x.padStart(widths[i]!)).join('  '));
