import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { TailorError } from '../../core/errors.ts';
import type { SendState } from '../../core/campaigns/ports.ts';
import { DemoClock } from '../../demo/demo-clock.ts';
import { demoIds } from '../../demo/demo-ids.ts';
import { MAX_CUSTOMERS, type DemoOptions, type DemoSummary } from '../../demo/load-demo.ts';
import { setUpDemo } from '../../demo/set-up-demo.ts';
import { simulateSends, simulationStart, type SimulatedBroadcast, type SimulationResult } from '../../demo/simulate-sends.ts';
import { configFrom, withTailor } from '../context.ts';
import { dateFlag, numberFlag, wholeFlag } from '../flags.ts';
import { print } from '../output.ts';
import { withProgress } from '../progress.ts';

interface DemoFlags { customers: string; seed: string; end?: string; send?: boolean; weeks: string; explore: string; habits: boolean; json?: boolean }

export function registerDemo(program: Command): void {
  program.command('demo').description('load a demo fashion shop: catalogue, customers and 12 months of history (same seed, same data)')
    .option('--customers <n>', 'number of customers', '2000')
    .option('--seed <n>', 'random seed: the same seed and --end always give the same data', '1')
    .option('--end <date>', 'end of the demo, ISO-8601 (default: now; give one for reproducible data)')
    .option('--send', 'end the history a little over --weeks weeks before --end, then send a weekly broadcast (optimised send times) over those weeks (to the outbox folder unless TAILOR_SMTP_URL is set) and simulate how the customers respond')
    .option('--weeks <n>', 'with --send: weeks of weekly broadcasts to simulate', '8')
    // Half, not the campaign option's 10 %: a few weeks of a 2,000-customer shop give too few
    // exploration sends at 10 % for `tailor sto evaluate` to tell anything apart (src/demo/README.md).
    .option('--explore <share>', 'with --send: share of each broadcast sent at a random hour (send-time exploration)', '0.5')
    .option('--no-habits', 'plant no reading hours: every customer checks mail at random hours (the control for send-time optimisation)')
    .option('--json', 'machine-readable output')
    .action(async (flags: DemoFlags, cmd: Command) => {
      // Checked before the database is opened: a typo should not touch the store.
      const opts = parseFlags(flags);
      if (flags.send) return sendDemo(cmd, flags, opts, wholeFlag(flags.weeks, 'weeks', { min: 1, max: 52 }), shareFlag(flags.explore, 'explore'));
      await withTailor(cmd, async (t) => {
        const summary = await withProgress('loading demo', { json: flags.json, unit: 'customers' },
          (bar) => setUpDemo(t, { ...opts, onProgress: bar.update }));
        print(!!flags.json, summary, () => describe(summary).join('\n'));
      });
    });
}

/**
 * --send: the history ends `weeks` weeks before the demo's end, and the weeks after it are
 * simulated (src/demo/simulate-sends.ts) on a Tailor whose clock the simulation moves, with the
 * demo's responder answering every message through the HTTP app in-process.
 */
async function sendDemo(cmd: Command, flags: DemoFlags, opts: DemoOptions, weeks: number, explore: number): Promise<void> {
  const { createTailor } = await import('../../main.ts');
  const { createServer } = await import('../../http.ts');
  const clock = new DemoClock();
  const end = (opts.end ?? new Date()).getTime();
  const from = simulationStart(end, weeks);
  // The simulated recipients' requests arrive far faster than the simulated time passes: no rate limits on this in-process app.
  const config = { ...configFrom(cmd), rateLimitPublic: 0, rateLimitIngest: 0, ...({ rateLimitTracking: 0 } as unknown as Partial<Config>) };
  const t = await createTailor(config, { clock, newId: demoIds(opts.seed) });
  try {
    clock.set(from);
    const summary = await withProgress('loading demo', { json: flags.json, unit: 'customers' },
      (bar) => setUpDemo(t, { ...opts, end: new Date(from), onProgress: bar.update }));
    const app = createServer(t, await t.keys());
    let sim: SimulationResult;
    try {
      sim = await withProgress(`simulating ${weeks} weeks of sends`, { json: flags.json, unit: 'simulated hours' },
        (bar) => simulateSends(t, app, clock, { seed: opts.seed, customers: opts.customers, habits: opts.habits, from, end, weeks, explore, onProgress: bar.update }));
    } finally {
      await app.close();
      clock.release();
    }
    // Where the mail went: never the SMTP URL itself, which may hold a password.
    const transport = t.config.smtpUrl ? 'SMTP (TAILOR_SMTP_URL)' : path.resolve(t.config.outbox);
    print(!!flags.json, { ...summary, send: { ...sim, transport } }, () => [...describe(summary), ...describeSimulation(sim, transport)].join('\n'));
  } finally {
    await t.close();
  }
}

