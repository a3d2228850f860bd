import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import { ORDER_EVENT } from '../../core/features/catalog.ts';
import type { PurchaseModelName } from '../../core/ml/clv/model.ts';
import { fitClv } from '../../core/ml/clv/clv-service.ts';
import { topByClv, type ClvRun } from '../../core/ml/clv/run.ts';
import type { TimeUnit } from '../../core/ml/clv/summary.ts';
import { readTransactionsFile, type TransactionsFile } from '../../io/transactions-file.ts';
import { withTailor } from '../context.ts';
import { optionalDate, wholeFlag } from '../flags.ts';
import { print, table } from '../output.ts';

interface ClvFlags {
  transactions?: string;
  columns?: string;
  calibrationEnd?: string;
  holdoutEnd?: string;
  asOf?: string;
  unit: string;
  horizon: string;
  discountRate: string;
  model: string;
  top: string;
  save?: boolean;
  json?: boolean;
}

interface Checked {
  calibrationEnd?: number;
  holdoutEnd?: number;
  asOf?: number;
  unit: TimeUnit;
  horizon: number;
  discountRate: number;
  model: PurchaseModelName;
  top: number;
}

export function registerClv(program: Command): void {
  const clv = program.command('clv').description('customer lifetime value: BG/NBD (or Pareto/NBD) purchase model and Gamma-Gamma spend model');
  clv.command('fit').description('fit the models on a transaction file or on the store\'s orders, score every customer by CLV')
    .option('--transactions <file>', 'a transaction file (customer id, date, amount; CSV or whitespace-separated); the store is not opened')
    .option('--columns <id,date,amount>', 'columns of --transactions as 0-based indices (0,1,3) or header names; default: detected')
    .option('--calibration-end <date>', 'last day of the calibration period (default: --as-of, or the file\'s last day)')
    .option('--holdout-end <date>', 'last day of the holdout period (default: the data\'s end, when after the calibration end)')
    .option('--as-of <date>', 'ignore data after this instant (default: now for the store, the last transaction for a file)')
    .option('--unit <unit>', 'time unit: week or day', 'week')
    .option('--horizon <periods>', 'CLV horizon in periods of one unit', '52')
    .option('--discount-rate <annual>', 'annual discount rate for CLV', '0.1')
    .option('--model <name>', 'purchase model: bgnbd or pareto', 'bgnbd')
    .option('--top <n>', 'customers listed, by CLV', '10')
    .option('--save', 'write p_alive and clv to every scored profile (store mode only)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', HELP)
    .action(async (flags: ClvFlags, cmd: Command) => {
      // Every flag is checked before the file or the store is touched.
      const c = check(flags);
      if (flags.transactions !== undefined) {
        if (flags.save) throw new TailorError('invalid_argument', '--save writes to the store and cannot be used with --transactions', 'save');
        const start = performance.now();
        const file = await readTransactionsFile(flags.transactions, flags.columns === undefined ? {} : { columns: flags.columns });
        const run = fitClv(file.log, c, Math.min(c.asOf ?? Infinity, file.lastAt), () => performance.now());
        report(flags, run, c, { kind: 'file', file: flags.transactions, rows: file.rows, bad: file.bad, badExamples: file.badExamples, columns: file.columns }, null, start);
        return;
      }
      if (flags.columns !== undefined) throw new TailorError('invalid_argument', '--columns needs --transactions', 'columns');
      await withTailor(cmd, async (t) => {
        const start = performance.now();
        const { run, orders, asOf, saved } = await t.clv.fitStore({ ...c, save: !!flags.save });
        report(flags, run, c, { kind: 'store', orders, asOf: new Date(asOf).toISOString() }, saved, start);
      });
    });
}

const HELP = `
Customers are counted on repeat purchases: same-day purchases are merged, the first purchase starts
the customer's clock. The purchase model (BG/NBD by default) and the Gamma-Gamma spend model are
fitted on the calibration period; when data exist after it (or --holdout-end is given), predicted
and actual holdout purchases are compared by calibration frequency. CLV sums, over --horizon
periods of one unit, the expected purchases in each period × the expected order value, discounted
at --discount-rate a year. The next order date is the calibration end + the median wait to the
next purchase given the customer is alive.

Store mode reads every "${ORDER_EVENT}" event (revenue: properties.revenue, else total) and with
--save writes the features p_alive and clv.

Examples:
  tailor clv fit --transactions cdnowElog.csv --calibration-end 1997-09-30 --json
  tailor clv fit --transactions CDNOW_master.txt --columns 0,1,3 --calibration-end 1997-09-30
  tailor clv fit --as-of 2011-12-10 --save
`;

function check(f: ClvFlags): Checked {
  const date = (s: string | undefined, flag: string): number | undefined => optionalDate(s, flag, '1997-09-30');
  if (f.unit !== 'week' && f.unit !== 'day') throw new TailorError('invalid_argument', `--unit must be week or day, not '${f.unit}'`, 'unit');
  if (f.model !== 'bgnbd' && f.model !== 'pareto') throw new TailorError('invalid_argument', `--model must be bgnbd or pareto, not '${f.model}'`, 'model');
  const horizon = wholeFlag(f.horizon, 'horizon', { min: 0, max: 10_000 });
  const top = wholeFlag(f.top, 'top', { min: 0, max: 1_000_000 });
  const discountRate = /^\s*\d*\.?\d+\s*$/.test(f.discountRate) ? Number(f.discountRate) : NaN;
  if (!(discountRate >= 0 && discountRate <= 10)) throw new TailorError('invalid_argument', `--discount-rate must be an annual rate from 0 to 10 such as 0.1, not '${f.discountRate}'`, 'discountRate');
  const out: Checked = { unit: f.unit, horizon, discountRate, model: f.model, top };
  const cal = date(f.calibrationEnd, 'calibration-end');
  const hold = date(f.holdoutEnd, 'holdout-end');
  const asOf = date(f.asOf, 'as-of');
  if (cal !== undefined) out.calibrationEnd = cal;
  if (hold !== undefined) out.holdoutEnd = hold;
  if (asOf !== undefined) out.asOf = asOf;
  if (cal !== undefined && asOf !== undefined && cal > asOf) throw new TailorError('invalid_argument', '--calibration-end must not be after --as-of', 'calibrationEnd');
  if (hold !== undefined && asOf !== undefined && hold > asOf) throw new TailorError('invalid_argument', '--holdout-end must not be after --as-of', 'holdoutEnd');
  return out;
}

