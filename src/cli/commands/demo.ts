import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { TailorError } from '../../core/errors.ts';
import { parseDate } from '../../core/identity/dates.ts';
import { DEFAULT_DEMO_END, loadDemo, MAX_CUSTOMERS, type DemoOptions, type DemoSummary } from '../../demo/load-demo.ts';
import { createDemoSegments } from '../../demo/demo-segments.ts';
import { createDemoExperiment } from '../../demo/demo-experiments.ts';
import { createDemoContent } from '../../demo/demo-templates.ts';
import { createDemoModels } from '../../demo/demo-models.ts';
import { withTailor } from '../context.ts';
import { print } from '../output.ts';

interface DemoFlags { customers: string; seed: string; end?: string; json?: boolean }

export function registerDemo(program: Command): void {
  program.command('demo').description('load a demo fashion shop: catalogue, customers and 12 months of history (same seed, same data)')
    .option('--customers <n>', 'number of customers', '2000')
    .option('--seed <n>', 'random seed: the same seed always gives the same data', '1')
    .option('--end <date>', `end of the 12-month history, ISO-8601 (default ${DEFAULT_DEMO_END.toISOString()})`)
    .option('--json', 'machine-readable output')
    .action(async (flags: DemoFlags, cmd: Command) => {
      // Checked before the database is opened: a typo should not touch the store.
      const opts = parseFlags(flags);
      await withTailor(cmd, async (t) => {
        const bar = !flags.json && process.stderr.isTTY ? progressBar(opts.customers) : undefined;
        try {
          const loaded = await loadDemo(t, { ...opts, onProgress: bar ? (done) => bar.update(done) : undefined });
          bar?.stop();
          const summary = { ...loaded, exampleSegments: await createDemoSegments(t), exampleExperiment: await createDemoExperiment(t), content: await createDemoContent(t), models: await createDemoModels(t, new Date(loaded.end)) };
          print(!!flags.json, summary, () => `${describe(loaded)}${summary.exampleSegments.length ? `
example segments: ${summary.exampleSegments.map((s) => `${s.name} (${s.size})`).join(', ')}` : ''}`);
        } finally {
          bar?.stop();
        }
      });
    });
}

export function parseFlags(f: DemoFlags): DemoOptions {
  const customers = wholeNumber(f.customers, '--customers');
  if (customers < 1 || customers > MAX_CUSTOMERS) {
    throw new TailorError('invalid_argument', `--customers must be from 1 to ${MAX_CUSTOMERS}, not ${customers}`, 'customers');
  }
  const seed = wholeNumber(f.seed, '--seed');
  let end: Date | undefined;
  if (f.end !== undefined) {
    const d = parseDate(f.end);
    if (!d.ok) throw new TailorError('invalid_argument', `--end must be an ISO-8601 date such as 2026-11-01, not '${f.end}'`, 'end');
    end = new Date(d.value);
  }
  return { customers, seed, end };
}

function wholeNumber(s: string, flag: string): number {
  const n = /^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n)) throw new TailorError('invalid_argument', `${flag} must be a whole number, not '${s}'`, flag.slice(2));
  return n;
}

function progressBar(total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({
    format: 'loading demo [{bar}] {percentage}% | {value}/{total} customers | eta {eta_formatted}',
    stream: process.stderr, hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
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
