import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import type { PredictSpecInput } from '../../core/ml/predict/spec.ts';
import { STORE_TARGETS, type StoreTarget } from '../../core/ml/predict/targets.ts';
import { readTable } from '../../io/read-table.ts';
import { withTailor } from '../context.ts';
import { listFlag as list, optionalDate, optionalNumber as number } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { modelDocument as summary } from '../../core/ml/registry.ts';
import { describeList, describeModel, describeScore } from '../model-format.ts';
import { print } from '../output.ts';

interface TrainFlags {
  target: string; algo?: string; features?: string; traits?: string; horizon?: string; holdout?: string; testFraction?: string;
  folds?: string; seed?: string; threshold?: string; trees?: string; maxDepth?: string; minSamplesLeaf?: string; maxFeatures?: string; learningRate?: string; c?: string;
  retrainEvery?: string; name?: string; writes?: string; asOf?: string; csv?: string; idColumn?: string; exportSplit?: string; json?: boolean;
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The flags as a spec; zod (core/ml/predict/spec.ts) checks ranges and names. */
function specOf(f: TrainFlags): Omit<PredictSpecInput, 'target'> {
  return defined({
    name: f.name, algo: f.algo as PredictSpecInput['algo'], features: list(f.features), traits: list(f.traits) ?? [],
    horizonDays: number(f.horizon, 'horizon'), holdout: f.holdout as PredictSpecInput['holdout'], testFraction: number(f.testFraction, 'test-fraction'),
    folds: number(f.folds, 'folds'), seed: number(f.seed, 'seed'), threshold: number(f.threshold, 'threshold'),
    params: defined({
      trees: number(f.trees, 'trees'), maxDepth: number(f.maxDepth, 'max-depth'),
      minSamplesLeaf: f.minSamplesLeaf === 'auto' ? 'auto' as const : number(f.minSamplesLeaf, 'min-samples-leaf'),
      maxFeatures: f.maxFeatures === 'sqrt' || f.maxFeatures === 'all' ? f.maxFeatures : number(f.maxFeatures, 'max-features'),
      learningRate: number(f.learningRate, 'learning-rate'), c: number(f.c, 'c'),
    }),
    retrainEveryDays: number(f.retrainEvery, 'retrain-every'), writes: f.writes as PredictSpecInput['writes'],
  }) as Omit<PredictSpecInput, 'target'>;
}

export function registerPredict(program: Command): void {
  const predict = program.command('predict').description('predictive scores: churn risk, purchase propensity, revenue over 90 days, or any label');

  predict.command('train').description('train a new model version and evaluate it on a holdout (and k-fold CV)')
    .requiredOption('--target <target>', `${STORE_TARGETS.join(' | ')} | a trait name (a label imported on profiles) | with --csv, the label column`)
    .option('--algo <algo>', 'logistic | forest | gbt (default) | ridge (numeric targets)')
    .option('--features <list>', 'features to learn from, comma-separated (default: recency, frequency, monetary, aov, tenure, 90-day orders and revenue, 30-day opens and clicks, days since open, top category)')
    .option('--traits <list>', 'profile traits to learn from as well')
    .option('--horizon <days>', 'churn: no order within this many days (default 90); purchase 30; revenue 90')
    .option('--holdout <kind>', 'time (default: train on the window before, test on the latest) | random (seeded split of the latest window)')
    .option('--test-fraction <f>', 'random holdout share', '0.2')
    .option('--folds <k>', 'k-fold CV on the training rows (0: none)', '5')
    .option('--seed <n>', 'seed for splits, bootstrap samples and forests', '1')
    .option('--threshold <p>', 'threshold of the confusion matrix', '0.5')
    .option('--trees <n>', 'forest / boosting: trees')
    .option('--max-depth <n>', 'trees: depth limit')
    .option('--min-samples-leaf <n>', 'trees: rows per leaf, or auto (forest default: chosen from 1, 5, 20, 80 by 3-fold CV log-loss on the training rows)')
    .option('--max-features <m>', 'forest: features tried per split: sqrt (default) | all | a count | a fraction in (0, 1)')
    .option('--learning-rate <x>', 'boosting: shrinkage')
    .option('--c <x>', 'logistic: inverse L2 strength (as scikit-learn C)')
    .option('--retrain-every <days>', 'retrain on this schedule while `tailor serve` runs')
    .option('--name <name>', 'registry name (default: the target)')
    .option('--writes <feature>', 'for a trait target: the profile feature its scores go to (churn_risk | purchase_propensity | predicted_revenue_90d)')
    .option('--as-of <date>', 'train as of this instant (historical data); default now')
    .option('--csv <file>', 'train on a data file (CSV, TSV, JSONL) with a label column instead of the store')
    .option('--id-column <col>', 'with --csv: the column naming each row (not a feature)')
    .option('--export-split <file>', 'with --csv: write the holdout rows\' ids to this file (to compare other tools on the same split)')
    .option('--json', 'machine-readable output')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const spec = specOf(flags);
      const asOf = optionalDate(flags.asOf, 'as-of');
      if ((flags.idColumn || flags.exportSplit) && !flags.csv) throw new TailorError('invalid_argument', '--id-column and --export-split go with --csv', 'csv');
      const rows = flags.csv ? await readTable(flags.csv) : null;
      await withTailor(cmd, async (t) => {
        let model;
        if (rows) {
          const { features, ...rest } = spec;
          const r = await t.models.predict.trainOnRows(rows, { target: flags.target, ...(flags.idColumn ? { idColumn: flags.idColumn } : {}), ...(features ? { features } : {}), spec: rest });
          model = r.model;
          if (flags.exportSplit) await writeFile(flags.exportSplit, `${flags.idColumn ?? 'row'}\n${r.testIds.join('\n')}\n`);
        } else {
          const target = (STORE_TARGETS as readonly string[]).includes(flags.target) ? flags.target as StoreTarget : `trait:${flags.target}`;
          model = await withProgress('predict train', { json: flags.json }, (bar) => t.models.predict.train({ ...spec, target }, asOf, bar.phase));
        }
        print(!!flags.json, summary(model), () => describeModel(model));
      });
    });

  predict.command('score').description('score profiles with a model and write its feature (churn_risk, purchase_propensity, predicted_revenue_90d)')
    .argument('<model>', 'model id, name (its active version) or name@version')
    .option('--as-of <date>', 'features as of this instant; default now')
    .option('--csv <file>', 'score the rows of a data file instead of the store')
    .option('--out <file>', 'with --csv: write the scores here as CSV (default: stdout)')
    .option('--id-column <col>', 'with --csv: the column to copy next to each score')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, flags: { asOf?: string; csv?: string; out?: string; idColumn?: string; json?: boolean }, cmd: Command) => {
      const asOf = optionalDate(flags.asOf, 'as-of');
      const rows = flags.csv ? await readTable(flags.csv) : null;
      await withTailor(cmd, async (t) => {
        if (rows) {
          const { scores } = await t.models.predict.scoreRows(ref, rows);
          const id = flags.idColumn;
          const csv = `${id ?? 'row'},score\n${Array.from(scores, (s, i) => `${id ? csvCell(rows[i]![id]) : i + 1},${s}`).join('\n')}\n`;
          if (flags.out) await writeFile(flags.out, csv);
          else process.stdout.write(csv);
          return;
        }
        const r = await t.models.predict.score(ref, asOf);
        print(!!flags.json, { model: r.model.id, name: r.model.name, version: r.model.version, ...r.run }, () => describeScore(r.run));
      });
    });

  predict.command('list').description('the model registry: every version, newest first')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withTailor(cmd, async (t) => {
        const models = await t.models.registry.list();
        print(!!flags.json, models.map(summary), () => describeList(models));
      });
    });

  predict.command('show').description('a model version: data window, holdout metrics, CV, calibration, importances, last scoring')
    .argument('<model>', 'model id, name or name@version')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, flags: { json?: boolean }, cmd: Command) => {
      await withTailor(cmd, async (t) => {
        const m = await t.models.predict.model(ref);
        print(!!flags.json, summary(m), () => describeModel(m));
      });
    });
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
