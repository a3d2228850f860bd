import {
  AssignTag, CaptureTag, CaseTag, CommentTag, ForTag, IfTag, InlineCommentTag, Liquid, LiquidTag, RawTag, TablerowTag, UnlessTag,
  Output, toValueSync, type Context, type Emitter, type Template,
} from 'liquidjs';

/**
 * Shopify Liquid's "blank block" rule, which liquidjs does not have: a block tag (if, unless,
 * case, for, tablerow, ifchanged, …) whose body holds only whitespace text and tags that output
 * nothing (assign, capture, comment, doc, `#`, and other blank blocks) renders nothing at all,
 * wherever it stands; its tags still run (assigns happen). So
 * `{% if x %}\n  {% assign y = 1 %}\n{% endif %}` leaves no blank lines behind. Ruby reference
 * implementation: `BlockBody#parse` tracks `@blank` per body (text matching /\A\s*\z/, and each
 * tag's `blank?`) and `BlockBody#render_to_output_buffer` renders a blank Block into a throwaway
 * buffer. Outputs (`{{ }}`), echo, cycle, increment, render, include, break and continue are never
 * blank; raw is blank when empty; text outside any block is kept.
 *
 * Why here: liquidjs renders every body through `liquid.renderer.renderTemplates`, so replacing
 * that one method on the instance applies the rule to every tag, built-in or registered. The
 * compiled fast path (fast-liquid/nodes.ts) asks `isBlankBlock` the same question.
 */

/** A tag of ours that declares itself always blank (doc, comment) or a block (ifchanged, tablerow, case). */
export interface BlankAware { blankKind(): 'blank' | 'block' | 'output' }

const RUBY_WHITESPACE = /^[ \t\r\n\f\v]*$/;
const blankCache = new WeakMap<object, boolean>();

const isBlankAware = (tpl: object): tpl is BlankAware & Template => typeof (tpl as Partial<BlankAware>).blankKind === 'function';

function kind(tpl: Template): 'blank' | 'block' | 'output' {
  if (isBlankAware(tpl)) return tpl.blankKind();
  if (tpl instanceof Output) return 'output';
  if (tpl instanceof AssignTag || tpl instanceof CaptureTag || tpl instanceof CommentTag || tpl instanceof InlineCommentTag) return 'blank';
  if (tpl instanceof RawTag) return (tpl as unknown as { tokens: unknown[] }).tokens.length ? 'output' : 'blank';
  if (tpl instanceof IfTag || tpl instanceof UnlessTag || tpl instanceof ForTag || tpl instanceof CaseTag
    || tpl instanceof TablerowTag || tpl instanceof LiquidTag) return 'block';
  return 'output';
}

function childTemplates(tpl: Template): Template[] {
  const children = (tpl as unknown as { children?: (partials: boolean, sync: boolean) => unknown }).children;
  return children ? (toValueSync(children.call(tpl, false, true)) as Template[]) : [];
}

/** Whether this node outputs nothing under Liquid's rule (whitespace text counts as nothing). */
export function isBlank(tpl: Template): boolean {
  const cached = blankCache.get(tpl);
  if (cached !== undefined) return cached;
  let blank: boolean;
  if (isHtmlTemplate(tpl)) blank = RUBY_WHITESPACE.test((tpl as unknown as { str: string }).str);
  else {
    const k = kind(tpl);
    blank = k === 'blank' || (k === 'block' && childTemplates(tpl).every(isBlank));
  }
  blankCache.set(tpl, blank);
  return blank;
}

/** A block tag whose whole body is blank: rendered for its effects, its output dropped. */
export function isBlankBlock(tpl: Template): boolean {
  return !isHtmlTemplate(tpl) && kind(tpl) === 'block' && isBlank(tpl);
}

let htmlClass: unknown;
/** liquidjs' HTML (text) node class, which it does not export. */
function isHtmlTemplate(tpl: Template): boolean {
  htmlClass ??= (new Liquid().parse('x')[0] as object).constructor;
  return (tpl as object).constructor === htmlClass;
}

class DiscardEmitter implements Emitter {
  buffer = '';
  write(): void {}
}

/** The node itself, its render sending all output to a throwaway emitter. */
function silenced(tpl: Template): Template {
  const quiet = Object.create(tpl) as Template;
  quiet.render = function* (ctx: Context) {
    yield tpl.render(ctx, new DiscardEmitter());
    return '';
  } as Template['render'];
  return quiet;
}

const silencedLists = new WeakMap<Template[], Template[]>();

function withBlankBlocksSilenced(templates: Template[]): Template[] {
  let out = silencedLists.get(templates);
  if (!out) {
    out = templates.some(isBlankBlock) ? templates.map((t) => (isBlankBlock(t) ? silenced(t) : t)) : templates;
    silencedLists.set(templates, out);
  }
  return out;
}

const withRule = new WeakSet<Liquid>();

/** Whether `liquid` renders with the rule (the fast path follows whatever liquidjs does). */
export const hasBlankBlocks = (liquid: Liquid): boolean => withRule.has(liquid);

export function registerBlankBlocks(liquid: Liquid): void {
  withRule.add(liquid);
  const renderer = liquid.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = (templates, ctx, emitter) => renderTemplates(withBlankBlocksSilenced(templates), ctx, emitter);
}
