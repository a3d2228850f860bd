import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import type { BuildResult } from '../../core/content/recommendations/build.ts';
import { MAX_PER_CATEGORY } from '../../core/content/recommendations/diversity.ts';
import { DEFAULT_K, HOLDOUT_DAYS, type EvaluationReport } from '../../core/content/recommendations/evaluate.ts';
import { HALF_LIFE_DAYS, KIND_WEIGHT } from '../../core/content/recommendations/interactions.ts';
import type { RankingMetrics } from '../../core/content/recommendations/metrics.ts';
import { TOP_K } from '../../core/content/recommendations/similarity.ts';
import type { RecommendedProduct } from '../../core/content/recommendations/recs-service.ts';
import { withTailor } from '../context.ts';
import { optionalDate, wholeFlag } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { print, table } from '../output.ts';

export function registerRecs(program: Command): void {
  const recs = program.command('recs').description('product recommendations: item-item collaborative filtering with a popularity fallback');

  recs.command('build').description('recompute item similarities and every profile\'s stored list')
    .option('--as-of <date>', 'use the interactions up to this instant, ISO-8601 (default: now)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', HELP)
    .action(async (flags: { asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = optionalDate(flags.asOf, 'as-of', EXAMPLE_DATE);
      await withTailor(cmd, async (t) => {
        const start = performance.now();
        const r = await withProgress('recs build', { json: flags.json }, (bar) => t.recs.build(asOf, bar.phase));
        const durationMs = Math.round(performance.now() - start);
        print(!!flags.json, { ...r, asOf: new Date(r.asOf).toISOString(), durationMs }, () => describeBuild(r, durationMs));
      });
    });

  recs.command('show <profile>').description('a profile\'s stored recommendations (profile id, userId or email)')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, flags: { limit: string; json?: boolean }, cmd: Command) => {
      const limit = wholeFlag(flags.limit, 'limit', { min: 1, max: 100 });
      await withTailor(cmd, async (t) => {
        const { profileId: id, recommendations: list } = await t.recs.show(ref, limit);
        print(!!flags.json, { profileId: id, recommendations: list }, () => describeList(id, list));
      });
    });

  recs.command('evaluate').description('time-split holdout: CF against the popularity baseline')
    .option('--cutoff <date>', `train up to this instant, test on the purchases after it (default: ${HOLDOUT_DAYS} days before the last interaction)`)
    .option('--k <n>', 'list length scored', String(DEFAULT_K))
    .option('--json', 'machine-readable output')
    .action(async (flags: { cutoff?: string; k: string; json?: boolean }, cmd: Command) => {
      const k = wholeFlag(flags.k, 'k', { min: 1, max: 100 });
      const cutoff = optionalDate(flags.cutoff, 'cutoff', EXAMPLE_DATE);
      await withTailor(cmd, async (t) => {
        const r = await t.recs.evaluate({ cutoff, k });
        print(!!flags.json, { ...r, cutoff: new Date(r.cutoff).toISOString(), end: new Date(r.end).toISOString() }, () => describeEvaluation(r));
      });
    });
}

const HELP = `
Interactions are "Product Viewed" (weight ${KIND_WEIGHT.view}), "Product Added" (${KIND_WEIGHT.add}) and the
products of "Order Completed" (${KIND_WEIGHT.purchase}), each halved every ${HALF_LIFE_DAYS} days of age. Items are
compared by cosine over profiles (top ${TOP_K} neighbours kept); a profile's score for an item sums
neighbour similarity × its own weights. Bought and out-of-stock items are left out, and at most
${MAX_PER_CATEGORY} of every 10 come from one category. Profiles without history get the most popular
items of their largest segment, else of everyone. Lists are stored per profile (20 items).

Examples:
  tailor recs build --as-of 2026-11-01
  tailor recs show cust-1-000042
  tailor recs evaluate --k 10 --json
`;

const EXAMPLE_DATE = '2026-10-01';

function describeBuild(r: BuildResult, ms: number): string {
  return [
    `recommendations as of ${new Date(r.asOf).toISOString()}: ${r.profiles} profiles in ${(ms / 1000).toFixed(2)} s`,
    `${r.interactions} interactions; ${r.items} items with neighbours (${r.pairs} pairs); ${r.segments} segments with a popularity list`,
    `lists led by: cf ${r.lists.cf}, segment-popular ${r.lists['segment-popular']}, popular ${r.lists.popular}, empty ${r.lists.empty}; ${r.pruned} stale lists removed`,
  ].join('\n');
}

function describeList(id: string, list: RecommendedProduct[]): string {
  if (!list.length) return `no recommendations stored for ${id} (run: tailor recs build)`;
  return `${id}\n\n${table([['#', 'product', 'name', 'category', 'price', 'score', 'reason'],
    ...list.map((p, i) => [i + 1, p.id, p.name ?? '', p.category ?? '', p.price === null ? '' : `${p.price.toFixed(2)} ${p.currency ?? ''}`.trim(),
      p.score.toFixed(3), p.reason])])}`;
}

const f = (x: number) => x.toFixed(4);
const ratio = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}×`);

function describeEvaluation(r: EvaluationReport): string {
  const row = (name: string, m: RankingMetrics) => [name, f(m.hitRate), f(m.recall), f(m.mrr), m.users];
  return [
    `train up to ${new Date(r.cutoff).toISOString()}, test purchases until ${new Date(r.end).toISOString()}; ` +
      `${r.users} test users (${r.coldUsers} without history before the cutoff)`,
    '',
    table([
      ['model', `hit-rate@${r.k}`, `recall@${r.k}`, `MRR@${r.k}`, 'users'],
      row('cf', r.cf),
      row('popular', r.popular),
      ['cf / popular', ratio(r.ratio.hitRate), ratio(r.ratio.recall), ratio(r.ratio.mrr), ''],
      row('cf (with history)', r.warm.cf),
      row('popular (with history)', r.warm.popular),
    ]),
  ].join('\n');
}
