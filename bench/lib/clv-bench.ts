import { performance } from 'node:perf_hooks';
import { fitBgNbd, type BgNbdParams } from '../../src/core/ml/clv/bg-nbd.ts';
import { fitGammaGamma, type GammaGammaParams } from '../../src/core/ml/clv/gamma-gamma.ts';
import { summarize } from '../../src/core/ml/clv/summary.ts';
import { readTransactionsFile } from '../../src/io/transactions-file.ts';

/**
 * Times the CLV fit on a transaction file (the CDNOW sample: cdnowElog.csv): calibration summary
 * (ending 1997-09-30, weeks) + BG/NBD fit + Gamma-Gamma fit. Reading the file is timed apart
 * (readMs), since the fit is what a re-run of the models costs. Target: fitMs < 1 s.
 */
export async function clvBenchmark(file: string): Promise<{
  customers: number;
  fitMs: number;
  readMs: number;
  summaryMs: number;
  bgnbd: BgNbdParams & { logLikelihood: number; ms: number; evaluations: number };
  gammaGamma: GammaGammaParams & { logLikelihood: number; ms: number; customers: number };
}> {
  const t0 = performance.now();
  const { log } = await readTransactionsFile(file);
  const t1 = performance.now();
  const s = summarize(log, { calibrationEnd: Date.UTC(1997, 8, 30), unit: 'week' });
  const t2 = performance.now();
  const bg = fitBgNbd(s);
  const t3 = performance.now();
  const gg = fitGammaGamma(s);
  const t4 = performance.now();
  return {
    customers: s.ids.length,
    fitMs: t4 - t1,
    readMs: t1 - t0,
    summaryMs: t2 - t1,
    bgnbd: { ...bg.params, logLikelihood: bg.logLikelihood, ms: t3 - t2, evaluations: bg.fit.evaluations },
    gammaGamma: { ...gg.params, logLikelihood: gg.logLikelihood, ms: t4 - t3, customers: gg.n },
  };
}
