import { Tag, Value, type Context, type Emitter, type Liquid, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import { hbEntries, hbEscape, hbPath, hbString, hbTruthy, hbWithList } from './handlebars-runtime.ts';
import { mcCompare, mcPresent, mcTitle } from './mailchimp-runtime.ts';

/**
 * Filters (and one tag) that imported templates rely on to keep their original engine's
 * semantics; see importers/handlebars.ts and importers/mailchimp.ts for what emits them.
 *
 * `hb_scope` exists because a Handlebars partial renders with the *caller's current context*
 * (the item of an `each`, the object of a `with`) as its root, while Liquid's `include` only
 * shares variables. `{% hb_scope ctx, entry %}…{% endhb_scope %}` pushes a scope holding the
 * context's own properties (so the partial's bare names resolve against it), the context itself
 * as `__hb_this`, and the enclosing `each` entry as `__hb_data` (for `@index` & co. inside it).
 */
class HbScopeTag extends Tag {
  private readonly context: Value;
  private readonly data: Value | undefined;
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const [ctxExpr, dataExpr] = token.args.split(',').map((s) => s.trim());
    this.context = new Value(ctxExpr ?? '', liquid);
    this.data = dataExpr ? new Value(dataExpr, liquid) : undefined;
    const stream = liquid.parser
      .parseStream(remainTokens)
      .on('tag:endhb_scope', () => stream.stop())
      .on('template', (tpl: Template) => this.templates.push(tpl))
      .on('end', () => {
        throw new Error(`tag ${token.getText()} not closed`);
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const value = yield this.context.value(ctx, false);
    const scope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) scope[key] = (value as Record<string, unknown>)[key];
    }
    scope.__hb_this = value;
    if (this.data) scope.__hb_data = yield this.data.value(ctx, false);
    ctx.push(scope);
    try {
      yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter);
    } finally {
      ctx.pop();
    }
  }
}

export function registerCompatFilters(liquid: Liquid): void {
  liquid.registerFilter('hb_escape', hbEscape);
  liquid.registerFilter('hb_string', hbString);
  liquid.registerFilter('hb_truthy', (v: unknown, includeZero?: unknown) => hbTruthy(v, includeZero === true));
  liquid.registerFilter('hb_with', hbWithList);
  liquid.registerFilter('hb_entries', hbEntries);
  liquid.registerFilter('hb_path', (v: unknown, ...parts: unknown[]) => hbPath(v, ...parts.map(String)));
  liquid.registerTag('hb_scope', HbScopeTag);
  liquid.registerFilter('mc_present', mcPresent);
  liquid.registerFilter('mc_compare', (v: unknown, op: unknown, literal: unknown) => mcCompare(v, String(op), String(literal)));
  liquid.registerFilter('mc_title', mcTitle);
}
