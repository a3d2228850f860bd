import type { BlockNode, Expr, MustacheNode, Param, PartialNode, PathExpr, Program, Statement } from './handlebars-ast.ts';
import { parseHandlebars } from './handlebars-parser.ts';
import { resolveWhitespace } from './handlebars-standalone.ts';
import type { ImportIssue, ImportResult } from './import-result.ts';
import { liquidLiteral, liquidString, positionAt, shorten } from './source-text.ts';

/**
 * Handlebars/Mustache → Liquid (rendered with createLiquid(true, partials)).
 *
 * Where Liquid differs, the output calls compat filters (compat-filters.ts) that carry
 * Handlebars' own runtime rules, so the converted template renders byte-identical output:
 * - `{{x}}` → `{{ x | hb_escape | raw }}`: Handlebars escapes & < > " ' ` = as &amp; &lt; &gt;
 *   &quot; &#x27; &#x60; &#x3D;, and prints false/0 as text; liquidjs' escape uses &#39; and
 *   leaves ` and = alone, so its escape is bypassed with `raw` after ours.
 * - `{{{x}}}`/`{{&x}}` → `{{ x | hb_string | raw }}` (JS string conversion: arrays join with ",").
 * - `{{#if x}}`/`{{#unless x}}` → `{% assign c = x | hb_truthy %}{% if c %}`: Handlebars is falsy
 *   for false, undefined, null, "", 0, NaN and [] (Liquid only for false/nil). `includeZero=true`
 *   is honoured. `{{else if y}}` chains nest.
 * - `{{#each x}}` → `{% assign e = x | hb_entries %}{% for it in e %}` over arrays and objects;
 *   each entry carries value/key/index/first/last, so `{{this}}`, `{{@key}}`, `{{@index}}`,
 *   `{{@first}}`, `{{@last}}` (and `@../index`) need no forloop; `{{else}}` is Liquid's for-else.
 * - `{{#with x}}` → a one-element for loop (`x | hb_with`), so the new context is a loop-scoped
 *   variable and partials cannot clobber it; empty values take `{{else}}`.
 * - Context: Handlebars resolves `name` against the current context only. The importer tracks
 *   the context stack and emits explicit paths (`it.value.name`); `../`, `this`, `this.x`, `./x`
 *   and `@root.x` resolve at import time. Lookups are own-property only, as in Handlebars 4.7;
 *   path segments named size/first/last go through `hb_path`, since Liquid gives those names
 *   meaning of its own.
 * - Mustache sections `{{#x}}…{{/x}}` (any block whose head is not a built-in helper, as
 *   Handlebars' blockHelperMissing) and inverted sections `{{^x}}` → a for loop over
 *   `x | mu_section` whose body runs inside `hb_scope` (see `section`): names inside stay bare and
 *   resolve up the Mustache context stack through Liquid's own scope chain; `{{.}}` is the element.
 *   Names Liquid cannot spell as variables (`null`, `empty`, `a-b`) go through `mu_get`.
 * - `{{> p}}` → `{% mu_partial "p" %}` (mustache-liquid.ts: a missing partial renders empty; a
 *   standalone partial gets its indentation as a second argument and every line of it indented);
 *   in an each/with context (or `{{> p ctx}}`) it is wrapped in
 *   `{% hb_scope ctx, entry %}…{% endhb_scope %}`, which gives the partial the Handlebars context as
 *   its root. Partials must themselves be converted with this function and registered under the
 *   same name.
 * - Comments and Mustache set-delimiter tags (`{{=<% %>=}}`, handled by the parser) vanish; `~`
 *   and standalone lines are resolved at import time (handlebars-standalone.ts).
 *
 * Mustache's escaping: `{{x}}` goes through hb_escape, so `&`, `<`, `>`, `"` come out as the spec
 * wants (`&quot;` for `"`), plus Handlebars' `'`, `` ` ``, `=` entities (the spec does not test
 * those; mustache.js escapes them too).
 *
 * Not converted (kept verbatim as literal text, listed in `issues`): helpers with arguments or
 * hash, custom block helpers with arguments, block params, sub-expressions, literals as
 * arguments, decorators, partial blocks, dynamic partials, partials with hash arguments, raw
 * blocks, parent paths above the root or out of a Mustache section, @root-less data other than
 * index/key/first/last. The optional Mustache modules are reported as "unsupported: …" and not
 * printed: dynamic names `{{>*x}}` render nothing, inheritance `{{$b}}` renders its default and
 * `{{<parent}}` the parent without overrides (lambdas live in the data and cannot occur in JSON).
 */

