import { Tag, type Context, type Emitter, type Liquid, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import { hbPath } from './handlebars-runtime.ts';
import { indentPartialSource, mustacheSection } from './mustache-runtime.ts';

/**
 * The Liquid side of Mustache sections and partials in imported templates (handlebars.ts emits
 * them); registered on both environments by liquid-env.ts.
 *
 * - `mu_section` filter: the list a section iterates (mustache-runtime.ts).
 * - `nil | mu_get: "null", "x"`: the variable named `null` (then its property `x`), for names
 *   Liquid cannot write as a variable (`null`, `empty`, `a-b` …); looked up through the scope
 *   chain like any variable, then own properties only (hbPath).
 * - `{% mu_partial "name" %}` / `{% mu_partial "name", "  " %}`: Mustache partials. Written here
 *   rather than using `include` for two rules of the Mustache spec (partials.yml) that `include`
 *   cannot follow: a partial that does not exist renders as the empty string ("Failed Lookup"),
 *   and a standalone partial (the second argument, its indentation) has *every line of its
 *   template* indented, before rendering, so a multi-line value printed inside it is not
 *   ("Standalone Indentation"). The partial's Liquid source comes from the same in-memory map the
 *   environment resolves `include` from; an indented copy is parsed once per name and indentation
 *   and cached. Like `include`, the partial sees the caller's variables, which carry the Mustache
 *   context stack (hb_scope frames), so names resolve as in Mustache.
 *
 *   Indentation nests as Mustache's does: a standalone partial inside an indented partial is
 *   indented by both (the outer indentation is kept in the scope variable `__mu_indent`); a
 *   partial that is not standalone resets it, since its lines are not the caller's lines.
 */

const ARGS = /^\s*(?:"([^"]*)"|'([^']*)')\s*(?:,\s*(?:"([^"]*)"|'([^']*)')\s*)?$/;

export function registerMustache(liquid: Liquid, partials: Record<string, string>): void {
  const parsed = new Map<string, Template[]>();

  class MuPartialTag extends Tag {
    private readonly partial: string;
    private readonly indent: string | undefined;

    constructor(token: TagToken, remainTokens: TopLevelToken[], engine: Liquid) {
      super(token, remainTokens, engine);
      const m = ARGS.exec(token.args);
      if (!m) throw new Error(`mu_partial takes a quoted name and an optional quoted indentation: ${token.getText()}`);
      this.partial = m[1] ?? m[2] ?? '';
      this.indent = m[3] ?? m[4];
    }

    *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
      if (!Object.prototype.hasOwnProperty.call(partials, this.partial)) return;
      const source = partials[this.partial] as string;
      const outer = this.indent === undefined ? '' : String(ctx.getSync(['__mu_indent']) ?? '');
      const own = this.indent ?? '';
      const key = `${this.partial}\u0000${own}\u0000${outer}`;
      let templates = parsed.get(key);
      if (!templates) {
        // The caller already printed the outer indentation before this tag (it starts a line of
        // an indented partial), so the first line gets only this partial's own indentation.
        templates = this.liquid.parse(indentPartialSource(source, own, outer + own));
        parsed.set(key, templates);
      }
      ctx.push({ __mu_indent: outer + own });
      try {
        yield this.liquid.renderer.renderTemplates(templates, ctx, emitter);
      } finally {
        ctx.pop();
      }
    }
  }

  liquid.registerFilter('mu_section', mustacheSection);
  liquid.registerFilter('mu_get', function (this: { context: Context }, _nil: unknown, head: unknown, ...rest: unknown[]) {
    return hbPath(this.context.getSync([String(head)]), ...rest.map(String));
  });
  liquid.registerTag('mu_partial', MuPartialTag);
}
