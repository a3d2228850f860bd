import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { ORDER_EVENT } from '../../core/features/catalog.ts';
import type { RfmRun } from '../../core/features/rfm-run.ts';
import { DEFAULT_RFM_WINDOW_DAYS, rfmCustomer, type RfmCustomer, type RfmGroupSummary } from '../../core/features/rfm.ts';
import { withTailor } from '../context.ts';
import { optionalDate, wholeFlag } from '../flags.ts';
import { withProgress } from '../progress.ts';
import { print, table, writeOut } from '../output.ts';

interface RfmFlags { asOf?: string; window: string; json?: boolean; save: boolean; perCustomer?: boolean }

export function registerRfm(program: Command): void {
  program.command('rfm').description('score every customer by recency, frequency and monetary value (1-5 quintiles) and name their RFM segment')
    .option('--as-of <date>', 'score as of this instant, ISO-8601 (default: now); later events are ignored')
    .option('--window <days>', 'orders in the window of this many days up to --as-of count', String(DEFAULT_RFM_WINDOW_DAYS))
    .option('--no-save', 'print the result without writing the rfm_* features')
    .option('--per-customer', 'one row per customer (R, F, M, score, segment, and the window\'s recency days, orders and revenue): CSV, or with --json a customers array')
    .option('--json', 'machine-readable output')
    .addHelpText('after', HELP)
    .action(async (flags: RfmFlags, cmd: Command) => {
      // Checked before the database is opened: a typo should not touch the store.
      // The cap keeps the window's start a valid date (and is far beyond any order history).
      const window = wholeFlag(flags.window, 'window', { min: 1, max: MAX_WINDOW_DAYS, unit: 'days' });
      const asOf = optionalDate(flags.asOf, 'as-of', '2011-12-10');
      await withTailor(cmd, async (t) => {
        const start = performance.now();
        const run = await withProgress('rfm', { json: flags.json }, (bar) => t.rfm.run({ asOf, windowDays: window, save: flags.save, onPhase: bar.phase }));
        const durationMs = Math.round(performance.now() - start);
        const timings = Object.fromEntries(Object.entries(run.timings).map(([k, v]) => [k, Math.round(v)]));
        if (flags.perCustomer) writeOut(flags.json ? customersJson(run, { saved: run.saved, durationMs, timings }) : customersCsv(run));
        else print(!!flags.json, { ...run.summary, saved: run.saved, durationMs, timings }, () => describe(run, durationMs));
      });
    });
}

const HELP = `
Customers are the profiles with at least one "${ORDER_EVENT}" in the window (as-of − days, as-of].
R scores whole days since the last order (5 = most recent), F the number of orders, M their revenue
(properties.revenue, else properties.total). Scores are quintiles in which equal values score
equally: 1 + floor(5 × customers-with-a-worse-value / customers). Segments come from R and
FM = ceil((F + M) / 2) on the standard 11-name grid (README). The result is written to the features
rfm_r, rfm_f, rfm_m, rfm_score (100R+10F+M) and rfm_segment; profiles without an order in the
window get none.

With --per-customer the output is one row per customer instead, best cell first: profile_id,
recency_days, frequency, monetary (the raw values in the window), r, f, m, score and segment, as
CSV; with --json, the summary document with a "customers" array of those objects, one per line.

Examples:
  tailor rfm --as-of 2011-12-10            # UCI Online Retail, as of the day after its last invoice
  tailor rfm --window 90 --no-save --json
  tailor rfm --as-of 2011-12-10 --per-customer > rfm.csv
`;

/** Customers best first (cell, then revenue), ties by profile id: the same scores print the same. */
function customers(run: RfmRun): RfmCustomer[] {
  const out = run.scores.profileIds.map((_, i) => rfmCustomer(run.scores, i));
  return out.sort((a, b) => b.score - a.score || b.monetary - a.monetary || (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
}

/** The summary document plus `customers`, one object per line (a million customers stay greppable). */
function customersJson(run: RfmRun, extra: Record<string, unknown>): string {
  const head = JSON.stringify({ ...run.summary, ...extra }, null, 2);
  const rows = customers(run).map((c) => `    ${JSON.stringify(c)}`);
  return `${head.slice(0, -2)},\n  "customers": [${rows.length ? `\n${rows.join(',\n')}\n  ` : ''}]\n}\n`;
}

const CSV_HEADER = 'profile_id,recency_days,frequency,monetary,r,f,m,score,segment';

function customersCsv(run: RfmRun): string {
  // Segment names hold letters, spaces and an apostrophe (RFM_SEGMENTS), profile ids are generated: no quoting needed.
  const rows = customers(run).map((c) => [c.profileId, c.recencyDays, c.frequency, c.monetary, c.r, c.f, c.m, c.score, c.segment].join(','));
  return `${[CSV_HEADER, ...rows].join('\n')}\n`;
}

const MAX_WINDOW_DAYS = 100_000;

const fixed = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

function row(name: string, g: RfmGroupSummary, total: number): string[] {
  const share = total === 0 ? '-' : `${((100 * g.customers) / total).toFixed(1)}%`;
  return [name, String(g.customers), share, fixed(g.meanRecencyDays, 1), fixed(g.meanFrequency, 2), fixed(g.meanMonetary, 2)];
}

/** table() right-aligns only numbers; the formatted figures (fixed decimals) are right-aligned here. */
function alignRight(rows: string[][]): string[][] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c : c.padStart(widths[i]!))));
}

function describe(run: RfmRun, durationMs: number): string {
  const s = run.summary;
  const total = s.totals.customers;
  const saved = run.saved
    ? `saved: ${run.saved.written} feature rows written, ${run.saved.cleared} cleared`
    : 'not saved (--no-save)';
  return [
    `RFM as of ${s.asOf}, window ${s.windowDays} days (after ${s.windowStart}): ${total} customers scored in ${(durationMs / 1000).toFixed(2)} s`,
    '',
    table(alignRight([
      ['segment', 'customers', 'share', 'recency (days)', 'frequency', 'monetary'],
      ...s.segments.map((g) => row(g.segment, g, total)),
      row('total', s.totals, total),
    ])),
    '',
    `means per customer. ${saved}`,
  ].join('\n');
}
