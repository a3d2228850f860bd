import type { Command } from 'commander';
import { experimentDocument } from '../../core/experiments/document.ts';
import { plan } from '../../core/experiments/power.ts';
import { analyzeCounts } from '../../core/experiments/service.ts';
import { parsePlanInput } from '../../core/schemas/experiment.ts';
import { withTailor } from '../context.ts';
import { optionalNumber as num, wholeFlag } from '../flags.ts';
import { formatResults } from '../experiment-format.ts';
import { print, table } from '../output.ts';
import { readJson, readText } from '../read-json.ts';

const iso = (s: string | null) => s ?? '-';


/** Profile ids, one per line, from a file ('-' for stdin). */
const readIds = (file: string): string[] => readText(file, '--profiles').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

export function registerExperiment(program: Command): void {
  const ex = program.command('experiment').description('A/B/n and multivariate tests: design, start, results, decide, plan');

  ex.command('create <spec>').description('save an experiment design (JSON or @file.json; see README "Experiments")')
    .option('--json', 'machine-readable output')
    .action(async (spec: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = experimentDocument(await t.experiments.create(readJson(spec, 'experiment')));
      print(!!opts.json, r, () => `created ${r.name} (${r.id}): arms ${r.arms.map((a) => a.key).join(', ')}`);
    }));

  ex.command('list').description('every experiment with its status').option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const all = (await t.experiments.list()).map(experimentDocument);
      print(!!opts.json, all, () => all.length === 0 ? 'no experiments' : table([
        ['name', 'status', 'metric', 'arms', 'started', 'decide at', 'winner'],
        ...all.map((x) => [x.name, x.status, x.spec.metric, x.arms.length, iso(x.startedAt), iso(x.decideAt), x.decision?.winner ?? '-'])]));
    }));

  ex.command('show <experiment>').description('one experiment: design, status, decision').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const x = experimentDocument(await t.experiments.get(ref));
      print(!!opts.json, x, () => `${x.name} (${x.id}), ${x.status}\n${JSON.stringify(x.spec, null, 2)}${x.decision ? `\ndecision: ${x.decision.winner} (${x.decision.basis}) — ${x.decision.reason}` : ''}`);
    }));

  ex.command('delete <experiment>').description('delete an experiment, its assignments and counts').option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      await t.experiments.remove(ref);
      print(!!opts.json, { deleted: ref }, () => `deleted ${ref}`);
    }));

  ex.command('start <experiment>').description("assign the audience (the experiment's segment, or --profiles) to holdout, test arms and rest")
    .option('--profiles <file>', 'profile ids, one per line (- for stdin), instead of the segment')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { profiles?: string; json?: boolean }, cmd: Command) => {
      const ids = opts.profiles ? readIds(opts.profiles) : undefined;
      await withTailor(cmd, async (t) => {
        const r = await t.experiments.start(ref, ids);
        print(!!opts.json, { ...experimentDocument(r.experiment), groups: r.groups },
          () => `started ${r.experiment.name}: ${r.groups.test} in the test, ${r.groups.holdout} held out, ${r.groups.rest} waiting for the winner; decision due ${new Date(r.experiment.decideAt!).toISOString()}`);
      });
    });

  ex.command('record <experiment> <counts>').description('record counts observed elsewhere: [{"key":"A","recipients":1000,"clicks":50,...}] (JSON or @file.json)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, counts: string, opts: { json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = experimentDocument(await t.experiments.record(ref, readJson(counts, 'arms')));
      print(!!opts.json, r, () => `recorded counts for ${r.name}`);
    }));

  ex.command('results <experiment>').description('statistics per arm against the control, and a recommendation (every call is a look)')
    .option('--bootstrap', 'add a percentile bootstrap interval for revenue (needs tracked events)')
    .option('--resamples <n>', 'bootstrap resamples', '2000')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { bootstrap?: boolean; resamples: string; json?: boolean }, cmd: Command) => {
      const resamples = wholeFlag(opts.resamples, 'resamples', { min: 100, max: 100_000 });
      await withTailor(cmd, async (t) => {
        const r = await t.experiments.results(ref, { bootstrap: !!opts.bootstrap, resamples });
        print(!!opts.json, { experiment: experimentDocument(r.experiment), source: r.source, results: r.results },
          () => `${r.experiment.name} (${r.experiment.status}, from ${r.source})\n\n${formatResults(r.results)}`);
      });
    });

  ex.command('decide <experiment>').description('pick the winner now if the rule allows, and assign it to the rest')
    .option('--force', 'decide before the planned time even under the fixed rule (the control is kept without a significant winner)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.experiments.decide(ref, !!opts.force);
      print(!!opts.json, { experiment: experimentDocument(r.experiment), decision: r.decision, rolledOut: r.rolledOut, results: r.results },
        () => `${r.experiment.name}: ${r.decision.winner} (${r.decision.basis}${r.decision.early ? ', early' : ''}), sent to ${r.rolledOut} more\n${r.decision.reason}`);
    }));

  ex.command('plan').description('sample size per arm for a two-sided test at the given power')
    .requiredOption('--baseline <rate>', "the control's rate (0-1), or its mean with --sd")
    .requiredOption('--mde <effect>', 'smallest effect worth detecting, absolute (0.02 = 2 points) unless --relative')
    .option('--relative', 'read --mde as relative to the baseline (0.1 = +10%)')
    .option('--sd <sd>', 'per-recipient standard deviation: plan a difference of means (revenue)')
    .option('--power <p>', 'probability of detecting the effect', '0.8')
    .option('--alpha <a>', 'two-sided significance level', '0.05')
    .option('--arms <n>', 'arms including the control (α is split over the comparisons)', '2')
    .option('--holdout <share>', 'share of the audience held out', '0')
    .option('--json', 'machine-readable output')
    .action((opts: Record<string, string | boolean | undefined>) => {
      const input = parsePlanInput({
        baseline: num(opts.baseline as string, 'baseline'), mde: num(opts.mde as string, 'mde'), relative: !!opts.relative,
        ...(opts.sd !== undefined ? { sd: num(opts.sd as string, 'sd') } : {}),
        power: num(opts.power as string, 'power'), alpha: num(opts.alpha as string, 'alpha'), arms: num(opts.arms as string, 'arms'), holdout: num(opts.holdout as string, 'holdout'),
      });
      const r = plan(input);
      print(!!opts.json, { ...input, ...r }, () => [
        `${r.nPerArm} recipients per arm (${r.mailed} mailed${input.holdout ? `, audience of ${r.audience} with the holdout` : ''})`,
        `to detect ${input.baseline} → ${+r.target.toFixed(6)} with power ${input.power} at α ${input.alpha}${input.arms > 2 ? ` (${+r.alphaPerComparison.toFixed(6)} per comparison)` : ''}; effect size ${r.effectSize.toFixed(4)} (${input.sd === undefined ? "Cohen's h" : 'mde / sd'})`,
        `an experiment with this "plan" tunes its always-valid test to it: τ = ${r.tau.toFixed(4)}`,
      ].join('\n'));
    });

  ex.command('analyze <counts>').description('statistics for counts alone, no stored experiment: {"arms":[{"key":"A","recipients":…},…],"metric":"click","plan":{"baseline":0.05,"mde":0.01}}')
    .option('--json', 'machine-readable output')
    .action((counts: string, opts: { json?: boolean }) => {
      const r = analyzeCounts(readJson(counts, 'analysis'));
      print(!!opts.json, r, () => formatResults(r));
    });
}
