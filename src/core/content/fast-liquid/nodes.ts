import { BoundedForTag, continuedOffset, forInteger, loopTooLong, newForloop, offsetContinues } from '../bounded-for.ts';
import {
  AssignTag, BreakTag, CommentTag, ContinueTag, ForTag, IfTag, InlineCommentTag, Output, RawTag, RenderTag, UnlessTag,
  isFalsy as liquidIsFalsy, isTruthy as liquidIsTruthy, toValueSync, type Context, type Hash, type Liquid, type Template, type Token, type Value,
} from 'liquidjs';
import { DocTag, NestedCommentTag } from '../liquid/tag-doc.ts';
import { ShopifyIfTag } from '../liquid/tag-if.ts';
import { ShopifyRenderTag } from '../liquid/tag-render.ts';
import { hasBlankBlocks, isBlankBlock } from '../liquid/whitespace-blank.ts';
import { compileToken, compileValue, Unsupported } from './expression.ts';
import {
  createScope, forloopDropClass, htmlTemplateClass, isFalsy, stringify, tick, toEnumerable, toValueY, wrapError,
  type Eval, type RenderState,
} from './runtime.ts';

/**
 * Templates (liquidjs' parsed `Template[]`) compiled to closures that return the rendered text.
 * `runBlock` is liquidjs' `Render.renderTemplates`: a limit check on entry and before each
 * template, errors escaping a template wrapped in a RenderError for it (unless already a
 * LiquidError), and a stop after any template that set `break`/`continue`. Tags reproduce the
 * `render()` of liquidjs' If, Unless, For, Assign, Comment, Raw, Break, Continue and Render tags,
 * and our doc/comment (liquid/tag-doc.ts); a blank block (liquid/whitespace-blank.ts) runs with its
 * output dropped, as liquidjs renders it once registerShopifyTags has installed that rule.
 */
type NodeFn = (ctx: Context, st: RenderState) => string;
export interface CNode { text: string | null; fn: NodeFn | null; tpl: Template }

export function runBlock(nodes: CNode[], ctx: Context, st: RenderState): string {
  tick(ctx, st);
  let s = '';
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    tick(ctx, st);
    if (node.text !== null) {
      s += node.text;
      continue;
    }
    try {
      s += node.fn!(ctx, st);
    } catch (e) {
      throw wrapError(e, node.tpl);
    }
    if (ctx.breakCalled || ctx.continueCalled) break;
  }
  return s;
}

/** Partials compiled during one compileFast call, by name (a placeholder first, for recursion). */
export interface CompileScope { liquid: Liquid; partials: Map<string, { nodes: CNode[] }> }

export function compileTemplates(templates: Template[], cs: CompileScope): CNode[] {
  return templates.map((tpl) => compileNode(tpl, cs));
}

interface Shapes {
  output: { value: Value };
  html: { str: string };
  if: { branches: { value: Value; templates: Template[] }[]; elseTemplates: Template[] | undefined };
  unless: { branches: { value: Value; test: unknown; templates: Template[] }[]; elseTemplates: Template[] };
  for: { variable: string; collection: Token; hash: Hash; templates: Template[]; elseTemplates: Template[] };
  assign: { key: string; value: Value };
  raw: { tokens: Token[] };
  render: { file: unknown; currentFile: string | undefined; hash: Hash; with?: unknown; forBinding?: unknown };
}

function compileNode(tpl: Template, cs: CompileScope): CNode {
  const node = compileNodeOutput(tpl, cs);
  if (!hasBlankBlocks(cs.liquid) || !isBlankBlock(tpl)) return node;
  // Liquid's blank-block rule (liquid/whitespace-blank.ts): run it, drop its output.
  const run = node.fn!;
  return { text: null, fn: (ctx, st) => { run(ctx, st); return ''; }, tpl };
}

function compileNodeOutput(tpl: Template, cs: CompileScope): CNode {
  const C = (tpl as object).constructor;
  const tag = (fn: NodeFn): CNode => ({ text: null, fn, tpl });
  if (C === htmlTemplateClass()) return { text: (tpl as unknown as Shapes['html']).str, fn: null, tpl };
  if (C === Output) {
    const v = compileValue((tpl as unknown as Shapes['output']).value, cs.liquid);
    return tag((ctx) => stringify(toValueY(v(ctx))));
  }
  if (C === IfTag || C === ShopifyIfTag) {
    const t = tpl as unknown as Shapes['if'];
    const conds = t.branches.map((b) => compileValue(b.value, cs.liquid));
    const bodies = t.branches.map((b) => compileTemplates(b.templates, cs));
    const otherwise = compileTemplates(t.elseTemplates ?? [], cs);
    return tag((ctx, st) => {
      for (let i = 0; i < conds.length; i++) {
        if (!isFalsy(toValueY(conds[i]!(ctx)), ctx)) return runBlock(bodies[i]!, ctx, st);
      }
      return runBlock(otherwise, ctx, st);
    });
  }
  if (C === UnlessTag) {
    const t = tpl as unknown as Shapes['unless'];
    const conds = t.branches.map((b) => compileValue(b.value, cs.liquid));
    const wantFalsy = t.branches.map((b) => {
      if (b.test === liquidIsFalsy) return true;
      if (b.test === liquidIsTruthy) return false;
      throw new Unsupported('unless test');
    });
    const bodies = t.branches.map((b) => compileTemplates(b.templates, cs));
    const otherwise = compileTemplates(t.elseTemplates, cs);
    return tag((ctx, st) => {
      for (let i = 0; i < conds.length; i++) {
        if (isFalsy(toValueY(conds[i]!(ctx)), ctx) === wantFalsy[i]) return runBlock(bodies[i]!, ctx, st);
      }
      return runBlock(otherwise, ctx, st);
    });
  }
  if (C === ForTag || C === BoundedForTag) return tag(compileFor(tpl as unknown as Shapes['for'], cs, C === BoundedForTag));
  if (C === AssignTag) {
    const t = tpl as unknown as Shapes['assign'];
    const v = compileValue(t.value, cs.liquid);
    const key = t.key;
    return tag((ctx) => {
      ctx.bottom()[key] = v(ctx);
      return '';
    });
  }
  if (C === CommentTag || C === InlineCommentTag || C === NestedCommentTag || C === DocTag) return tag(() => '');
  if (C === RawTag) {
    const text = (tpl as unknown as Shapes['raw']).tokens.map((t) => t.getText()).join('');
    return tag(() => text);
  }
  if (C === BreakTag) return tag((ctx) => { ctx.breakCalled = true; return ''; });
  if (C === ContinueTag) return tag((ctx) => { ctx.continueCalled = true; return ''; });
  if (C === RenderTag || C === ShopifyRenderTag) return tag(compileRender(tpl as unknown as Shapes['render'], cs));
  throw new Unsupported(`template ${(tpl as { name?: string }).name ?? C?.name}`);
}