type Source =
  | { kind: 'file'; file: string; rows: number; bad: number; badExamples: TransactionsFile['badExamples']; columns: TransactionsFile['columns'] }
  | { kind: 'store'; orders: number; asOf: string };

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? iso(ms).slice(0, 10) : '-');
const round = (v: number, d = 6): number => Number(v.toFixed(d));

function report(flags: ClvFlags, run: ClvRun, c: Checked, source: Source, saved: unknown, start: number): void {
  const s = run.summary;
  const sc = run.scores;
  let repeat = 0;
  let zero = 0;
  let clvTotal = 0;
  for (let i = 0; i < s.ids.length; i++) {
    repeat += s.x[i]!;
    if (s.x[i] === 0) zero++;
    clvTotal += sc.clv[i]!;
  }
  const top = topByClv(sc.clv, c.top).map((i) => ({
    customerId: s.ids[i]!, x: s.x[i]!, tx: round(s.tx[i]!, 4), T: round(s.T[i]!, 4),
    pAlive: round(sc.pAlive[i]!), expectedPurchases: round(sc.expectedPurchases[i]!), expectedOrderValue: round(sc.expectedOrderValue[i]!, 4),
    clv: round(sc.clv[i]!, 4), nextOrderDate: day(sc.nextOrderAt[i]!),
  }));
  const data = {
    source,
    calibrationEnd: iso(s.calibrationEnd),
    holdoutEnd: s.holdoutEnd === undefined ? null : iso(s.holdoutEnd),
    unit: s.unit,
    customers: s.ids.length,
    repeatTransactions: repeat,
    customersWithoutRepeat: zero,
    model: { name: run.model.name, params: run.model.params, logLikelihood: run.model.logLikelihood, n: run.model.n },
    gammaGamma: { params: run.spend.params, logLikelihood: run.spend.logLikelihood, n: run.spend.n },
    holdout: run.holdout,
    clv: { horizon: c.horizon, unit: s.unit, annualDiscountRate: c.discountRate, total: clvTotal },
    top,
    saved,
    durationMs: Math.round(performance.now() - start),
    timings: Object.fromEntries(Object.entries(run.timings).map(([k, v]) => [k, Math.round(v)])),
  };
  print(!!flags.json, data, () => describe(data, run));
}

function describe(d: { source: Source; top: Record<string, unknown>[]; saved: unknown; durationMs: number; customers: number; repeatTransactions: number; customersWithoutRepeat: number; calibrationEnd: string }, run: ClvRun): string {
  const m = run.model;
  const params = Object.entries(m.params).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ');
  const gg = run.spend.params;
  const lines = [
    d.source.kind === 'file'
      ? `${d.source.file}: ${d.source.rows} rows${d.source.bad ? `, ${d.source.bad} bad (${d.source.badExamples.map((b) => `line ${b.line}: ${b.reason}`).join('; ')})` : ''}`
      : `store: ${d.source.orders} orders up to ${d.source.asOf}`,
    `calibration to ${d.calibrationEnd.slice(0, 10)} (${run.summary.unit}s): ${d.customers} customers, ${d.repeatTransactions} repeat purchases, ${d.customersWithoutRepeat} without a repeat`,
    `${m.name === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD'}: ${params}  log-likelihood ${m.logLikelihood.toFixed(2)}`,
    `Gamma-Gamma (${run.spend.n} repeat customers): p=${gg.p.toFixed(4)} q=${gg.q.toFixed(4)} gamma=${gg.gamma.toFixed(4)}  log-likelihood ${run.spend.logLikelihood.toFixed(2)}`,
  ];
  const h = run.holdout;
  if (h) {
    lines.push('', `holdout (${h.holdoutLength.toFixed(2)} ${run.summary.unit}s): repeat purchases per customer by calibration frequency`);
    lines.push(table([['x', 'customers', 'actual', 'predicted'], ...h.groups.map((g) => [g.x, g.customers, g.actual.toFixed(3), g.predicted.toFixed(3)])]));
    lines.push(`total actual ${h.totalActual}, predicted ${h.totalPredicted.toFixed(1)}; mean absolute error per customer ${h.meanAbsoluteError.toFixed(3)}`);
  }
  if (d.top.length > 0) {
    lines.push('', `top ${d.top.length} by CLV`);
    lines.push(table([['customer', 'x', 'P(alive)', 'purchases', 'order value', 'CLV', 'next order'],
      ...d.top.map((t) => [String(t.customerId), Number(t.x), Number(t.pAlive).toFixed(3), Number(t.expectedPurchases).toFixed(2), Number(t.expectedOrderValue).toFixed(2), Number(t.clv).toFixed(2), String(t.nextOrderDate)])]));
  }
  if (d.saved) lines.push('', `saved: ${JSON.stringify(d.saved)}`);
  lines.push(`done in ${(d.durationMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}
