import type { Command } from 'commander';
import { withTailor } from '../context.ts';
import { wholeFlag } from '../flags.ts';
import { print, table } from '../output.ts';

export function registerQuality(program: Command): void {
  program.command('quality').description('data-quality report: invalid values left out of profiles')
    .option('--json', 'machine-readable output').option('--recent <n>', 'recent issues to list', '10')
    .action(async (opts: { json?: boolean; recent: string }, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.status.qualityReport(wholeFlag(opts.recent, 'recent', { min: 0, max: 1000 }));
      print(!!opts.json, r, () => r.total === 0 ? 'no data-quality issues' :
        `${r.total} invalid values left out of profiles\n\n${table([['field', 'reason', 'count', 'example'],
          ...r.byField.map((g) => [g.field, g.reason, g.count, JSON.stringify(g.example).slice(0, 40)])])}`);
    }));
}
