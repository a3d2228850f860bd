import { TypeGuards, UndefinedVariableError, defaultOperators, filters as builtinFilters, toValueSync, type Context, type Expression, type Filter, type Liquid, type Token, type Value } from 'liquidjs';
import { escapeOutput, htmlOutputEscape } from '../html-escape.ts';
import { arityCheckOf, positionalCount } from '../liquid/filter-arity.ts';
import { printValue } from '../liquid/value-inspect.ts';
import { range, readProperty, resolve, stringify, toValueY, type Eval } from './runtime.ts';

/**
 * Expressions, values and filters compiled to closures with the behaviour of liquidjs' token
 * evaluation: drops kept as drops until an operator or filter needs their value, property paths
 * read step by step through the render's Context, ranges charged to the memory limit, postfix
 * expressions with every operand evaluated (`and`/`or` do not short-circuit), filters called
 * with liquidjs' `this`. src/core/content/fast-liquid/fast-liquid.test.ts holds it to liquidjs' output.
 */
export class Unsupported extends Error {}

interface TokenShape extends Token { content?: unknown; literal?: string; operator?: string }
interface PropertyAccessShape extends Token { variable: Token | undefined; props: Token[] }
interface RangeShape extends Token { lhs: Token; rhs: Token }
interface FilterShape { name: string; args: (Token | [string, Token | undefined])[]; handler: (...args: unknown[]) => unknown; token: Token; liquid: Liquid }

const undef: Eval = () => undefined;
interface Scoped { findScope(key: unknown): unknown }

export function compileToken(token: Token | undefined): Eval {
  if (!token) return undef;
  const t = token as TokenShape;
  if ('content' in t) {
    if (TypeGuards.isLiteralToken(t) && (t.literal === 'empty' || t.literal === 'blank')) throw new Unsupported(`literal ${t.literal}`);
    const c = t.content;
    return () => c;
  }
  if (TypeGuards.isPropertyAccessToken(t)) return compilePropertyAccess(t as unknown as PropertyAccessShape);
  if (TypeGuards.isRangeToken(t)) return compileRange(t as unknown as RangeShape);
  throw new Unsupported(`token kind ${t.kind}`);
}

/** `evalTokenValue`: `yield toValue(yield evalToken(token))`. */
function compileTokenValue(token: Token | undefined): Eval {
  const ev = compileToken(token);
  return (ctx) => toValueY(ev(ctx));
}

function compilePropertyAccess(token: PropertyAccessShape): Eval {
  const constant = token.props.every((p) => 'content' in p);
  const keys = constant ? token.props.map((p) => toValueY((p as TokenShape).content)) : [];
  const props = token.props.map(compileTokenValue);
  const variable = token.variable ? compileToken(token.variable) : undefined;
  const n = props.length;
  return (ctx) => {
    let paths = keys;
    if (!constant) {
      paths = new Array<unknown>(n);
      for (let i = 0; i < n; i++) paths[i] = props[i]!(ctx);
    }
    try {
      let v = variable ? variable(ctx) : (ctx as unknown as Scoped).findScope(paths[0]);
      for (let i = 0; i < n; i++) v = readProperty(ctx, v, paths[i]);
      return v;
    } catch (e) {
      throw new UndefinedVariableError(e as Error, token);
    }
  };
}

function compileRange(token: RangeShape): Eval {
  const lhs = compileTokenValue(token.lhs);
  const rhs = compileTokenValue(token.rhs);
  return (ctx) => {
    const low = lhs(ctx) as number;
    const high = rhs(ctx) as number;
    ctx.memoryLimit.use(high - low + 1);
    return range(+low, +high + 1);
  };
}

/**
 * Operators are liquidjs' own (`defaultOperators`, generator functions) run to completion: a
 * condition is evaluated a few times per render, so their cost is small, and `==` on arrays,
 * `contains`, comparable drops and truthiness stay exactly liquidjs'. Both operands are
 * evaluated first, left then right, as liquidjs does (no short circuit for and/or).
 */
function binary(op: string, l: Eval, r: Eval): Eval {
  const fn = (defaultOperators as Record<string, (a: unknown, b: unknown, ctx: Context) => unknown>)[op];
  if (!fn || op === 'not') throw new Unsupported(`operator ${op}`);
  return (ctx) => { const a = l(ctx); const b = r(ctx); return toValueSync(fn(a, b, ctx)); };
}