/**
 * `section` is a Mustache section: its value is pushed as a Liquid scope (hb_scope), so names
 * inside it stay bare and Liquid's own scope chain resolves them up the context stack.
 */
type Frame = { kind: 'root' } | { kind: 'each'; v: string } | { kind: 'with'; v: string } | { kind: 'section' };

const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing']);
const LIQUID_RESERVED = new Set(['empty', 'blank', 'nil', 'null', 'true', 'false', 'forloop', 'tablerowloop']);
const SAFE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LIQUID_SPECIAL = new Set(['size', 'first', 'last']);

class Generator {
  private out = '';
  private counter = 0;
  private readonly frames: Frame[] = [{ kind: 'root' }];
  readonly issues: ImportIssue[] = [];

  constructor(private readonly source: string) {}

  result(): string {
    return this.out;
  }

  private issue(start: number, end: number, message: string): void {
    const p = positionAt(this.source, start);
    this.issues.push({ line: p.line, column: p.column, construct: shorten(this.source.slice(start, end)), message });
  }

  /** Emits the node's source as literal text and reports it. */
  private verbatim(start: number, end: number, message: string): void {
    this.issue(start, end, message);
    this.out += liquidLiteral(this.source.slice(start, end));
  }

  /** Block bodies entered: the top-level program is depth 0. */
  private depth = -1;

  program(program: Program | undefined): void {
    this.depth++;
    for (const node of program?.body ?? []) this.statement(node);
    this.depth--;
  }

  private statement(node: Statement): void {
    switch (node.type) {
      case 'content':
        // Liquid renders a block whose body is only whitespace as nothing (Shopify's blank-block
        // rule, liquid/whitespace-blank.ts); Handlebars and Mustache print it. Whitespace inside
        // a block goes through a non-empty `raw`, which is never blank.
        this.out += this.depth > 0 && /^\s+$/.test(node.value) ? `{% raw %}${node.value}{% endraw %}` : liquidLiteral(node.value);
        return;
      case 'comment':
        return;
      case 'mustache':
        this.mustache({ ...node, expr: literalHeadAsName(node.expr) });
        return;
      case 'partial':
        this.partial(node);
        return;
      case 'block':
        this.block({ ...node, expr: literalHeadAsName(node.expr) });
        return;
    }
  }

  /** Liquid expression for the current context (null = bare names: the root, or a Mustache section's scope chain). */
  private contextExpr(frame: Frame): string | null {
    if (frame.kind === 'each') return `${frame.v}.value`;
    if (frame.kind === 'with') return frame.v;
    return null;
  }

  private inSection(): boolean {
    return this.frames.some((f) => f.kind === 'section');
  }

