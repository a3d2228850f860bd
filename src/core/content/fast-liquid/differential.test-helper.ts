import type { Liquid, Template } from 'liquidjs';
import { RENDER_LIMITS } from '../liquid-env.ts';
import { compileFast, type FastTemplate } from './index.ts';

/**
 * The differential tests' common step: one source rendered by liquidjs and by the compiled fast
 * path (when it compiles), each as its output or the error it threw, so that a test can require
 * the same output byte for byte or the same error.
 */
export type Outcome = { ok: true; out: string } | { ok: false; name: string; message: string };

export function attempt(f: () => string): Outcome {
  try {
    return { ok: true, out: f() };
  } catch (e) {
    const err = e as Error;
    return { ok: false, name: err.name, message: err.message };
  }
}

const LIMITS = { renderLimit: RENDER_LIMITS.renderLimit };

export function renderBoth(engine: Liquid, source: string, globals: Record<string, unknown>, scope: Record<string, unknown> = {}):
  { fast: FastTemplate | null; slow: Outcome; quick: Outcome | null } {
  const parsed: Template[] = engine.parse(source);
  const fast = compileFast(engine, parsed);
  const slow = attempt(() => engine.renderSync(parsed, scope, { globals }) as string);
  const quick = fast ? attempt(() => fast.render(scope, globals, LIMITS)) : null;
  return { fast, slow, quick };
}
