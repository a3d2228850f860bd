/** Evaluation metrics for supervised models (each file states the scikit-learn function it matches). */
export { rocAuc, averagePrecision } from './ranking.ts';
export { logLoss, brierScore } from './probability.ts';
export { confusion, type Confusion } from './confusion.ts';
export { calibrationTable, type CalibrationBin } from './calibration.ts';
export { psi } from './psi.ts';
export { rmse, mae, r2 } from './regression.ts';
