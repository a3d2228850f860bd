import { Liquid, TypeGuards, type Template } from 'liquidjs';
import { LiquidFloat } from './value-number.ts';

/**
 * Float literals keep being floats: liquidjs reads `5.0` in a template as the number 5, which
 * then prints `5` and divides as an integer, where Liquid (Ruby) has the Float 5.0 (`{{ 5.0 }}`
 * → `5.0`, `{{ 5.0 | divided_by: 2 }}` → `2.5`). After liquidjs has parsed a template, every
 * number token written with a decimal point whose value is integral gets a LiquidFloat as its
 * content (value-number.ts); non-integral ones are floats already. The compiled fast path reads
 * the same tokens, so both agree.
 *
 * Number literals at the ends of a range are made integers, as Ruby's range (`to_i`) has them.
 *
 * The walk goes through the parsed tree generically (tags keep their expressions in fields of
 * their own choosing), skipping the engine it hangs from. Only what `liquid.parse` returns is
 * marked: partials, which liquidjs parses through a private parser, keep liquidjs' reading.
 */
const FLOAT_TEXT = /^-?\d+\.\d+$/;

export function markFloatLiterals(root: unknown): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node) || node instanceof Liquid) continue;
    seen.add(node);
    if (TypeGuards.isRangeToken(node as never)) {
      // Ruby builds a range from integers (`to_i`): `(1.4..5)` is 1..5.
      for (const end of [(node as unknown as { lhs: unknown }).lhs, (node as unknown as { rhs: unknown }).rhs]) {
        if (TypeGuards.isNumberToken(end as never)) {
          const t = end as unknown as { content: unknown };
          if (typeof t.content === 'number') t.content = Math.trunc(t.content);
          seen.add(end as object);
        } else stack.push(end);
      }
      continue;
    }
    if (TypeGuards.isNumberToken(node as never)) {
      const t = node as unknown as { content: unknown; getText(): string };
      if (typeof t.content === 'number' && Number.isInteger(t.content) && FLOAT_TEXT.test(t.getText())) t.content = new LiquidFloat(t.content);
      continue;
    }
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (key === 'liquid' || key === 'input' || key === 'file') continue;
      const v = (node as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}

/** Marks what this engine's `parse` returns (and so `parseAndRender*`, which call it). */
export function keepFloatLiterals(liquid: Liquid): void {
  const parse = liquid.parse.bind(liquid);
  liquid.parse = (html: string, filepath?: string): Template[] => {
    const templates = parse(html, filepath);
    markFloatLiterals(templates);
    return templates;
  };
}
