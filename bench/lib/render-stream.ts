/**
 * Renders N recipients one after another, keeping nothing, as a send would stream them to SMTP;
 * prints the elapsed time and the process's peak RSS as JSON (run by bench/render.bench.ts).
 */
import { compileTemplate } from '../../src/core/content/compile.ts';
import { prepareTemplate } from '../../src/core/content/render.ts';
import { BLOCKS, TEMPLATE, recipient } from './render-fixture.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const prepared = prepareTemplate(await compileTemplate(TEMPLATE, BLOCKS, () => performance.now()));
let failed = 0;
const start = performance.now();
for (let i = 0; i < n; i++) if (!prepared.render(recipient(i)).ok) failed++;
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ recipients: n, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), failed }));