export function parseFlags(f: Pick<DemoFlags, 'customers' | 'seed' | 'end'> & { habits?: boolean }): DemoOptions {
  const customers = wholeFlag(f.customers, 'customers', { min: 1, max: MAX_CUSTOMERS });
  const seed = wholeFlag(f.seed, 'seed');
  const end = f.end === undefined ? undefined : new Date(dateFlag(f.end, 'end'));
  return { customers, seed, end, ...(f.habits === false ? { habits: false } : {}) };
}

function shareFlag(s: string, flag: string): number {
  const v = numberFlag(s, flag);
  if (v < 0 || v > 1) throw new TailorError('invalid_argument', `--${flag} must be a share from 0 to 1`, flag);
  return v;
}

const total = (n: Record<SendState, number>): number => Object.values(n).reduce((a, b) => a + b, 0);

function describeBroadcast(r: SimulatedBroadcast, transport: string): string[] {
  const n = r.counts;
  const why = (state: string) => r.reasons.filter((x) => x.state === state).map((x) => `${x.reason} ${x.count}`).join(', ');
  const line = (label: string, count: number, state: string) => `    ${count} ${label}${count && why(state) ? ` (${why(state)})` : ''}`;
  return [
    `  ${r.campaign} (launched ${r.launchedAt.slice(0, 16).replace('T', ' ')} UTC): ${total(n)} recipients`,
    `    ${n.sent} sent to ${transport}`,
    line('suppressed', n.suppressed, 'suppressed'),
    ...(n.deferred || n.queued ? [line('deferred or queued (tailor serve sends them when due)', n.deferred + n.queued, 'deferred')] : []),
    ...(n.failed ? [line('failed', n.failed, 'failed')] : []),
  ];
}

function describeSimulation(s: SimulationResult, transport: string): string[] {
  const r = s.responses;
  return [
    `simulated sends ${s.from.slice(0, 10)} to ${s.end.slice(0, 10)}, send time ${s.optimized ? 'optimised per recipient (sendTime.optimize)' : 'at launch'}:`,
    ...s.broadcasts.flatMap((b) => describeBroadcast(b, transport)),
    r ? `  simulated customers (src/demo/responder): ${r.humanOpens} human opens, ${r.machineOpens} Apple MPP pixel fetches, ${r.clicks} clicks, `
      + `${r.orders} orders (EUR ${r.revenue.toFixed(2)})${r.refused ? `; ${r.refused} requests refused, first: ${r.firstRefusal}` : ''}`
      : '  no simulated responses: mail went over SMTP, and the responder reads the outbox',
  ];
}

function describe(s: DemoSummary & { exampleSegments?: { name: string; size: number }[]; campaigns?: string[] }): string[] {
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: s.currency }).format(s.revenue);
  const segments = Object.entries(s.segments).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `demo shop (seed ${s.seed}, history ${s.start.slice(0, 10)} to ${s.end.slice(0, 10)})`,
    `  ${s.customers} customers, ${s.products} products, ${s.orders} orders, ${money} revenue`,
    `  ${s.events} events: ${s.stored} new, ${s.duplicates} already loaded; ${s.merges} anonymous visitors merged`,
    `  planted behaviour (trait demo_segment, ground truth for tests): ${segments}`,
    ...(s.exampleSegments?.length ? [`example segments: ${s.exampleSegments.map((x) => `${x.name} (${x.size})`).join(', ')}`] : []),
    ...(s.campaigns?.length ? [`draft campaigns: ${s.campaigns.join(', ')}`] : []),
  ];
}
