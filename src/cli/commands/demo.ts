import path from 'node:path';
import type { Command } from 'commander';
import { sendDemoBroadcast, type DemoSendResult } from '../../demo/demo-campaigns.ts';
import { MAX_CUSTOMERS, type DemoOptions, type DemoSummary } from '../../demo/load-demo.ts';
import { setUpDemo } from '../../demo/set-up-demo.ts';
import { withTailor } from '../context.ts';
import { dateFlag, wholeFlag } from '../flags.ts';
import { print } from '../output.ts';
import { withProgress } from '../progress.ts';

interface DemoFlags { customers: string; seed: string; end?: string; send?: boolean; json?: boolean }

export function registerDemo(program: Command): void {
  program.command('demo').description('load a demo fashion shop: catalogue, customers and 12 months of history (same seed, same data)')
    .option('--customers <n>', 'number of customers', '2000')
    .option('--seed <n>', 'random seed: the same seed and --end always give the same data', '1')
    .option('--end <date>', 'end of the 12-month history, ISO-8601 (default: now; give one for reproducible data)')
    .option('--send', 'then launch the demo broadcast and send it (to the outbox folder unless TAILOR_SMTP_URL is set)')
    .option('--json', 'machine-readable output')
    .action(async (flags: DemoFlags, cmd: Command) => {
      // Checked before the database is opened: a typo should not touch the store.
      const opts = parseFlags(flags);
      await withTailor(cmd, async (t) => {
        const summary = await withProgress('loading demo', { json: flags.json, unit: 'customers' },
          (bar) => setUpDemo(t, { ...opts, onProgress: bar.update }));
        const sent = flags.send
          ? await withProgress('sending demo broadcast', { json: flags.json, unit: 'messages' },
            (bar) => sendDemoBroadcast(t, (n) => bar.update(total(n) - n.queued - n.deferred, total(n))))
          : undefined;
        // Where the mail went: never the SMTP URL itself, which may hold a password.
        const transport = t.config.smtpUrl ? 'SMTP (TAILOR_SMTP_URL)' : path.resolve(t.config.outbox);
        print(!!flags.json, sent ? { ...summary, send: { ...sent, transport } } : summary, () => [
          describe(summary),
          ...(summary.exampleSegments.length ? [`example segments: ${summary.exampleSegments.map((s) => `${s.name} (${s.size})`).join(', ')}`] : []),
          ...(summary.campaigns.length ? [`draft campaigns: ${summary.campaigns.join(', ')}`] : []),
          ...(sent ? [describeSend(sent, transport)] : []),
        ].join('\n'));
      });
    });
}

export function parseFlags(f: DemoFlags): DemoOptions {
  const customers = wholeFlag(f.customers, 'customers', { min: 1, max: MAX_CUSTOMERS });
  const seed = wholeFlag(f.seed, 'seed');
  const end = f.end === undefined ? undefined : new Date(dateFlag(f.end, 'end'));
  return { customers, seed, end };
}

const total = (n: DemoSendResult['counts']): number => Object.values(n).reduce((a, b) => a + b, 0);

function describeSend(r: DemoSendResult, transport: string): string {
  const n = r.counts;
  const why = (state: string) => r.reasons.filter((x) => x.state === state).map((x) => `${x.reason} ${x.count}`).join(', ');
  const line = (label: string, count: number, state: string) => `  ${count} ${label}${count && why(state) ? ` (${why(state)})` : ''}`;
  return [
    `${r.campaign}${r.launched ? '' : ' (launched before)'}: ${total(n)} recipients`,
    `  ${n.sent} sent to ${transport}`,
    line('suppressed', n.suppressed, 'suppressed'),
    line('deferred (tailor serve sends them when due)', n.deferred, 'deferred'),
    ...(n.failed ? [line('failed', n.failed, 'failed')] : []),
  ].join('\n');
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
