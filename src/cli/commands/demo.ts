import type { Command } from 'commander';
import { MAX_CUSTOMERS, type DemoOptions, type DemoSummary } from '../../demo/load-demo.ts';
import { setUpDemo } from '../../demo/set-up-demo.ts';
import { withTailor } from '../context.ts';
import { dateFlag, wholeFlag } from '../flags.ts';
import { print } from '../output.ts';
import { withProgress } from '../progress.ts';

interface DemoFlags { customers: string; seed: string; end?: string; json?: boolean }

export function registerDemo(program: Command): void {
  program.command('demo').description('load a demo fashion shop: catalogue, customers and 12 months of history (same seed, same data)')
    .option('--customers <n>', 'number of customers', '2000')
    .option('--seed <n>', 'random seed: the same seed and --end always give the same data', '1')
    .option('--end <date>', 'end of the 12-month history, ISO-8601 (default: now; give one for reproducible data)')
    .option('--json', 'machine-readable output')
    .action(async (flags: DemoFlags, cmd: Command) => {
      // Checked before the database is opened: a typo should not touch the store.
      const opts = parseFlags(flags);
      await withTailor(cmd, async (t) => {
        const summary = await withProgress('loading demo', { json: flags.json, unit: 'customers' },
          (bar) => setUpDemo(t, { ...opts, onProgress: bar.update }));
        print(!!flags.json, summary, () => `${describe(summary)}${summary.exampleSegments.length ? `
example segments: ${summary.exampleSegments.map((s) => `${s.name} (${s.size})`).join(', ')}` : ''}`);
      });
    });
}

export function parseFlags(f: DemoFlags): DemoOptions {
  const customers = wholeFlag(f.customers, 'customers', { min: 1, max: MAX_CUSTOMERS });
  const seed = wholeFlag(f.seed, 'seed');
  const end = f.end === undefined ? undefined : new Date(dateFlag(f.end, 'end'));
  return { customers, seed, end };
}

function describe(s: DemoSummary): string {
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: s.currency }).format(s.revenue);
  const segments = Object.entries(s.segments).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `demo shop (seed ${s.seed}, history ${s.start.slice(0, 10)} to ${s.end.slice(0, 10)})`,
    `  ${s.customers} customers, ${s.products} products, ${s.orders} orders, ${money} revenue`,
    `  ${s.events} events: ${s.stored} new, ${s.duplicates} already loaded; ${s.merges} anonymous visitors merged`,
    `  planted behaviour (trait demo_segment, ground truth for tests): ${segments}`,
  ].join('\n');
}
