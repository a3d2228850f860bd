import type { Liquid } from 'liquidjs';

/** One reason a template would fail (or misrender) at send time, with its position in the source. */
export interface LiquidProblem { message: string; line?: number; col?: number }

export interface StrictCheckEnv {
  liquid: Liquid;
  /** Names `render`/`include` may use (partials, blocks). */
  partials: Iterable<string>;
}

export function strictCheck(source: string, env: StrictCheckEnv): LiquidProblem[] {
  try {
    env.liquid.parse(source);
  } catch (e) {
    return [{ message: (e as Error).message.split('\n')[0]! }];
  }
  return [];
}
