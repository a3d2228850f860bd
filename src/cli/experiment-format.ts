import type { Comparison, MetricSummary } from '../core/experiments/compare.ts';
import type { ExperimentResults } from '../core/experiments/results.ts';
import type { Metric } from '../core/schemas/experiment.ts';
import { table } from './output.ts';

/** Experiment results as text: the primary metric in full, the others in brief, then the advice. */
const LABEL: Record<Metric, string> = { open: 'opens', click: 'clicks', conversion: 'conversions', revenue: 'revenue per recipient' };

const pct = (x: number | null | undefined, signed = false) => (x === null || x === undefined ? '-' : `${signed && x > 0 ? '+' : ''}${(100 * x).toFixed(2)}%`);
const p = (x: number | undefined) => (x === undefined ? '-' : x < 0.0001 ? x.toExponential(2) : x.toFixed(4));
const money = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(2));

function value(m: Metric, s: MetricSummary | undefined, withCi: boolean): string {
  if (!s) return '-';
  if (m === 'revenue') return withCi ? `${money(s.perRecipient)} [${money(s.ci[0])}, ${money(s.ci[1])}]` : money(s.perRecipient);
  return withCi ? `${pct(s.rate)} [${pct(s.ci[0])}, ${pct(s.ci[1])}]` : pct(s.rate);
}

function lift(c: Comparison | undefined): string {
  if (!c || c.lift === null) return '-';
  return `${pct(c.lift, true)}${c.liftCi ? ` [${pct(c.liftCi[0], true)}, ${pct(c.liftCi[1], true)}]` : ''}`;
}

export function formatResults(r: ExperimentResults): string {
  const m = r.metric;
  const ci = `${Math.round((1 - r.alpha) * 100)}% CI`;
  const lines = [`${LABEL[m]} (primary; rule ${r.rule}, α ${r.alpha}, look ${r.looks})`];
  lines.push(table([
    ['arm', 'recipients', `value [${ci}]`, `lift [${ci}]`, 'p', 'p holm', 'p always-valid', 'P(best)', 'significant'],
    ...r.arms.map((a) => {
      const c = a.vsControl?.[m];
      return [a.key + (a.role === 'control' ? ' (control)' : ''), a.recipients, value(m, a.metrics[m], true), lift(c), p(c?.p), p(c?.pHolm), p(c?.pSequential),
        pct(a.pBest[m]), c ? (c.significant ? 'yes' : 'no') : ''];
    }),
  ]));
  const others = (['open', 'click', 'conversion', 'revenue'] as const).filter((x) => x !== m && r.arms[0]!.metrics[x]);
  if (others.length) {
    lines.push('', 'other metrics (value, p against the control)');
    lines.push(table([['arm', ...others.map((x) => LABEL[x])],
      ...r.arms.map((a) => [a.key, ...others.map((x) => `${value(x, a.metrics[x], false)}${a.vsControl?.[x] ? ` (p ${p(a.vsControl[x].p)})` : ''}`)])]));
  }
  const chi = r.across[m as Exclude<Metric, 'revenue'>];
  if (chi && r.arms.length > 2) lines.push('', `χ² across all arms: ${chi.statistic.toFixed(3)} (dof ${chi.dof}), p = ${p(chi.p)}`);
  for (const f of r.factors ?? []) {
    lines.push('', `factor ${f.name} (levels pooled over the other factors)`);
    lines.push(table([['level', 'recipients', LABEL[m], 'lift', 'p holm'],
      ...f.levels.map((l) => [l.key, l.recipients, value(m, l.metrics[m], false), lift(l.vsControl?.[m]), p(l.vsControl?.[m]?.pHolm)])]));
  }
  if (r.incremental) {
    const [held, mailed] = r.incremental;
    lines.push('', 'incremental effect of the email (mailed against the holdout)');
    lines.push(table([['group', 'recipients', 'conversion', 'revenue/recipient', 'conversion lift', 'p', 'revenue lift', 'p'],
      [held!.key, held!.recipients, value('conversion', held!.metrics.conversion, false), value('revenue', held!.metrics.revenue, false), '', '', '', ''],
      [mailed!.key, mailed!.recipients, value('conversion', mailed!.metrics.conversion, false), value('revenue', mailed!.metrics.revenue, false),
        lift(mailed!.vsControl?.conversion), p(mailed!.vsControl?.conversion?.p), lift(mailed!.vsControl?.revenue), p(mailed!.vsControl?.revenue?.p)]]));
  }
  lines.push('', r.recommendation.text);
  return lines.join('\n');
}
