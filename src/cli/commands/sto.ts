import type { Command } from 'commander';
import type { Evaluation, Lift, PolicyValue } from '../../core/sto/evaluate.ts';
import { GROUP_BY, type GroupBy } from '../../core/sto/ports.ts';
import type { Replay } from '../../core/sto/replay.ts';
import { TailorError } from '../../core/errors.ts';
import { withTailor } from '../context.ts';
import { optionalDate, optionalWhole, wholeFlag } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { print, table } from '../output.ts';

interface FitFlags { asOf?: string; days: string; groupBy: string; json?: boolean }
interface EvalFlags { campaign?: string; reps?: string; seed?: string; replay: boolean; json?: boolean }

export function registerSto(program: Command): void {
  const sto = program.command('sto').description('send-time optimisation: fit each reader\'s local hours, evaluate the lift offline, show a profile');

  sto.command('fit').description('learn every profile\'s reading hours (human opens and clicks, local time) and the fitted priors')
    .option('--as-of <date>', 'learn from events up to this instant, ISO-8601 (default: now)')
    .option('--days <n>', 'learn from the events of this many days up to --as-of', '365')
    .option('--group-by <key>', `the middle level of the prior: ${GROUP_BY.join(', ')}`, 'cluster')
    .option('--json', 'machine-readable output')
    .action(async (flags: FitFlags, cmd: Command) => {
      const asOf = optionalDate(flags.asOf, 'as-of');
      const days = wholeFlag(flags.days, 'days', { min: 1, max: 3650, unit: 'days' });
      if (!(GROUP_BY as readonly string[]).includes(flags.groupBy)) {
        throw new TailorError('invalid_argument', `--group-by must be one of ${GROUP_BY.join(', ')}, not '${flags.groupBy}'`, 'groupBy');
      }
      await withTailor(cmd, async (t) => {
        const started = performance.now();
        const { model, profilesRead } = await withProgress('sto fit', { json: flags.json, format: 'sto fit | {value} profiles read' },
          (bar) => t.sto.fit({ ...(asOf === undefined ? {} : { asOf }), days, groupBy: flags.groupBy as GroupBy, onProgress: (n) => bar.update(n, n) }));
        const durationMs = Math.round(performance.now() - started);
        const summary = {
          fittedAt: new Date(model.fittedAt).toISOString(), groupBy: model.groupBy, groups: Object.keys(model.groups).length,
          profilesRead, profilesWithHistory: model.profiles, events: model.events, alphaGroup: model.alphaGroup, alphaProfile: model.alphaProfile, durationMs,
        };
        print(!!flags.json, summary, () => [
          `send-time model fitted as of ${summary.fittedAt} in ${(durationMs / 1000).toFixed(2)} s`,
          `${model.profiles} of ${profilesRead} profiles have human opens or clicks (${model.events} events); ${summary.groups} group(s) by ${model.groupBy}`,
          `fitted prior strengths: profile → group α = ${model.alphaProfile.toFixed(2)} events, group → global α = ${model.alphaGroup.toFixed(1)}`,
        ].join('\n'));
      });
    });

  sto.command('evaluate').description('offline IPS estimate of the click lift of optimised send times over the exploration sends')
    .option('--campaign <id>', 'only this campaign\'s sends (id or name; default: every optimised campaign)')
    .option('--reps <n>', 'bootstrap replicates', '1000')
    .option('--seed <n>', 'bootstrap seed', '20261207')
    .option('--no-replay', 'skip the (biased) replay on held-out opens')
    .option('--json', 'machine-readable output')
    .addHelpText('after', EVALUATE_HELP)
    .action(async (flags: EvalFlags, cmd: Command) => {
      const reps = wholeFlag(flags.reps ?? '1000', 'reps', { min: 0, max: 100_000 });
      const seed = optionalWhole(flags.seed, 'seed', { min: 0, max: 2 ** 31 - 1 }) ?? 20261207;
      await withTailor(cmd, async (t) => {
        const campaignId = flags.campaign ? (await t.campaigns.campaigns.get(flags.campaign)).id : null;
        const r = await t.sto.evaluate({ campaignId, reps, seed, replay: flags.replay });
        print(!!flags.json, { campaignId, ...r }, () => describeEvaluation(r.ips, r.replay));
      });
    });

  sto.command('show <profile>').description('one profile\'s reading hours: counts, smoothed distribution, best local hours')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
      await withTailor(cmd, async (t) => {
        const s = await t.sto.show(ref);
        print(!!flags.json, s, () => {
          const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
          const rows = Array.from({ length: 24 }, (_, h) => [`${String(h).padStart(2, '0')}:00`,
            s.counts[h]!, pct(s.distribution[h]!), s.counts[24 + h]!, pct(s.distribution[24 + h]!)]);
          return [
            `profile ${s.profileId}: ${s.events} human opens and clicks as of the fit (${new Date(s.model.fittedAt).toISOString()}); group ${s.group ?? '(none: global prior)'}`,
            `best local hour: ${s.bestHour.weekday}:00 on weekdays, ${s.bestHour.weekend}:00 at weekends (prior weight α = ${s.model.alphaProfile.toFixed(2)} events)`,
            '',
            table([['local hour', 'weekday n', 'weekday p', 'weekend n', 'weekend p'], ...rows]),
          ].join('\n');
        });
      });
    });
}

