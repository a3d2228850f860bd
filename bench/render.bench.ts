/**
 * `npm run bench:render`: the typical template (bench/lib/render-fixture.ts: header, three
 * conditional blocks, a 4-item recommendations grid, footer) compiled once, then rendered per
 * recipient: subject, preheader, HTML and text, with the production bounds. Prints a table:
 * MJML compile time per version, renders/s on one core, and the peak RSS of a separate process
 * that renders a stream of recipients (default 1,000,000; BENCH_RENDER_STREAM to change).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileTemplate } from '../src/core/content/compile.ts';
import { prepareTemplate } from '../src/core/content/render.ts';
import { trackMessage } from '../src/core/tracking/track-message.ts';
import { BLOCKS, TEMPLATE, recipient } from './lib/render-fixture.ts';

const STREAM = Number(process.env.BENCH_RENDER_STREAM ?? 1_000_000);
const RENDERS = Number(process.env.BENCH_RENDERS ?? 100_000);

/** The send-time tracking rewrite of rendered messages: every link signed into a redirect token, the pixel and the decoy added. */
function measureTracking(prepared: ReturnType<typeof prepareTemplate>, contexts: readonly Record<string, unknown>[]): { us: number; links: number } {
  const messages = contexts.slice(0, 1000).map((ctx) => prepared.render(ctx)).filter((r) => r.ok);
  const send = (i: number) => ({ profileId: `profile-${i}`, campaignId: 'c0ffee00-0000-4000-8000-000000000000', step: 0, arm: null, messageId: `msg-${i}@mail.example.com` });
  let links = 0;
  for (let i = 0; i < 2000; i++) trackMessage(messages[i % messages.length]!, send(i), undefined, 'https://mail.example.com', 's'.repeat(32));
  const n = 20_000;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const m = trackMessage(messages[i % messages.length]!, send(i), undefined, 'https://mail.example.com', 's'.repeat(32));
    if (i === 0) links = (m.html.match(/\/t\/c\//g) ?? []).length;
  }
  return { us: ((performance.now() - start) * 1000) / n, links };
}

async function main(): Promise<void> {
  const compileMs: number[] = [];
  let compiled = await compileTemplate(TEMPLATE, BLOCKS, () => performance.now());
  for (let i = 0; i < 20; i++) {
    compiled = await compileTemplate(TEMPLATE, BLOCKS, () => performance.now());
    compileMs.push(compiled.compileMs);
  }
  compileMs.sort((a, b) => a - b);
  const contexts = Array.from({ length: 10_000 }, (_, i) => recipient(i));
  const measure = (fastPath: boolean, n: number) => {
    const prepared = prepareTemplate(compiled, { fastPath });
    for (let i = 0; i < 5000; i++) prepared.render(contexts[i % contexts.length]!);
    let failed = 0;
    let bytes = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const r = prepared.render(contexts[i % contexts.length]!);
      if (r.ok) bytes += r.html.length + r.text.length;
      else failed++;
    }
    return { perSecond: n / ((performance.now() - start) / 1000), failed, chars: Math.round(bytes / n) };
  };
  const fast = measure(true, RENDERS);
  const tracking = measureTracking(prepareTemplate(compiled), contexts);
  // The reference: the same renders with liquidjs alone (a fifth as many: it is slower).
  const reference = measure(false, Math.ceil(RENDERS / 5));
  const stream = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./lib/render-stream.ts', import.meta.url)), String(STREAM)], { encoding: 'utf8' })) as
    { recipients: number; seconds: number; peakRssMb: number; failed: number };
  const rows: [string, string][] = [
    ['machine', `${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} cores), Node ${process.version}`],
    ['MJML compile per version (p50 / max of 20)', `${compileMs[10]!.toFixed(1)} ms / ${compileMs[19]!.toFixed(1)} ms`],
    ['compiled HTML', `${compiled.html.length} chars + ${Object.values(compiled.htmlPartials).reduce((s, p) => s + p.length, 0)} in blocks`],
    [`renders/s, one core (${RENDERS} recipients)`, `${Math.round(fast.perSecond)} (${fast.failed} failed, ${fast.chars} chars each)`],
    ['renders/s with liquidjs alone (reference)', `${Math.round(reference.perSecond)} (${reference.failed} failed); fast path ${(fast.perSecond / reference.perSecond).toFixed(1)}×`],
    ['tracking rewrite per message (links, pixel, decoy; tracking/track-message.ts)', `${tracking.us.toFixed(1)} µs, ${tracking.links} links signed each; ${(tracking.us / (1e6 / fast.perSecond)).toFixed(2)}× a render`],
    [`stream of ${stream.recipients} recipients`, `${stream.seconds.toFixed(1)} s, ${Math.round(stream.recipients / stream.seconds)}/s, peak RSS ${stream.peakRssMb} MB, ${stream.failed} failed`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

await main();
