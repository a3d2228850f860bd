import { evalToken, ForTag, type Context, type Emitter, type Liquid } from 'liquidjs';
import { toEnumerable } from './fast-liquid/runtime.ts';

/**
 * The loop bound. liquidjs bounds render time (`renderLimit`) and allocation (`memoryLimit`), but
 * not iterations: the `templateLimit` option in its types is not enforced (10.30). So every `for`
 * checks its collection first: more than MAX_LOOP_ITEMS items fails the render. Nested loops are
 * bounded by the time limit. The compiled fast path (fast-liquid/) applies the same check.
 */
export const MAX_LOOP_ITEMS = 10_000;

export function loopTooLong(items: number): Error | null {
  return items > MAX_LOOP_ITEMS ? new Error(`loop limit exceeded: ${items} items, at most ${MAX_LOOP_ITEMS} per loop`) : null;
}

export class BoundedForTag extends ForTag {
  // The generator protocol of liquidjs tags: values sent back into `yield` are whatever was awaited.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const collection = (this as unknown as { collection: Parameters<typeof evalToken>[0] }).collection;
    const tooLong = loopTooLong(toEnumerable(yield evalToken(collection, ctx)).length);
    if (tooLong) throw tooLong;
    yield* super.render(ctx, emitter);
  }
}

export const registerBoundedFor = (liquid: Liquid): void => liquid.registerTag('for', BoundedForTag);
