import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bgNbdModel, fitBgNbd } from '../../src/core/ml/clv/bg-nbd.ts';
import { fitGammaGamma } from '../../src/core/ml/clv/gamma-gamma.ts';
import { holdoutReport } from '../../src/core/ml/clv/holdout-report.ts';
import { fitParetoNbd } from '../../src/core/ml/clv/pareto-nbd.ts';
import { summarize } from '../../src/core/ml/clv/summary.ts';
import { readTransactionsFile } from '../../src/io/transactions-file.ts';
import { dataSet } from '../helpers/data-sets.ts';

/*
 * Which numbers are published and where (checked, not from memory):
 * - BG/NBD r=0.243 α=4.414 a=0.793 b=2.426, LL −9582.4, and Pareto/NBD r=0.553 α=10.578 s=0.606
 *   β=11.669, LL −9595.0: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
 *   Marketing Science 24(2), Sec. 7, on the 2,357-customer sample with a 39-week calibration. The
 *   same values are asserted "as reported in Fader, Hardie, Lee (2005)" by CLVTools'
 *   tests/testthat/test_correctness_bgnbd.R and test_correctness_pnbd.R (bachmannpatrick/CLVTools).
 * - Gamma-Gamma p=6.25 q=3.74 γ=15.44 on the 946 repeat customers: Fader & Hardie (2013), "The
 *   Gamma-Gamma Model of Monetary Value" (brucehardie.com/notes/025), as CLVTools'
 *   tests/testthat/test_correctness_gg.R cites it.
 * Everything else here is a regression pin: Tailor's own output, recorded so that a change of the
 * model, the optimiser or the summary is noticed, not a published figure.
 */
const CDNOW = dataSet('cdnow', ['cdnowElog.csv', 'CDNOW_master.txt', 'cdnow_customers_summary.csv', 'cdnow_customers_summary_with_transactions.csv'],
  'the CDNOW published-parameter tests');
const exists = CDNOW.available;
const ELOG = CDNOW.file('cdnowElog.csv');
const MASTER = CDNOW.file('CDNOW_master.txt');
const SUMMARY = CDNOW.file('cdnow_customers_summary.csv');
const WITH_Z = CDNOW.file('cdnow_customers_summary_with_transactions.csv');

const CAL_END = Date.UTC(1997, 8, 30);
const HOLDOUT_END = Date.UTC(1998, 5, 30);

/** The lifetimes summary files: header, then numeric rows. */
function readCsv(file: string): number[][] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

