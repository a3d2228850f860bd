import type { Liquid, Template } from 'liquidjs';
import { createLiquid } from '../liquid-env.ts';
import { filterSignature as defaultSignature, type FilterSignature } from './filter-signatures.ts';
import { MarkupError, MarkupParser, type ArgKind, type FilterUse, type Literal } from './markup-parser.ts';

/**
 * The strict template check (issue 18): what a template must pass to be saved, so that it renders
 * without error for every recipient, and what `tailor template lint` reports as `liquid` errors.
 *
 * liquidjs parses first: that refuses unknown tags, unclosed blocks and (with `strictFilters`, as
 * liquid-env.ts sets it) unknown filters. Then every output and tag of liquidjs' parsed tree has
 * its markup re-read strictly (markup-parser.ts: identifiers, operators, trailing text, after the
 * reference implementation's strict parser), and each filter use is checked against
 * `filterSignature` (the number of positional arguments) and, where an argument is a literal,
 * against what the filter can take. `render` and `include` of a static name must name a partial
 * (a block) that exists.
 *
 * Tags Tailor or liquidjs add beyond Shopify's (`layout`, `block`, the importers' `hb_scope`) keep
 * liquidjs' own reading: only the tags below have their markup checked.
 */
export interface LiquidProblem { message: string; line?: number; col?: number }

export interface StrictCheckEnv {
  liquid: Liquid;
  /** Names `render`/`include` may use (partials, blocks). */
  partials: Iterable<string>;
  /** Positional arity per filter; filter-signatures.ts by default. */
  filterSignature?: (name: string) => FilterSignature | undefined;
}

export function strictCheck(source: string, env: StrictCheckEnv): LiquidProblem[] {
  let templates: Template[];
  try {
    templates = env.liquid.parse(source);
  } catch (e) {
    return [parseProblem(e)];
  }
  const problems: LiquidProblem[] = [];
  const ctx: Walk = { env, partials: new Set(env.partials), problems, seen: new Set() };
  for (const t of templates) visit(t, ctx);
  return problems;
}

/**
 * The check of a template's fields as their author wrote them (subject, preheader, body), in the
 * plain-text environment (same tags and filters as the HTML one), with the blocks as partials.
 * Problems come in field order; lines and columns are the author's.
 */
export function strictCheckFields(fields: Readonly<Record<string, string>>, partials: Readonly<Record<string, string>>): { field: string; problem: LiquidProblem }[] {
  const env = { liquid: createLiquid(false, { ...partials }), partials: Object.keys(partials) };
  return Object.entries(fields).flatMap(([field, text]) => strictCheck(text, env).map((problem) => ({ field, problem })));
}

interface Walk {
  env: StrictCheckEnv;
  partials: Set<string>;
  problems: LiquidProblem[];
  seen: Set<object>;
}

interface TokenLike { kind: number; input: string; begin: number; end: number; getPosition(): number[]; name?: string; args?: string; content?: string; contentRange?: [number, number] }

function visit(t: Template, w: Walk): void {
  if (w.seen.has(t)) return;
  w.seen.add(t);
  const token = t.token as unknown as TokenLike;
  const kind = t.constructor.name;
  if (kind === 'Output' && token.content !== undefined) {
    checkMarkup(token.content, token, w, (p) => { if (!p.look('end')) p.filtered(); });
  } else if (typeof token.name === 'string' && token.contentRange) {
    checkTag(token.name, argsOf(token, token.name), token, w);
  }
  for (const child of childrenOf(t)) visit(child, w);
}

/** Templates nested in a tag (if branches, loop bodies, `liquid` tag lines), found by shape. */
function childrenOf(t: Template): Template[] {
  const out: Template[] = [];
  const seen = new Set<unknown>();
  const scan = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || seen.has(v) || depth > 4) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) {
        if (isTemplate(x)) out.push(x);
        else scan(x, depth + 1);
      }
      return;
    }
    if (v !== t && isTemplate(v)) { out.push(v); return; }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'liquid' || k === 'token' || k === 'tokenizer' || k === 'parser') continue;
      scan(x, depth + 1);
    }
  };
  scan(t, 0);
  return out;
}

function isTemplate(x: unknown): x is Template {
  if (!x || typeof x !== 'object') return false;
  const o = x as { token?: unknown; render?: unknown };
  return typeof o.render === 'function' && !!o.token && typeof (o.token as { kind?: unknown }).kind === 'number';
}