export function compileExpression(expr: Expression): Eval {
  const stack: Eval[] = [];
  for (const token of expr.postfix) {
    if (TypeGuards.isOperatorToken(token)) {
      const op = (token as TokenShape).operator!;
      const r = stack.pop() ?? undef;
      if (op === 'not') {
        stack.push((ctx) => toValueSync((defaultOperators.not as (v: unknown, ctx: Context) => unknown)(r(ctx), ctx)));
      } else {
        const l = stack.pop() ?? undef;
        stack.push(binary(op, l, r));
      }
    } else {
      stack.push(compileToken(token));
    }
  }
  if (stack.length === 1) return stack[0]!;
  // Operands left over (`{{ a b }}`): liquidjs evaluates all of them and yields the first.
  const all = stack;
  return (ctx) => {
    let first: unknown;
    for (let i = 0; i < all.length; i++) {
      const v = all[i]!(ctx);
      if (i === 0) first = v;
    }
    return first;
  };
}

type FilterFn = (ctx: Context, v: unknown) => unknown;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;

export function compileFilter(f: Filter, liquid: Liquid): FilterFn {
  const { name, args, handler, token } = f as unknown as FilterShape;
  const isOutputEscape = handler === (liquid.options as { outputEscape?: unknown }).outputEscape && name === String(Object.prototype.toString.call(handler));
  if (typeof handler !== 'function' || (!liquid.filters[name] && !isOutputEscape)) throw new Unsupported(`filter ${name}`);
  const owner = (f as unknown as FilterShape).liquid;
  // The HTML engine's output escape (html-escape.ts), called without building its `this`.
  if (handler === htmlOutputEscape) return escapeOutput;
  // The text engine's output step (liquid/value-inspect.ts): the same printing as stringify.
  if (handler === printValue) return (_ctx, v) => stringify(v);
  if (handler === builtinFilters['escape'] && args.length === 0) {
    // liquidjs' `escape`, inlined: the same stringify, memory charge and replacement.
    return (ctx, v) => {
      const s = stringify(v);
      ctx.memoryLimit.use(s.length);
      return NEEDS_ESCAPE.test(s) ? s.replace(/&|<|>|"|'/g, (m) => ESCAPES[m]!) : s;
    };
  }
  const argv = args.map((a): Eval => {
    if (Array.isArray(a)) {
      const key = a[0];
      const ev = compileToken(a[1]);
      return (ctx) => [key, ev(ctx)];
    }
    return compileToken(a);
  });
  const self = (ctx: Context): object => ({ context: ctx, token, liquid: owner });
  // The arity check (liquid/filter-arity.ts) done once here: a filter called right is called
  // without its checking wrapper; a wrong count keeps the wrapper, which throws after the
  // arguments are evaluated, as with liquidjs.
  const check = arityCheckOf(handler);
  const n = check ? positionalCount((token as unknown as { args: unknown[] }).args, check.sig) : 0;
  const fn = check && n >= check.sig.min && n <= check.sig.max ? check.inner : handler;
  switch (argv.length) {
    case 0: return (ctx, v) => resolve(fn.call(self(ctx), v));
    case 1: { const a0 = argv[0]!; return (ctx, v) => { const x = a0(ctx); return resolve(fn.call(self(ctx), v, x)); }; }
    case 2: {
      const a0 = argv[0]!, a1 = argv[1]!;
      return (ctx, v) => { const x = a0(ctx); const y = a1(ctx); return resolve(fn.call(self(ctx), v, x, y)); };
    }
    default: return (ctx, v) => {
      const vals = argv.map((a) => a(ctx));
      return resolve(fn.call(self(ctx), v, ...vals));
    };
  }
}

interface ValueShape { initial: Expression; filters: Filter[] }
export function compileValue(value: Value, liquid: Liquid): Eval {
  const { initial, filters } = value as unknown as ValueShape;
  const init = compileExpression(initial);
  const fs = filters.map((f) => compileFilter(f, liquid));
  if (fs.length === 0) return init;
  if (fs.length === 1) { const f0 = fs[0]!; return (ctx) => f0(ctx, init(ctx)); }
  return (ctx) => {
    let v = init(ctx);
    for (let i = 0; i < fs.length; i++) v = fs[i]!(ctx, v);
    return v;
  };
}