const EVALUATE_HELP = `
Each optimised send records the hour it was sent at and the probability that hour had (explore
share ε: P = (1-ε)·[hour = best] + ε/H). Inverse-propensity weighting then estimates, without bias,
the rate of human clicks ("Email Link Clicked" without the bot flag, on the message, within 24 h of
delivery) per send under: Tailor's best hour; the best single fixed local hour (chosen on one half
of recipients, evaluated on the other, both ways); the campaign's own hour (its start). SNIPS is
the self-normalised variant. Intervals: 95 % percentile bootstrap over recipients, fixed seed.
The replay on held-out opens is printed for comparison only: it is BIASED (it rewards agreeing
with when mail happened to be sent) and is how most published send-time lifts are computed.
`;

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const rate = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-');

function liftLine(name: string, l: Lift | null): string {
  if (!l) return `${name}: no estimate (no matched sends or no clicks under the comparison)`;
  return `${name}: IPS ${pct(l.ips)} [95% ${pct(l.ci95[0])} .. ${pct(l.ci95[1])}], SNIPS ${pct(l.snips)} [${pct(l.ci95Snips[0])} .. ${pct(l.ci95Snips[1])}]`;
}

function describeEvaluation(e: Evaluation, replay: Replay | null): string {
  const row = (name: string, v: PolicyValue) => [name, rate(v.ips), rate(v.snips), v.matched];
  const out = [
    `${e.sends} optimised sends to ${e.recipients} recipients (${e.explored} explored off the best hour), ${e.clicks} human clicks within 24 h`,
    '',
    table([['rule', 'clicks/send (IPS)', 'SNIPS', 'matched sends'],
      row("Tailor's hour", e.tailor),
      row(`best fixed local hour (${e.fixedHour.hours[0]}:00 | ${e.fixedHour.hours[1]}:00, cross-fitted)`, e.fixedHour),
      row("campaign's own hour", e.campaignHour)]),
    '',
    liftLine('lift vs best fixed local hour', e.vsFixedHour),
    liftLine("lift vs campaign's own hour", e.vsCampaignHour),
    `(bootstrap: ${e.bootstrap.reps} replicates over recipients, seed ${e.bootstrap.seed})`,
  ];
  if (replay) {
    out.push('', `BIASED replay on held-out opens (for comparison only): ${replay.heldOutEvents} later opens and clicks of ${replay.profiles} profiles;`,
      `  within ±1 h of Tailor's predicted hour ${pct(replay.tailorHitRate)}, of the best fixed hour ${pct(replay.fixedHitRate)} (replay "lift" ${pct(replay.lift)})`);
  }
  return out.join('\n');
}
