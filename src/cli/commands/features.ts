import type { Command } from 'commander';
import { FEATURES, featureValue, type FeatureRow } from '../../core/features/catalog.ts';
import type { RecomputeSummary } from '../../core/features/feature-service.ts';
import { withTailor } from '../context.ts';
import { optionalDate } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { print, table } from '../output.ts';

interface Flags { asOf?: string; json?: boolean }

export function registerFeatures(program: Command): void {
  const features = program.command('features').description('computed features per profile: recency, frequency, monetary, engagement, categories, send hours');

  features.command('recompute').description('recompute every profile\'s features from its events (ingest keeps them current; this rebuilds them)')
    .option('--as-of <date>', 'compute as of this instant, ISO-8601 (default: now); later events are left out')
    .option('--json', 'machine-readable output')
    .action(async (flags: Flags, cmd: Command) => {
      const asOf = optionalDate(flags.asOf, 'as-of', '2011-12-10');
      await withTailor(cmd, async (t) => {
        const s = await withProgress('features', { json: flags.json, unit: 'profiles' }, (bar) => t.features.recompute(asOf, bar.update));
        print(!!flags.json, { ...s, asOf: new Date(s.asOf).toISOString() }, () => describeRecompute(s));
      });
    });

  features.command('show <profile>').description('one profile\'s features (by internal id, userId, anonymousId or email)')
    .option('--as-of <date>', 'compute as of this instant, ISO-8601 (default: now) from the events')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, flags: Flags, cmd: Command) => {
      const asOf = optionalDate(flags.asOf, 'as-of', '2011-12-10');
      await withTailor(cmd, async (t) => {
        const { profileId: id, at, row } = await t.features.show(ref, asOf);
        const values = Object.fromEntries(Object.keys(FEATURES).map((name) => [name, featureValue(name, row, at)]));
        print(!!flags.json, {
          profileId: id, asOf: new Date(at).toISOString(), features: values,
          categoryCounts: row.categoryCounts, hourHistogram: row.hourHistogram,
          windowsExpireAt: row.windowsExpireAt === null ? null : new Date(row.windowsExpireAt).toISOString(),
        }, () => describeRow(id, at, values, row));
      });
    });
}

function describeRecompute(s: RecomputeSummary): string {
  return `recomputed the features of ${s.profiles} profiles as of ${new Date(s.asOf).toISOString()} in ${(s.ms / 1000).toFixed(1)} s`
    + (s.removed ? `; removed ${s.removed} rows of merged profiles` : '');
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function describeRow(id: string, at: number, values: Record<string, number | string | null>, row: FeatureRow): string {
  const shown = (name: string, v: number | string | null) => v === null ? '-'
    : FEATURES[name]!.kind === 'time' ? new Date(v as number).toISOString()
      : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v);
  const categories = Object.entries(row.categoryCounts).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, n]) => `${c} ${n}`).join(', ');
  const hours = row.hourHistogram.map((n, h) => [h, n] as const).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([h, n]) => `${WEEKDAYS[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}:00 UTC (${n})`).join(', ');
  return [`profile ${id}, features as of ${new Date(at).toISOString()}`, '',
    table([['feature', 'value'], ...Object.entries(values).map(([k, v]) => [k, shown(k, v)])]), '',
    `categories: ${categories || '-'}`, `opens and clicks peak: ${hours || '-'}`].join('\n');
}