function compileHash(hash: Hash): [string, Eval | null][] {
  return Object.keys(hash.hash).map((k) => [k, hash.hash[k] === undefined ? null : compileToken(hash.hash[k])]);
}

function compileFor(t: Shapes['for'], cs: CompileScope, bounded: boolean): NodeFn {
  const ForloopDrop = forloopDropClass();
  const collection = compileToken(t.collection);
  const collectionText = t.collection.getText();
  const variable = t.variable;
  const hash = compileHash(t.hash);
  const body = compileTemplates(t.templates, cs);
  const otherwise = compileTemplates(t.elseTemplates, cs);
  const continueKey = 'continue-' + variable + '-' + collectionText;
  const continues = offsetContinues(t.hash);
  return (ctx, st) => {
    let items = toEnumerable(collection(ctx));
    const tooLong = bounded ? loopTooLong(items.length) : null;
    if (tooLong) throw tooLong;
    if (!items.length) return runBlock(otherwise, ctx, st);
    let offset: unknown;
    if (hash.length) {
      ctx.push(createScope({ continue: ctx.getRegister(continueKey, {}) }));
      const h: Record<string, unknown> = {};
      for (const [k, ev] of hash) h[k] = ev ? ev(ctx) : true;
      ctx.pop();
      // MODIFIERS order, as liquidjs applies them (orderedFilterParameters is off); our `for`
      // (bounded-for.ts) reads limit/offset as Ruby Liquid does.
      const off = !bounded ? h['offset'] : continues ? continuedOffset(h['offset']) : forInteger(h['offset']);
      const lim = bounded ? forInteger(h['limit']) : h['limit'];
      if (off !== undefined) items = items.slice(off as number);
      if (lim !== undefined) items = items.slice(0, lim as number);
      if (h['reversed'] !== undefined) items = [...items].reverse();
      offset = off;
    }
    ctx.setRegister(continueKey, ((offset as number) || 0) + items.length);
    // Our `for` (bounded-for.ts) adds forloop.parentloop; liquidjs' own does not.
    const forloop = bounded ? newForloop(ctx, items.length, collectionText, variable) : new ForloopDrop(items.length, collectionText, variable);
    const scope = createScope({ forloop });
    ctx.push(scope);
    let s = '';
    for (let i = 0; i < items.length; i++) {
      scope[variable] = items[i];
      ctx.continueCalled = ctx.breakCalled = false;
      s += runBlock(body, ctx, st);
      if (ctx.breakCalled) break;
      (scope['forloop'] as { next(): void }).next();
    }
    ctx.continueCalled = ctx.breakCalled = false;
    ctx.pop();
    return s;
  };
}

function compileRender(t: Shapes['render'], cs: CompileScope): NodeFn {
  if (typeof t.file !== 'string' || !t.file) throw new Unsupported('dynamic partial name');
  if (t.with || t.forBinding) throw new Unsupported('render with/for');
  const file = t.file;
  if (file.startsWith('.')) throw new Unsupported('relative partial');
  let partial = cs.partials.get(file);
  if (!partial) {
    let templates: Template[];
    try {
      templates = toValueSync((cs.liquid as unknown as { _parsePartialFile(f: string, sync: boolean, cur?: string): unknown })
        ._parsePartialFile(file, true, t.currentFile)) as Template[];
    } catch {
      throw new Unsupported(`partial ${file} does not parse`);
    }
    partial = { nodes: [] };
    cs.partials.set(file, partial);
    partial.nodes = compileTemplates(templates, cs);
  }
  const target = partial;
  const hash = compileHash(t.hash);
  return (ctx, st) => {
    const child = ctx.spawn();
    const scope = child.bottom();
    const h: Record<string, unknown> = {};
    for (const [k, ev] of hash) h[k] = ev ? ev(ctx) : true;
    Object.assign(scope, h);
    return runBlock(target.nodes, child, st);
  };
}
