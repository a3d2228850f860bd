import { compileFast } from '../fast-liquid/index.ts';
import { createLiquid, RENDER_LIMITS } from '../liquid-env.ts';
import { strictCheck, type LiquidProblem } from './strict-check.ts';

/**
 * One Liquid source taken through Tailor's own path, as a saved template's plain-text part is:
 * the save-time check (parse + strict-check.ts, over the source and each partial), then a render
 * in the `text` environment, on the compiled fast path where it compiles, else with liquidjs (as
 * render.ts does). The conformance harness (bench/liquid-conformance.ts) measures with it.
 */
export type SourceOutcome =
  | { ok: true; output: string }
  | { ok: false; stage: 'save'; problems: LiquidProblem[] }
  | { ok: false; stage: 'render'; error: string };

export function renderLiquidSource(source: string, data: Record<string, unknown> = {}, partials: Record<string, string> = {}): SourceOutcome {
  const liquid = createLiquid(false, partials);
  const env = { liquid, partials: Object.keys(partials) };
  const problems = strictCheck(source, env);
  for (const [name, body] of Object.entries(partials)) {
    for (const p of strictCheck(body, env)) problems.push({ ...p, message: `partial "${name}": ${p.message}` });
  }
  if (problems.length > 0) return { ok: false, stage: 'save', problems };
  try {
    const parsed = liquid.parse(source);
    const fast = compileFast(liquid, parsed);
    const output = fast
      ? fast.render({}, data, { renderLimit: RENDER_LIMITS.renderLimit })
      : liquid.renderSync(parsed, {}, { globals: data }) as string;
    return { ok: true, output };
  } catch (e) {
    return { ok: false, stage: 'render', error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}
