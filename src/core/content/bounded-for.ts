import { evalToken, ForTag, type Context, type Emitter, type Hash, type Liquid, type Template, type Token } from 'liquidjs';
import { createScope, forloopDropClass, toEnumerable } from './fast-liquid/runtime.ts';

/**
 * The loop bound. liquidjs bounds render time (`renderLimit`) and allocation (`memoryLimit`), but
 * not iterations: the `templateLimit` option in its types is not enforced (10.30). So every `for`
 * checks its collection first: more than MAX_LOOP_ITEMS items fails the render. Nested loops are
 * bounded by the time limit. The compiled fast path (fast-liquid/) applies the same check.
 *
 * And `forloop.parentloop`, which liquidjs lacks: the `forloop` of the enclosing `for` (nothing at
 * the top level, nor for the loop of `{% render … for %}`), as Shopify Liquid documents it
 * (https://shopify.dev/docs/api/liquid/objects/forloop#forloop-parentloop). So the render is
 * liquidjs' ForTag.render with the bound, that property and Ruby's reading of limit/offset.
 */
export const MAX_LOOP_ITEMS = 10_000;

export function loopTooLong(items: number): Error | null {
  return items > MAX_LOOP_ITEMS ? new Error(`loop limit exceeded: ${items} items, at most ${MAX_LOOP_ITEMS} per loop`) : null;
}

/**
 * `limit`/`offset` as Ruby Liquid's For reads them (`Utils.to_integer`): nil means none, an integer
 * or a string of one is taken, anything else ('foo', 2.5, an array) fails with "invalid integer".
 * liquidjs would slice with whatever JavaScript makes of it.
 */
export function forInteger(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return parseInt(v, 10);
  throw new Error('invalid integer');
}

/** `offset: continue` (Ruby: where the last loop over the same variable and collection stopped, else 0). */
export const offsetContinues = (hash: Hash): boolean => hash.hash['offset']?.getText() === 'continue';
export const continuedOffset = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Forloop drops made by a `for` tag (not by `render … for`): the only ones a parentloop can be. */
const forTagLoops = new WeakSet<object>();

/** A new forloop drop whose `parentloop` is the enclosing `for` loop's, if any. */
export function newForloop(ctx: Context, length: number, collection: string, variable: string): { next(): void } {
  const Drop = forloopDropClass();
  const drop = new Drop(length, collection, variable) as unknown as { next(): void; parentloop?: unknown };
  const scopes = (ctx as unknown as { scopes: Record<string, unknown>[] }).scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const f = scopes[i]!['forloop'];
    if (f !== undefined) {
      if (typeof f === 'object' && f !== null && forTagLoops.has(f)) drop.parentloop = f;
      break;
    }
  }
  forTagLoops.add(drop);
  return drop;
}

interface ForShape { variable: string; collection: Token; hash: Hash; templates: Template[]; elseTemplates: Template[] }

export class BoundedForTag extends ForTag {
  // The generator protocol of liquidjs tags: values sent back into `yield` are whatever was awaited.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const t = this as unknown as ForShape;
    const r = this.liquid.renderer;
    let items = toEnumerable(yield evalToken(t.collection, ctx));
    const tooLong = loopTooLong(items.length);
    if (tooLong) throw tooLong;
    if (!items.length) {
      yield r.renderTemplates(t.elseTemplates, ctx, emitter);
      return;
    }
    const collectionText = t.collection.getText();
    const continueKey = 'continue-' + t.variable + '-' + collectionText;
    ctx.push(createScope({ continue: ctx.getRegister(continueKey, {}) }));
    const hash = (yield t.hash.render(ctx)) as Record<string, unknown>;
    ctx.pop();
    // MODIFIERS order, as liquidjs applies them (orderedFilterParameters is off).
    const offset = offsetContinues(t.hash) ? continuedOffset(hash['offset']) : forInteger(hash['offset']);
    const limit = forInteger(hash['limit']);
    if (offset !== undefined) items = items.slice(offset);
    if (limit !== undefined) items = items.slice(0, limit);
    if (hash['reversed'] !== undefined) items = [...items].reverse();
    ctx.setRegister(continueKey, (offset || 0) + items.length);
    const scope = createScope({ forloop: newForloop(ctx, items.length, collectionText, t.variable) });
    ctx.push(scope);
    for (const item of items) {
      scope[t.variable] = item;
      ctx.continueCalled = ctx.breakCalled = false;
      yield r.renderTemplates(t.templates, ctx, emitter);
      if (ctx.breakCalled) break;
      (scope['forloop'] as { next(): void }).next();
    }
    ctx.continueCalled = ctx.breakCalled = false;
    ctx.pop();
  }
}

export const registerBoundedFor = (liquid: Liquid): void => liquid.registerTag('for', BoundedForTag);
