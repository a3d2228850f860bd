import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bgNbdModel, fitBgNbd } from '../../src/core/ml/clv/bg-nbd.ts';
import { fitGammaGamma } from '../../src/core/ml/clv/gamma-gamma.ts';
import { holdoutReport } from '../../src/core/ml/clv/holdout-report.ts';
import { fitParetoNbd } from '../../src/core/ml/clv/pareto-nbd.ts';
import { summarize } from '../../src/core/ml/clv/summary.ts';
import { readTransactionsFile } from '../../src/io/transactions-file.ts';

// The shared data sets sit beside the repository (../shared), as in every checkout of this project.
const DIR = fileURLToPath(new URL('../../../shared/data/cdnow', import.meta.url));
const ELOG = path.join(DIR, 'cdnowElog.csv');
const MASTER = path.join(DIR, 'CDNOW_master.txt');
const SUMMARY = path.join(DIR, 'cdnow_customers_summary.csv');
const WITH_Z = path.join(DIR, 'cdnow_customers_summary_with_transactions.csv');
const exists = [ELOG, MASTER, SUMMARY, WITH_Z].every((f) => existsSync(f));
if (!exists) console.warn(`[clv tests] CDNOW data not found in ${DIR}: the published-parameter tests are skipped.`);

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

  it('BG/NBD reproduces r=0.243 α=4.414 a=0.793 b=2.426, LL −9582.4', () => {
    const m = fitBgNbd(s!);
    expect(m.params.r.toFixed(3)).toBe('0.243');
    expect(m.params.alpha.toFixed(3)).toBe('4.414');
    expect(m.params.a.toFixed(3)).toBe('0.793');
    expect(m.params.b.toFixed(3)).toBe('2.426');
    expect(Math.abs(m.logLikelihood - -9582.4)).toBeLessThanOrEqual(0.05);
  });

  it('conditional expectation for x=2, t_x=30.43, T=38.86 over 39 weeks is 1.226', () => {
    // Fader, Hardie & Lee (2005), section 5 (as quoted in the task brief; the number was not found through
    // the search tool, which returned only the BTYD/CLVTools docs using these parameters), with the published
    // parameters. Our own fit gives the same to 3 d.p.
    const published = bgNbdModel({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 0);
    expect(published.conditionalExpected(39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
    expect(fitBgNbd(s!).conditionalExpected(39, 2, 30.43, 38.86).toFixed(3)).toBe('1.226');
  });

  it('holdout: predicted vs actual by frequency (no published total was found to compare with)', () => {
    const m = fitBgNbd(s!);
    const r = holdoutReport(m, s!);
    expect(r.holdoutLength).toBeCloseTo(39, 10);
    expect(r.totalActual).toBe(1882);
    // Our own number, 1653.4: BG/NBD under-predicts this holdout, as FHL's tracking plots show;
    // pinned so that a change of the model or the summary is noticed.
    expect(r.totalPredicted).toBeCloseTo(1653.4, 0);
    expect(r.groups.map((g) => g.customers)).toEqual([1411, 439, 214, 100, 62, 38, 29, 64]);
    for (const g of r.groups) expect(Math.abs(g.predicted - g.actual)).toBeLessThan(0.4);
  });

  it('Pareto/NBD reproduces r=0.553 α=10.578 s=0.606 β=11.669, LL −9595.0', () => {
    const m = fitParetoNbd(s!);
    expect(m.params.r.toFixed(3)).toBe('0.553');
    expect(m.params.alpha.toFixed(3)).toBe('10.578');
    expect(m.params.s.toFixed(3)).toBe('0.606');
    expect(m.params.beta.toFixed(3)).toBe('11.669');
    expect(Math.abs(m.logLikelihood - -9595.0)).toBeLessThanOrEqual(0.05);
  });

  it('Gamma-Gamma reproduces p=6.25 q=3.74 γ=15.44 from the elog and from lifetimes\' zbar', () => {
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
  it('fits with parameters close to the sample\'s', async () => {
    const file = await readTransactionsFile(MASTER);
    expect(file.columns).toEqual({ id: 0, date: 1, amount: 3 });
    expect(file.bad).toBe(0);
    const s = summarize(file.log, { calibrationEnd: CAL_END, holdoutEnd: HOLDOUT_END });
    expect(s.ids.length).toBe(23570);
    const m = fitBgNbd(s);
    console.info('[clv] CDNOW master BG/NBD', m.params, m.logLikelihood);
    expect(m.params.r).toBeCloseTo(0.2516, 3);
    expect(m.params.alpha).toBeCloseTo(4.789, 2);
    expect(m.params.a).toBeCloseTo(0.7234, 3);
    expect(m.params.b).toBeCloseTo(2.161, 2);
    // Close to the 1/10 sample's fit.
    expect(Math.abs(m.params.r - 0.243) / 0.243).toBeLessThan(0.1);
    expect(Math.abs(m.params.alpha - 4.414) / 4.414).toBeLessThan(0.15);
  });
});
