/**
 * Mustache specification conformance of the Handlebars/Mustache importer.
 *
 *   npx tsx bench/mustache-spec.ts <dir of the spec's *.json files> [--verbose] [--only <substring>]
 *
 * The specification (https://github.com/mustache/spec) is not part of this repository: give the
 * path of its `specs/` folder. Every `*.json` there is read except the optional modules whose
 * names start with `~` (lambdas, dynamic names, inheritance), which the importer reports as
 * unsupported instead.
 *
 * Per case: the template and each of its partials are converted with `importHandlebars`; the
 * converted partials are the Liquid partials map, as a template version's blocks are. The template
 * then goes through what render.ts does for the HTML body: `createLiquid(true, partials)` (the
 * `html` environment, outputs escaped by default), parse, the compiled fast path where it
 * compiles, else `renderSync(template, { preheader }, { globals: data })`. The step after Liquid
 * (URL attribute sanitising) is not applied: it only rewrites `href`/`src` attributes, which the
 * spec has none of. The output is compared with `expected` byte for byte.
 *
 * A Tailor render context is always an object (profile, event, campaign …), so the cases whose
 * data is a bare string, number or list (the current spec's root-level implicit iterators,
 * `Hello, {{.}}!` with data "world") cannot pass: a non-object root renders with empty globals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Case {
  name: string;
  data: unknown;
  template: string;
  partials?: Record<string, string>;
  expected: string;
}

// Loaded after the path check, so a missing spec skips without loading the engine.
type Engine = typeof import('../src/core/content/liquid-env.ts') & typeof import('../src/core/content/importers/handlebars.ts') & typeof import('../src/core/content/fast-liquid/index.ts');

function render({ createLiquid, RENDER_LIMITS, importHandlebars, compileFast }: Engine, c: Case): string {
  const partials: Record<string, string> = {};
  for (const [name, body] of Object.entries(c.partials ?? {})) partials[name] = importHandlebars(body).liquid;
  const { liquid } = importHandlebars(c.template);
  const engine = createLiquid(true, partials);
  const parsed = engine.parse(liquid);
  const data = (c.data && typeof c.data === 'object' && !Array.isArray(c.data) ? c.data : {}) as Record<string, unknown>;
  const scope = { preheader: '' };
  const fast = compileFast(engine, parsed);
  if (fast) return fast.render(scope, data, { renderLimit: RENDER_LIMITS.renderLimit });
  return engine.renderSync(parsed, scope, { globals: data }) as string;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--only');
  if (!dir || !existsSync(dir)) {
    console.log(`spec not found at ${dir ?? '(no path given)'}, skipped`);
    return;
  }
  const engine = {
    ...(await import('../src/core/content/liquid-env.ts')),
    ...(await import('../src/core/content/importers/handlebars.ts')),
    ...(await import('../src/core/content/fast-liquid/index.ts')),
  };
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('~')).sort();
  let passed = 0;
  let total = 0;
  for (const file of files) {
    const spec = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { tests?: Case[] };
    let ok = 0;
    let n = 0;
    for (const c of spec.tests ?? []) {
      if (only && !`${file} ${c.name}`.includes(only)) continue;
      n++;
      let actual: string;
      try {
        actual = render(engine, c);
      } catch (e) {
        actual = `<error: ${(e as Error).message.split('\n')[0]}>`;
      }
      if (actual === c.expected) ok++;
      else console.log(`  FAIL ${file}: ${c.name}${verbose ? `\n    expected ${JSON.stringify(c.expected)}\n    actual   ${JSON.stringify(actual)}` : ''}`);
    }
    console.log(`${file.padEnd(20)} ${ok}/${n}`);
    passed += ok;
    total += n;
  }
  console.log(`total                ${passed}/${total}`);
}

await main();