describe.skipIf(!exists)('CDNOW sample (Fader, Hardie & Lee 2005)', async () => {
  const file = exists ? await readTransactionsFile(ELOG, { columns: 'sampleid,date,sales' }) : undefined;
  const s = file ? summarize(file.log, { calibrationEnd: CAL_END, holdoutEnd: HOLDOUT_END }) : undefined;

  it('calibration summary matches the README counts and lifetimes\' summary file', () => {
    const sum = (a: Float64Array) => a.reduce((p, v) => p + v, 0);
    expect(s!.ids.length).toBe(2357);
    expect(sum(s!.x)).toBe(2457);
    expect(sum(s!.holdout)).toBe(1882);
    expect(s!.x.filter((v) => v === 0).length).toBe(1411);
    const ref = readCsv(SUMMARY);
    expect(ref).toHaveLength(2357);
    const at = new Map(s!.ids.map((id, i) => [Number(id), i]));
    for (const [id, x, tx, T] of ref) {
      const i = at.get(id!)!;
      expect(s!.x[i]).toBe(x);
      // The file has 2 d.p.: within rounding plus 0.005 weeks.
      expect(Math.abs(s!.tx[i]! - tx!)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(s!.T[i]! - T!)).toBeLessThanOrEqual(0.005);
    }
  });

  it('BG/NBD reproduces the published r=0.243 α=4.414 a=0.793 b=2.426, LL −9582.4 (FHL 2005, Sec. 7)', () => {
    const m = fitBgNbd(s!);
    expect(m.params.r.toFixed(3)).toBe('0.243');
    expect(m.params.alpha.toFixed(3)).toBe('4.414');
    expect(m.params.a.toFixed(3)).toBe('0.793');
    expect(m.params.b.toFixed(3)).toBe('2.426');
    expect(Math.abs(m.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.05);
  });

  it('conditional expectation for x=2, t_x=30.43, T=38.86 over 39 weeks: 1.226 at the published parameters (computed, a pin)', () => {
    // Not a printed figure: FHL (2005) give Eq. 10, not this customer's value. 1.226 is Eq. 10 at the
    // published parameters (src/core/ml/clv/reference.test.ts checks Eq. 10 against scipy); pinned here so
    // that our own fit is seen to give the same to 3 d.p.
    const published = bgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 0);
    expect(published.conditionalExpected(39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
    expect(fitBgNbd(s!).conditionalExpected(39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
  });

  it('holdout: predicted vs actual by frequency; the predicted total 1,653.4 is a regression pin, not published', () => {
    const m = fitBgNbd(s!);
    const r = holdoutReport(m, s!);
    expect(r.holdoutLength).toBeCloseTo(39, 10);
    expect(r.totalActual).toBe(1882);
    // Regression pin (Tailor's own number, not published): the sum of the customers' conditional
    // expectations for weeks 40–78. FHL's "under-forecast by 4%" is about cumulative repeat sales
    // from the unconditional E[X(t)] over the cohort's trial dates, a different quantity.
    expect(r.totalPredicted).toBeCloseTo(1653.4, 0);
    expect(r.groups.map((g) => g.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    for (const g of r.groups) expect(Math.abs(g.predicted - g.actual)).toBeLessThan(0.4);
  });

  it('Pareto/NBD reproduces the published r=0.553 α=10.578 s=0.606 β=11.669, LL −9595.0 (FHL 2005, Sec. 7)', () => {
    const m = fitParetoNbd(s!);
    expect(m.params.r.toFixed(3)).toBe('0.553');
    expect(m.params.alpha.toFixed(3)).toBe('10.578');
    expect(m.params.s.toFixed(3)).toBe('0.606');
    expect(m.params.beta.toFixed(3)).toBe('11.669');
    expect(Math.abs(m.logLikelihood - -9595.0)).toBeLessThanOrEqual(0.05);
  });

  it('Gamma-Gamma reproduces the published p=6.25 q=3.74 γ=15.44 (Fader & Hardie 2013) from the elog and from lifetimes\' zbar', () => {
    const ours = fitGammaGamma(s!);
    expect(ours.n).toBe(946);
    expect([ours.params.p.toFixed(2), ours.params.q.toFixed(2), ours.params.gamma.toFixed(2)]).toEqual(['6.25', '3.74', '15.44']);
    const ref = readCsv(WITH_Z);
    const theirs = fitGammaGamma({ x: ref.map((r) => r[1]!), zbar: ref.map((r) => r[4]!) });
    console.info('[clv] Gamma-Gamma on lifetimes zbar', theirs.params, 'on our elog summary', ours.params);
    expect(theirs.n).toBe(946);
    // lifetimes' zbar is rounded to cents: p and q reproduce, γ comes out 15.45 (15.4478), one unit off in
    // the 2nd decimal. The elog (exact amounts) is the input that reproduces the published values.
    expect([theirs.params.p.toFixed(2), theirs.params.q.toFixed(2)]).toEqual(['6.25', '3.74']);
    expect(Math.abs(theirs.params.gamma - 15.44)).toBeLessThan(0.01);
  });
});

describe.skipIf(!exists)('CDNOW full cohort (23,570 customers)', () => {
  // No published fit of the full cohort was found: the four parameter values are regression pins of
  // Tailor's own fit; only the closeness to the sample's published fit is a claim about the model.
  it('fits with parameters close to the sample\'s published ones (the values themselves are regression pins)', async () => {
    const file = await readTransactionsFile(MASTER);
    expect(file.columns).toEqual({ id: 0, date: 1, amount: 3 });
    expect(file.bad).toBe(0);
    const s = summarize(file.log, { calibrationEnd: CAL_END, holdoutEnd: HOLDOUT_END });
    expect(s.ids.length).toBe(23570);
    const m = fitBgNbd(s);
    console.info('[clv] CDNOW master BG/NBD', m.params, m.logLikelihood);
    // Regression pins (Tailor's output):
    expect(m.params.r).toBeCloseTo(0.2516, 3);
    expect(m.params.alpha).toBeCloseTo(4.789, 2);
    expect(m.params.a).toBeCloseTo(0.7234, 3);
    expect(m.params.b).toBeCloseTo(2.161, 2);
    // Close to the 1/10 sample's published fit.
    expect(Math.abs(m.params.r - 0.243) / 0.243).toBeLessThan(0.1);
    expect(Math.abs(m.params.alpha - 4.414) / 4.414).toBeLessThan(0.15);
  });
});