/** Identifiers a tag defines (`assign`, `capture`, `increment`): a word, with `-` inside but not first, no `?` (Golden Liquid, identifiers). */
const TARGET = /^[\p{L}\p{N}_][\p{L}\p{N}_-]*$/u;

function checkTag(name: string, args: string, token: TokenLike, w: Walk): void {
  switch (name) {
    case 'assign': {
      const eq = args.indexOf('=');
      const target = (eq < 0 ? args : args.slice(0, eq)).trim();
      if (!TARGET.test(target)) { report(w, token, `assign: "${target}" is not a variable name`); return; }
      checkMarkup(args.slice(eq + 1), token, w, (p) => p.filtered());
      return;
    }
    case 'capture': {
      const target = args.trim();
      if (!TARGET.test(target) && !/^(['"])[^'"]+\1$/.test(target)) report(w, token, `capture: "${target}" is not a variable name`);
      return;
    }
    case 'increment': case 'decrement':
      if (!TARGET.test(args.trim())) report(w, token, `${name}: "${args.trim()}" is not a variable name`);
      return;
    case 'echo':
      checkMarkup(args, token, w, (p) => { if (!p.look('end')) p.filtered(); });
      return;
    case 'if': case 'elsif': case 'unless':
      checkMarkup(args, token, w, (p) => p.condition());
      return;
    case 'case':
      checkMarkup(args, token, w, (p) => p.expression());
      return;
    case 'when':
      checkMarkup(args, token, w, (p) => {
        do p.expression(); while (p.consumeIf('comma') || p.consumeId('or'));
      });
      return;
    case 'for': case 'tablerow':
      checkMarkup(args, token, w, (p) => {
        p.consume('id', 'a loop variable');
        if (!p.consumeId('in')) p.consume('end', '"in"');
        p.expression();
        p.consumeId('reversed');
        const attrs = p.attributes(name === 'for' ? ['limit', 'offset'] : ['limit', 'offset', 'cols']);
        // Ruby's For reads limit and offset with Utils.to_integer: a string that is not an integer
        // raises "invalid integer" (Golden Liquid, for: "limit is a non-number string").
        for (const [key, v] of name === 'for' ? attrs : []) {
          if (v.kind === 'string' && !integerLike(v.kind, v.value)) throw new MarkupError(`${key} must be an integer, got ${show(v.value)}`, 0);
        }
      });
      return;
    case 'cycle':
      checkMarkup(args, token, w, (p) => {
        p.expression();
        if (p.consumeIf('colon')) p.expression();
        while (p.consumeIf('comma')) p.expression();
      });
      return;
    case 'render': case 'include':
      checkMarkup(args, token, w, (p) => {
        const file = p.quoted();
        // A name that is not a string literal is a variable (include's dynamic name; render's snippet).
        if (file === null) p.expression();
        else if (!w.partials.has(file)) {
          throw new MarkupError(`there is no partial or block named '${file}'`, 0);
        }
        if (p.consumeId('with') || p.consumeId('for')) {
          p.expression();
          if (p.consumeId('as')) p.consume('id', 'a name after "as"');
        }
        p.attributes(undefined, true);
      });
      return;
    default:
      // else, break, continue, comment, raw, doc, ifchanged and end tags take no markup worth
      // re-reading; tags beyond Shopify's keep liquidjs' reading.
  }
}

/**
 * A tag's markup after its name. Not `token.args`: for the lines of a `{% liquid %}` tag liquidjs
 * computes that from its tokenizer's position, which has moved on once the tag is parsed.
 */
function argsOf(token: TokenLike, name: string): string {
  const [from, to] = token.contentRange!;
  const content = token.input.slice(from, to);
  const at = content.indexOf(name);
  return at < 0 ? '' : content.slice(at + name.length);
}

function checkMarkup(markup: string, token: TokenLike, w: Walk, read: (p: MarkupParser) => void): void {
  try {
    const p = new MarkupParser(markup);
    read(p);
    p.end();
    for (const f of p.filters) checkFilter(f, token, w);
    for (const c of p.comparisons) {
      // Ruby's Condition compares with the operator itself: a String and a number raise ArgumentError.
      const numeric = (k: ArgKind): boolean => k === 'integer' || k === 'float';
      if (['<', '>', '<=', '>='].includes(c.op) && ((c.left === 'string' && numeric(c.right)) || (numeric(c.left) && c.right === 'string'))) {
        report(w, token, `${describeToken(token)}: a string and a number cannot be compared with ${c.op}`);
      }
    }
  } catch (e) {
    if (!(e instanceof MarkupError)) throw e;
    report(w, token, `${describeToken(token)}: ${e.message}`);
  }
}

/**
 * Arguments Shopify's Liquid converts with `Utils.to_integer`, which raises "invalid integer" for
 * anything but an integer or a string of one (standardfilters.rb, Liquid 5.5: slice, truncate,
 * truncatewords); by filter, the positions (0-based) concerned.
 */
const INTEGER_ARGS: Record<string, readonly number[]> = { slice: [0, 1], truncate: [0], truncatewords: [0] };
/** Filters that raise Liquid::ZeroDivisionError when their argument, as `Utils.to_number` reads it, is 0. */
const DIVIDES = new Set(['divided_by', 'modulo']);

function checkFilter(f: FilterUse, token: TokenLike, w: Walk): void {
  const at = `filter "${f.name}"`;
  if (!(f.name in w.env.liquid.filters)) { report(w, token, `${at}: unknown filter`); return; }
  const sig = (w.env.filterSignature ?? defaultSignature)(f.name);
  // As at render (filter-arity.ts): keyword arguments to a filter that takes none count as one more positional one, as Ruby passes them as a hash.
  const n = f.positional.length + (f.keywords.length && sig && !sig.keywords ? 1 : 0);
  if (sig) {
    if (n < sig.min) { report(w, token, `${at} needs ${arity(sig)}, got ${n}`); return; }
    if (n > sig.max) { report(w, token, `${at} takes ${arity(sig)}, got ${n}`); return; }
  }
  for (const i of INTEGER_ARGS[f.name] ?? []) {
    if (i < f.positional.length && !integerLike(f.positional[i]!, f.literals[i])) report(w, token, `${at}: argument ${i + 1} must be an integer, got ${show(f.literals[i])}`);
  }
  if (DIVIDES.has(f.name) && f.positional.length === 1 && f.literals[0] !== undefined && toNumber(f.literals[0]) === 0) {
    report(w, token, `${at}: division by zero (${show(f.literals[0])} is 0 as a number)`);
  }
  // Ruby's Base64.strict_decode64 / urlsafe_decode64 raise for a literal that is not base64.
  if ((f.name === 'base64_decode' || f.name === 'base64_url_safe_decode') && f.inputLiteral !== undefined && f.inputLiteral !== null
    && !isBase64(String(f.inputLiteral), f.name === 'base64_url_safe_decode')) {
    report(w, token, `${at}: ${show(f.inputLiteral)} is not base64`);
  }
}

/** A literal that `Utils.to_integer` accepts; a computed value (undefined literal) is not judged. */
function integerLike(kind: ArgKind, value: Literal): boolean {
  if (value === undefined || kind === 'integer') return true;
  return typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value);
}

/** `Utils.to_number`: a decimal string is a float, another string its leading integer (`to_i`), anything but a number 0. */
function toNumber(v: Literal): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  if (/^\s*-?\d+\.\d+\s*$/.test(v)) return Number(v);
  const m = /^\s*[-+]?\d+/.exec(v);
  return m ? Number(m[0]) : 0;
}

function isBase64(s: string, urlSafe: boolean): boolean {
  if (urlSafe) return /^[A-Za-z0-9_-]*={0,2}$/.test(s) && s.replace(/=+$/, '').length % 4 !== 1;
  return /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s);
}

const show = (v: Literal): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

const arity = (s: FilterSignature): string => {
  const word = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
  if (s.min === s.max) return word(s.min);
  return s.max === Infinity ? `at least ${word(s.min)}` : `${s.min} to ${word(s.max)}`;
};

function describeToken(token: TokenLike): string {
  return typeof token.name === 'string' ? `{% ${token.name} %}` : '{{ … }}';
}

function report(w: Walk, token: TokenLike, message: string): void {
  const [line, col] = token.getPosition();
  w.problems.push({ message: `${message}, line:${line}, col:${col}`, ...(line !== undefined ? { line } : {}), ...(col !== undefined ? { col } : {}) });
}

function parseProblem(e: unknown): LiquidProblem {
  const err = e as { message?: string; token?: { getPosition?: () => number[] } };
  const message = (err.message ?? String(e)).split('\n')[0]!;
  const pos = err.token?.getPosition?.();
  return { message, ...(pos?.[0] !== undefined ? { line: pos[0] } : {}), ...(pos?.[1] !== undefined ? { col: pos[1] } : {}) };
}
