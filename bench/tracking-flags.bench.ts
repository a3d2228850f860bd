import { performance } from 'node:perf_hooks';
import { classifyRow, flagStats, loadRows, statsTable } from '../test/fixtures/tracking/flag-metrics.ts';

/**
 * Precision and recall of the machine-open (`machine_open`) and bot-click (`bot`) flags over the
 * labelled fixtures in test/fixtures/tracking/ (issue 15's goals: >= 95 % precision for machine opens,
 * >= 90 % recall for scanner clicks), per reason too, and what classifying costs per hit.
 * Run: `npm run bench:tracking`.
 */
const stats = [flagStats('open'), flagStats('click')];
console.log(statsTable(stats));

const rows = [...loadRows('open').map((r) => ['open', r] as const), ...loadRows('click').map((r) => ['click', r] as const)];
const ROUNDS = 200;
for (const [k, r] of rows) classifyRow(k, r); // warm up
const t0 = performance.now();
for (let i = 0; i < ROUNDS; i++) for (const [k, r] of rows) classifyRow(k, r);
const us = ((performance.now() - t0) * 1000) / (ROUNDS * rows.length);
console.log(`\nclassify: ${us.toFixed(2)} µs per hit (${ROUNDS} rounds over ${rows.length} fixture hits, Node ${process.version})`);
for (const s of stats) {
  // Grouped by fixture case: which documented patterns the rules miss or wrongly flag, and why.
  const byCase = new Map<string, number>();
  for (const w of s.wrong) {
    const key = `${w.row.label === 'human' ? 'human flagged' : 'machine missed'}: ${w.row.case}${w.verdict.reasons.length ? ` [${w.verdict.reasons.join(', ')}]` : ''}`;
    byCase.set(key, (byCase.get(key) ?? 0) + 1);
  }
  if (byCase.size) console.log(`\n${s.kind}s the flag gets wrong:`);
  for (const [k, n] of byCase) console.log(`  ${n} × ${k}`);
}
