import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import type { ClusterRun, ClusterSpecInput } from '../../core/ml/cluster-service.ts';
import { withTailor } from '../context.ts';
import { print, table } from '../output.ts';
import { listFlag as list, numberFlag as number, optionalDate } from '../flags.ts';
import { withProgress } from '../progress.ts';

interface ClusterFlags {
  algo: string; features?: string; traits?: string; k: string; kMax?: string; seed?: string; nInit?: string; eps?: string; minPts?: string;
  scaling?: string; truth?: string; name?: string; asOf?: string; svgDir: string; save: boolean; json?: boolean;
}

const SVG_DIR = '.tailor/clusters';

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));

export function registerCluster(program: Command): void {
  program.command('cluster').description('group profiles by behaviour (k-means, Ward hierarchical or DBSCAN) and save the `cluster` feature')
    .option('--algo <algo>', 'kmeans | hierarchical | dbscan', 'kmeans')
    .option('--features <list>', 'features to cluster on, comma-separated (default: recency, frequency, monetary, aov, tenure, 90-day orders, 30-day opens and clicks)')
    .option('--traits <list>', 'numeric or categorical traits to add')
    .option('--k <k>', 'number of clusters, or auto (highest silhouette; the elbow of inertia is shown too)', 'auto')
    .option('--k-max <n>', 'largest k tried by --k auto', '10')
    .option('--seed <n>', 'seed for k-means++ and samples', '1')
    .option('--n-init <n>', 'k-means restarts (the lowest inertia wins)', '10')
    .option('--eps <x>', 'DBSCAN radius in scaled units (default: the knee of the k-distance curve)')
    .option('--min-pts <n>', 'DBSCAN: neighbours for a core point (default max(4, 2 × features))')
    .option('--scaling <s>', 'standard | minmax', 'standard')
    .option('--truth <trait>', 'report the adjusted Rand index against known groups held in this trait')
    .option('--name <name>', 'registry name', 'clusters')
    .option('--as-of <date>', 'features as of this instant; default now')
    .option('--svg-dir <dir>', 'where the PCA scatter (and dendrogram) SVGs go (with --no-save: only when given)', SVG_DIR)
    .option('--no-save', 'print the result and write nothing: no cluster feature, registry entry or SVG (unless --svg-dir is given)')
    .option('--json', 'machine-readable output')
    .action(async (flags: ClusterFlags, cmd: Command) => {
      const k = flags.k === 'auto' ? 'auto' as const : number(flags.k, 'k');
      if (flags.scaling !== 'standard' && flags.scaling !== 'minmax') throw new TailorError('invalid_argument', `--scaling must be standard or minmax, not '${flags.scaling}'`, 'scaling');
      const spec: ClusterSpecInput = {
        algo: flags.algo as ClusterSpecInput['algo'], k, scaling: flags.scaling, name: flags.name,
        ...(flags.features ? { features: list(flags.features) } : {}), ...(flags.traits ? { traits: list(flags.traits) } : {}),
        ...(flags.kMax ? { kMax: number(flags.kMax, 'k-max') } : {}), ...(flags.seed ? { seed: number(flags.seed, 'seed') } : {}),
        ...(flags.nInit ? { nInit: number(flags.nInit, 'n-init') } : {}), ...(flags.eps ? { eps: number(flags.eps, 'eps') } : {}),
        ...(flags.minPts ? { minPts: number(flags.minPts, 'min-pts') } : {}), ...(flags.truth ? { truth: flags.truth } : {}),
      };
      const asOf = optionalDate(flags.asOf, 'as-of');
      await withTailor(cmd, async (t) => {
        const run = await withProgress('cluster', { json: flags.json }, (bar) => t.models.cluster.run(spec, { ...(asOf !== undefined ? { asOf } : {}), save: flags.save, onPhase: bar.phase }));
        // --no-save writes nothing to disk unless the SVGs' folder was asked for by name (issue 18).
        const writeSvg = flags.save || cmd.getOptionValueSource('svgDir') !== 'default';
        const files: string[] = [];
        if (writeSvg) {
          await mkdir(flags.svgDir, { recursive: true });
          const stem = `${run.model?.name ?? 'clusters'}-${flags.algo}`;
          files.push(path.join(flags.svgDir, `${stem}-pca.svg`));
          await writeFile(files[0]!, run.svg.scatter);
          if (run.svg.dendrogram) {
            files.push(path.join(flags.svgDir, `${stem}-dendrogram.svg`));
            await writeFile(files[1]!, run.svg.dendrogram);
          }
        }
        const out = { model: run.model ? { id: run.model.id, name: run.model.name, version: run.model.version } : null, saved: run.saved, svg: files, ...run.metrics };
        print(!!flags.json, out, () => describe(run, files));
      });
    });
}

function describe(run: ClusterRun, files: string[]): string {
  const m = run.metrics;
  const lines = [
    `${m.k} clusters of ${m.profiles} profiles${m.fittedOn < m.profiles ? ` (fitted on a sample of ${m.fittedOn}, the rest assigned)` : ''}; silhouette ${f(m.silhouette)}` +
      `${m.inertia !== null ? `, inertia ${f(m.inertia, 1)}` : ''}${m.eps !== null ? `, eps ${f(m.eps)} (minPts ${m.minPts}), ${m.noise} noise points` : ''}${m.miniBatch ? ' (mini-batch k-means)' : ''}`,
  ];
  if (m.choice) {
    lines.push(m.choice.reason, table([['k', 'silhouette', 'inertia'], ...m.choice.candidates.map((c) => [String(c.k), f(c.silhouette), f(c.inertia, 1)])]));
  }
  if (m.ari) lines.push(`adjusted Rand index against ${m.ari.trait}: ${f(m.ari.value)} (${m.ari.profiles} profiles)`);
  lines.push('', table([['cluster', 'size', 'share', 'description', 'most distinctive (z)'],
    ...m.cards.map((c) => [String(c.cluster), c.size, `${(100 * c.share).toFixed(1)}%`, c.description, c.distinctive.map((d) => `${d.feature} ${d.z >= 0 ? '+' : ''}${d.z.toFixed(2)}`).join(', ')])]));
  lines.push('', files.length ? `SVG: ${files.join(', ')}` : 'SVG not written (--no-save; add --svg-dir <dir> to write it)', run.model ? `saved: feature cluster for ${run.saved} profiles; registry ${run.model.name} v${run.model.version}` : 'not saved (--no-save)');
  return lines.join('\n');
}
