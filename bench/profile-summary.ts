/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self time
 * grouped by module (file or package).
 *
 *   node --import tsx bench/profile-summary.ts PROFILE.cpuprofile [top=25]
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts PROFILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

// Self time per node from the sample stream (timeDeltas[i] is the time before samples[i]).
const selfUs = new Map<number, number>();
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i + 1] ?? 0;
  selfUs.set(prof.samples[i]!, (selfUs.get(prof.samples[i]!) ?? 0) + dt);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) => {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.search(/\/(src|bench|bin)\//);
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
};
const moduleOf = (url: string) => {
  if (!url) return '(native / vm)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return shortUrl(url);
};

const byFn = new Map<string, number>();
const byModule = new Map<string, number>();
for (const n of prof.nodes) {
  const us = selfUs.get(n.id) ?? 0;
  if (!us) continue;
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const mod = f.url ? moduleOf(f.url) : f.functionName.startsWith('(') ? f.functionName : '(native / vm)';
  byModule.set(mod, (byModule.get(mod) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n`);
console.log(`top ${top} functions by self time`);
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${k}`);
console.log('\nself time by module');
for (const [k, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${k}`);
