/**
 * Liquid conformance: runs a Golden-Liquid-style suite through Tailor's own path and through
 * plain liquidjs, side by side.
 *
 *   npx tsx bench/liquid-conformance.ts <suite dir or golden_liquid.json> [--only <substring>] [--verbose]
 *
 * The suite is not part of this repository (it is someone else's work): give its path. Every
 * `*.json` under a directory is read, each `{"tests":[{name, template, data?, result? | results?,
 * invalid?, partials? | templates?}]}`; a single `golden_liquid.json` of the same form also works
 * (grouped by the first part of each test's name).
 *
 * Tailor's path (src/core/content/liquid/render-source.ts): the `text` environment (Liquid does
 * not HTML-escape; Tailor's html environment deliberately does), the save-time check (parse +
 * strict check), then the render (fast path where it compiles, else liquidjs). Plain liquidjs is
 * `new Liquid({ templates: partials })` with default options. A valid case passes when the output
 * equals `result` (or one of `results`); an invalid case passes when it is refused at save or fails
 * at render.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Liquid } from 'liquidjs';
import { renderLiquidSource } from '../src/core/content/liquid/render-source.ts';

interface Case {
  name: string;
  template: string;
  data?: Record<string, unknown>;
  result?: string;
  results?: string[];
  invalid?: boolean;
  partials?: Record<string, string>;
  templates?: Record<string, string>;
}
interface Loaded { group: string; file: string; c: Case }

interface Outcome { pass: boolean; actual: string; stage: 'ok' | 'save' | 'render' }

function parseArgs(argv: string[]): { suite: string | undefined; only: string | undefined; verbose: boolean } {
  let suite: string | undefined;
  let only: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose') verbose = true;
    else if (a === '--only') only = argv[++i];
    else if (!a.startsWith('--')) suite = a;
  }
  return { suite: suite ?? process.env.LIQUID_SUITE, only, verbose };
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

function load(suite: string): Loaded[] {
  const out: Loaded[] = [];
  if (statSync(suite).isDirectory()) {
    for (const f of jsonFiles(suite)) {
      const rel = path.relative(suite, f);
      let doc: { tests?: Case[] };
      try {
        doc = JSON.parse(readFileSync(f, 'utf8')) as { tests?: Case[] };
      } catch {
        console.error(`skipped ${rel}: not JSON (still being copied?)`);
        continue;
      }
      for (const c of doc.tests ?? []) out.push({ group: rel.replace(/\.json$/, ''), file: rel, c });
    }
  } else {
    const doc = JSON.parse(readFileSync(suite, 'utf8')) as { tests?: Case[] };
    for (const c of doc.tests ?? []) out.push({ group: c.name.split(/[,/]/)[0]!.trim(), file: path.basename(suite), c });
  }
  return out;
}

const expected = (c: Case): string[] => c.results ?? (c.result !== undefined ? [c.result] : []);
const partialsOf = (c: Case): Record<string, string> => c.partials ?? c.templates ?? {};

function runTailor(c: Case): Outcome {
  const r = renderLiquidSource(c.template, c.data ?? {}, partialsOf(c));
  if (r.ok) return { pass: !c.invalid && expected(c).includes(r.output), actual: r.output, stage: 'ok' };
  const actual = r.stage === 'save' ? `refused at save: ${r.problems.map((p) => p.message).join('; ')}` : `render error: ${r.error}`;
  return { pass: !!c.invalid, actual, stage: r.stage };
}

function runPlain(c: Case): Outcome {
  let tpl;
  const liquid = new Liquid({ templates: partialsOf(c) });
  try {
    tpl = liquid.parse(c.template);
  } catch (e) {
    return { pass: !!c.invalid, actual: `parse error: ${(e as Error).message.split('\n')[0]}`, stage: 'save' };
  }
  try {
    const out = liquid.renderSync(tpl, c.data ?? {}) as string;
    return { pass: !c.invalid && expected(c).includes(out), actual: out, stage: 'ok' };
  } catch (e) {
    return { pass: !!c.invalid, actual: `render error: ${(e as Error).message.split('\n')[0]}`, stage: 'render' };
  }
}

const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);
const cell = (n: number, d: number): string => `${n}/${d} (${pct(n, d)})`;

function main(): void {
  const { suite, only, verbose } = parseArgs(process.argv.slice(2));
  if (!suite || !existsSync(suite)) {
    console.log(`suite not found at ${suite ?? '(no path given)'}, skipped`);
    return;
  }
  const cases = load(suite).filter((l) => !only || l.file.includes(only) || l.c.name.includes(only) || l.group.includes(only));
  const groups = new Map<string, { total: number; tailor: number; plain: number }>();
  const inv = { total: 0, save: 0, render: 0, accepted: 0, plainSave: 0, plainRender: 0, plainAccepted: 0 };
  let validRefused = 0;
  let validRenderFailed = 0;
  const failures: string[] = [];
  const validRefusals: string[] = [];
  let tailorPass = 0;
  let plainPass = 0;
  for (const l of cases) {
    const t = runTailor(l.c);
    const p = runPlain(l.c);
    const g = groups.get(l.group) ?? { total: 0, tailor: 0, plain: 0 };
    g.total++;
    if (t.pass) { g.tailor++; tailorPass++; }
    if (p.pass) { g.plain++; plainPass++; }
    groups.set(l.group, g);
    if (l.c.invalid) {
      inv.total++;
      if (t.stage === 'save') inv.save++; else if (t.stage === 'render') inv.render++; else inv.accepted++;
      if (p.stage === 'save') inv.plainSave++; else if (p.stage === 'render') inv.plainRender++; else inv.plainAccepted++;
    } else if (t.stage === 'save') {
      validRefused++;
      validRefusals.push(`${l.file} :: ${l.c.name}: ${t.actual}`);
    } else if (t.stage === 'render') validRenderFailed++;
    if (!t.pass) {
      const want = l.c.invalid ? 'an error (invalid)' : expected(l.c).map((s) => JSON.stringify(s)).join(' or ');
      failures.push(`✗ ${l.file} :: ${l.c.name}\n    template: ${JSON.stringify(l.c.template)}\n    expected: ${want}\n    actual:   ${t.stage === 'ok' ? JSON.stringify(t.actual) : t.actual}`);
    }
  }

  const width = Math.max(5, ...[...groups.keys()].map((k) => k.length));
  console.log(`Liquid conformance: ${suite}${only ? ` (--only ${only})` : ''}\n`);
  console.log(`${'group'.padEnd(width)}  ${'cases'.padStart(5)}  ${'Tailor'.padStart(7)}  ${'liquidjs'.padStart(8)}`);
  for (const [k, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${k.padEnd(width)}  ${String(g.total).padStart(5)}  ${String(g.tailor).padStart(7)}  ${String(g.plain).padStart(8)}`);
  }
  const tops = new Map<string, { total: number; tailor: number; plain: number }>();
  for (const [k, g] of groups) {
    const top = k.includes('/') ? k.slice(0, k.indexOf('/')) : '(top level)';
    const t = tops.get(top) ?? { total: 0, tailor: 0, plain: 0 };
    t.total += g.total; t.tailor += g.tailor; t.plain += g.plain;
    tops.set(top, t);
  }
  if (tops.size > 1) {
    console.log('');
    for (const [k, t] of [...tops].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`${k.padEnd(width)}  ${String(t.total).padStart(5)}  ${String(t.tailor).padStart(7)}  ${String(t.plain).padStart(8)}`);
    }
  }
  console.log(`${'TOTAL'.padEnd(width)}  ${String(cases.length).padStart(5)}  ${String(tailorPass).padStart(7)}  ${String(plainPass).padStart(8)}`);
  console.log(`\nOverall passed: Tailor ${cell(tailorPass, cases.length)}, plain liquidjs ${cell(plainPass, cases.length)}`);
  console.log(`\nInvalid cases: ${inv.total}`);
  console.log(`  Tailor:          refused at save ${cell(inv.save, inv.total)}, failed at render ${inv.render}, accepted ${inv.accepted}`);
  console.log(`  plain liquidjs:  refused at parse ${cell(inv.plainSave, inv.total)}, failed at render ${inv.plainRender}, accepted ${inv.plainAccepted}`);
  console.log(`Valid cases: ${cases.length - inv.total}; refused at save by Tailor: ${validRefused} (must be 0); failed at render: ${validRenderFailed}`);
  for (const v of validRefusals) console.log(`  refused valid: ${v}`);
  if (verbose && failures.length > 0) console.log(`\nFailing cases (Tailor):\n${failures.join('\n')}`);
}

main();