  private appendParts(base: string, parts: string[]): string {
    let expr = base;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (SAFE_SEGMENT.test(part) && !LIQUID_SPECIAL.has(part)) {
        expr += `.${part}`;
        continue;
      }
      const quoted = parts.slice(i).map(liquidString);
      if (quoted.some((q) => q === null)) return '';
      return `${expr} | hb_path: ${quoted.join(', ')}`;
    }
    return expr;
  }

  /** The Liquid expression for a Handlebars path, or an error message. */
  private pathExpr(path: PathExpr): { expr: string } | { error: string } {
    if (path.data) {
      const [name, ...rest] = path.parts;
      if (name === 'root' && path.depth === 0) {
        if (rest.length === 0) return { error: '@root itself has no Liquid equivalent' };
        return this.rootPath(rest);
      }
      if (name && ['index', 'key', 'first', 'last'].includes(name) && rest.length === 0) {
        const eaches = this.frames.filter((f): f is { kind: 'each'; v: string } => f.kind === 'each');
        const frame = eaches[eaches.length - 1 - path.depth];
        if (frame) return { expr: `${frame.v}.${name}` };
        if (path.depth === 0) return { expr: `__hb_data.${name}` };
        return { error: `@${path.original.slice(1)} refers above the outermost each` };
      }
      return { error: `data variable ${path.original} is not supported` };
    }
    const at = this.frames.length - 1 - path.depth;
    const frame = this.frames[at];
    if (!frame) return { error: 'parent path (../) goes above the template root' };
    if (path.depth > 0 && this.frames.slice(at + 1).some((f) => f.kind === 'section')) {
      return { error: 'parent paths (../) out of a Mustache section are not supported; Mustache finds outer names by their name alone' };
    }
    const base = this.contextExpr(frame);
    if (base === null) return this.rootPath(path.parts);
    const expr = this.appendParts(base, path.parts);
    return expr ? { expr } : { error: 'path segment needs both quote kinds' };
  }

  private rootPath(parts: string[]): { expr: string } | { error: string } {
    const [head, ...rest] = parts;
    if (head === undefined) return { expr: '__hb_this' };
    if (head.startsWith('__hb_') || head.startsWith('__mu_')) return { error: `"${head}" is a name the importer keeps for itself` };
    if (!SAFE_SEGMENT.test(head) || LIQUID_RESERVED.has(head)) {
      // Not a Liquid variable name (`null`, `empty`, `a-b` …): mu_get looks it up by its name.
      const quoted = parts.map(liquidString);
      if (quoted.some((q) => q === null)) return { error: 'path segment needs both quote kinds' };
      return { expr: `nil | mu_get: ${quoted.join(', ')}` };
    }
    const expr = this.appendParts(head, rest);
    return expr ? { expr } : { error: 'path segment needs both quote kinds' };
  }

  private paramExpr(param: Param | undefined): { expr: string } | { error: string } {
    if (!param) return { error: 'missing argument' };
    if (param.kind === 'path') return this.pathExpr(param.path);
    if (param.kind === 'sexpr') return { error: 'subexpressions are not supported' };
    return { error: 'literal arguments are not supported' };
  }

  private mustache(node: MustacheNode): void {
    const expr = node.expr;
    if (node.unsupported || !expr) return this.verbatim(node.start, node.end, `${node.unsupported ?? 'unparsable mustache'} is not supported`);
    if (expr.params.length || expr.hash.length || expr.head.kind !== 'path') {
      return this.verbatim(node.start, node.end, 'helper calls (arguments, hash, literals) are not supported; register the logic as a Liquid filter');
    }
    const path = expr.head.path;
    if (!path.data && path.depth === 0 && path.parts.length === 1 && BUILTIN_HELPERS.has(path.parts[0] as string)) {
      return this.verbatim(node.start, node.end, `built-in helper {{${path.original}}} without arguments is not supported`);
    }
    const resolved = this.pathExpr(path);
    if ('error' in resolved) return this.verbatim(node.start, node.end, resolved.error);
    if (resolved.expr === '__hb_this' && !this.inSection()) {
      // Fine inside a partial (hb_scope sets it); in a top-level template Handlebars would print
      // the whole data object ("[object Object]"), which has no use in an email.
      this.issue(node.start, node.end, '`this` at the template root is only meaningful in a partial; elsewhere it renders empty');
    }
    this.out += `{{ ${resolved.expr} | ${node.escaped ? 'hb_escape' : 'hb_string'} | raw }}`;
  }

  private nearestEach(): string | null {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i] as Frame;
      if (f.kind === 'each') return f.v;
    }
    return null;
  }

  private partial(node: PartialNode): void {
    const expr = node.expr;
    if (!expr) return this.verbatim(node.start, node.end, 'unparsable partial');
    let name: string | null = null;
    if (expr.head.kind === 'path' && !expr.head.path.data && expr.head.path.depth === 0) name = expr.head.path.original;
    else if (expr.head.kind === 'literal' && /^["'].*["']$/.test(expr.head.text)) name = expr.head.text.slice(1, -1);
    if (expr.head.kind === 'sexpr') return this.verbatim(node.start, node.end, 'dynamic partials {{> (…)}} are not supported');
    if (name?.startsWith('*')) {
      return this.issue(node.start, node.end, 'unsupported: dynamic names (optional Mustache module: the partial\'s name comes from the data); the tag renders nothing');
    }
    const quoted = name ? liquidString(name) : null;
    if (!quoted) return this.verbatim(node.start, node.end, 'partial name cannot be expressed in Liquid');
    if (expr.hash.length || expr.params.length > 1) return this.verbatim(node.start, node.end, 'partial hash arguments are not supported');
    // mu_partial (mustache-liquid.ts) indents every line of a standalone partial and renders a
    // missing partial as nothing. The indentation is spaces and tabs only, safe in a literal.
    const include = `{% mu_partial ${quoted}${node.standalone ? `, "${node.indent}"` : ''} %}`;
    const top = this.frames[this.frames.length - 1] as Frame;
    if (!expr.params.length && (top.kind === 'root' || top.kind === 'section')) {
      this.out += include;
      return;
    }
    let ctx: string;
    if (expr.params.length) {
      const r = this.paramExpr(expr.params[0]);
      if ('error' in r) return this.verbatim(node.start, node.end, r.error);
      ctx = r.expr;
    } else ctx = this.contextExpr(top) ?? '__hb_this';
    const n = ++this.counter;
    const data = this.nearestEach();
    this.out += `{% assign __hb_p${n} = ${ctx} %}{% hb_scope __hb_p${n}${data ? `, ${data}` : ''} %}${include}{% endhb_scope %}`;
  }

  /** Why a block cannot be converted, or null. Checks else-if chains too. */
  private blockProblem(node: BlockNode): string | null {
    if (node.unsupported) return `${node.unsupported} is not supported`;
    const expr: Expr | null = node.expr;
    if (!expr) return 'unparsable block';
    if (expr.head.kind !== 'path' || expr.head.path.data) return 'block helper is not supported';
    if (expr.blockParams) return 'block params (as |x|) are not supported';
    if (isSection(expr)) {
      if (expr.params.length || expr.hash.length) return `block helper {{#${expr.head.path.original} …}} is not supported; use #if/#each/#with`;
      if (node.program?.chained || node.inverse?.chained) return `{{else if …}} in the Mustache section {{#${expr.head.path.original}}} is not supported`;
      return null;
    }
    const name = expr.head.path.parts[0] as string;
    if (node.inverted) return `inverted {{^${name} …}} is not supported; use {{#unless …}}`;
    if (!['if', 'unless', 'each', 'with'].includes(name)) return `built-in helper {{#${name}}} is not supported as a block`;
    if (expr.params.length !== 1) return `{{#${name}}} needs exactly one argument`;
    const allowedHash = name === 'if' || name === 'unless' ? ['includeZero'] : [];
    if (expr.hash.some((h) => !allowedHash.includes(h.key))) return `hash arguments on {{#${name}}} are not supported`;
    const chained = node.inverse?.chained ? node.inverse.body[0] : undefined;
    if (chained?.type === 'block') {
      const chainName = chained.expr?.head.kind === 'path' ? chained.expr.head.path.original : '';
      if (chainName !== 'if' && chainName !== 'unless') return '{{else …}} chains other than else if / else unless are not supported';
      return this.blockProblem(chained);
    }
    return null;
  }

  private block(node: BlockNode): void {
    if (node.inheritance) return this.inheritance(node);
    const problem = this.blockProblem(node);
    if (problem) return this.verbatim(node.start, node.end, problem);
    const expr = node.expr as Expr;
    if (isSection(expr)) return this.section(node, (expr.head as { kind: 'path'; path: PathExpr }).path);
    const name = (expr.head as { kind: 'path'; path: PathExpr }).path.parts[0] as string;
    const arg = this.paramExpr(expr.params[0]);
    if ('error' in arg) return this.verbatim(node.start, node.end, arg.error);
    const n = ++this.counter;
    if (name === 'if' || name === 'unless') {
      const includeZero = expr.hash.find((h) => h.key === 'includeZero');
      const zero = includeZero?.value.kind === 'literal' && includeZero.value.text === 'true' ? ': true' : '';
      this.out += `{% assign __hb_c${n} = ${arg.expr} | hb_truthy${zero} %}{% if __hb_c${n} %}`;
      const [whenTrue, whenFalse] = name === 'if' ? [node.program, node.inverse] : [node.inverse, node.program];
      this.program(whenTrue);
      if (whenFalse?.body.length) {
        this.out += '{% else %}';
        this.program(whenFalse);
      }
      this.out += '{% endif %}';
      return;
    }
    const isEach = name === 'each';
    const list = isEach ? `__hb_e${n}` : `__hb_wl${n}`;
    const item = isEach ? `__hb_it${n}` : `__hb_w${n}`;
    this.out += `{% assign ${list} = ${arg.expr} | ${isEach ? 'hb_entries' : 'hb_with'} %}{% for ${item} in ${list} %}`;
    this.frames.push(isEach ? { kind: 'each', v: item } : { kind: 'with', v: item });
    this.program(node.program);
    this.frames.pop();
    if (node.inverse?.body.length) {
      this.out += '{% else %}';
      this.program(node.inverse);
    }
    this.out += '{% endfor %}';
  }

  /**
   * A Mustache section `{{#x}}…{{/x}}` or inverted section `{{^x}}…{{/x}}` (the parser has
   * already swapped an inverted section's bodies, so `program` is what renders for a value and
   * `inverse` what renders without one). For each element of `x | mu_section` the body renders
   * inside `hb_scope`, which pushes the element's properties (and the element as `__hb_this`,
   * for `{{.}}`) as a Liquid scope: names in the body stay bare and resolve up the context stack
   * by Liquid's own lookup, innermost section first, as Mustache's do.
   */
  private section(node: BlockNode, path: PathExpr): void {
    const arg = this.pathExpr(path);
    if ('error' in arg) return this.verbatim(node.start, node.end, arg.error);
    const n = ++this.counter;
    const list = `__mu_l${n}`;
    const item = `__mu_i${n}`;
    this.out += `{% assign ${list} = ${arg.expr} | mu_section %}`;
    if (!node.program?.body.length) {
      this.out += `{% if ${list}.size == 0 %}`;
      this.program(node.inverse);
      this.out += '{% endif %}';
      return;
    }
    // Inside {{#each}}/{{#with}} the current context is a loop variable, not a scope: push it
    // too, so names the section's value lacks are found there next (Mustache's context stack).
    const outer = this.contextExpr(this.frames[this.frames.length - 1] as Frame);
    if (outer) this.out += `{% hb_scope ${outer} %}`;
    this.out += `{% for ${item} in ${list} %}{% hb_scope ${item} %}`;
    this.frames.push({ kind: 'section' });
    this.program(node.program);
    this.frames.pop();
    this.out += '{% endhb_scope %}';
    if (node.inverse?.body.length) {
      this.out += '{% else %}';
      this.program(node.inverse);
    }
    this.out += '{% endfor %}';
    if (outer) this.out += '{% endhb_scope %}';
  }

  /**
   * Mustache inheritance (an optional module of the spec) is not converted: a `{{$block}}`
   * renders its default content, a `{{<parent}}` renders the parent partial without overrides.
   */
  private inheritance(node: BlockNode): void {
    const name = node.expr?.head.kind === 'path' ? node.expr.head.path.original : '';
    const quoted = liquidString(name);
    if (node.inheritance === 'block') {
      this.issue(node.start, node.end, 'unsupported: inheritance (optional Mustache module); the block renders its default content');
      this.program(node.program);
      return;
    }
    this.issue(node.start, node.end, 'unsupported: inheritance (optional Mustache module); the parent renders without the overrides');
    if (quoted) this.out += `{% mu_partial ${quoted} %}`;
  }
}

/**
 * `{{null}}`, `{{#true}}`, `{{1}}`: a literal alone at the head is a name (Mustache has no
 * literals; handlebars' compiler does the same, transformLiteralToPath).
 */
function literalHeadAsName(expr: Expr | null): Expr | null {
  if (!expr || expr.head.kind !== 'literal' || expr.params.length || expr.hash.length) return expr;
  const text = /^["']/.test(expr.head.text) ? expr.head.text.slice(1, -1) : expr.head.text;
  return text ? { ...expr, head: { kind: 'path', path: { data: false, depth: 0, parts: [text], original: text } } } : expr;
}

/** A block whose head is not a built-in helper is a Mustache section (Handlebars: blockHelperMissing). */
function isSection(expr: Expr): boolean {
  if (expr.head.kind !== 'path' || expr.head.path.data) return false;
  const { depth, parts } = expr.head.path;
  return !(depth === 0 && parts.length === 1 && BUILTIN_HELPERS.has(parts[0] as string));
}

/**
 * Converts a Handlebars (or Mustache-compatible) template to Liquid. Never throws on odd input;
 * throws TailorError('validation_failed') with line:column only for structurally broken
 * templates (unclosed or mismatched blocks, stray `{{else}}`/`{{/x}}`, unterminated mustaches).
 */
export function importHandlebars(source: string): ImportResult {
  const program = resolveWhitespace(parseHandlebars(source));
  const gen = new Generator(source);
  gen.program(program);
  return { liquid: gen.result(), issues: gen.issues };
}
