import { Tag, type Context, type Emitter, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import type { BlankAware } from './whitespace-blank.ts';

/**
 * `{% ifchanged %}…{% endifchanged %}`, which liquidjs lacks: the body is rendered, and written
 * only when the text differs from what the last `ifchanged` of this render wrote (Ruby reference
 * implementation, lib/liquid/tags/ifchanged.rb: the last output kept in `context.registers`;
 * the first one always writes, unless it is empty). Typical use: a heading per group in a
 * sorted loop.
 */
const REGISTER = 'ifchanged';

export class IfchangedTag extends Tag implements BlankAware {
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    const stream = parser.parseStream(remainTokens)
      .on('tag:endifchanged', () => stream.stop())
      .on('template', (tpl: Template) => this.templates.push(tpl))
      .on('end', () => { throw new Error(`tag ${token.getText()} not closed`); });
    stream.start();
  }

  blankKind(): 'block' { return 'block'; }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const out = (yield this.liquid.renderer.renderTemplates(this.templates, ctx)) as string;
    const last = ctx.getRegister(REGISTER) as unknown;
    if (out !== (typeof last === 'string' ? last : '')) {
      ctx.setRegister(REGISTER, out);
      emitter.write(out);
    }
  }

  *children(): Generator<unknown, Template[], unknown> {
    return this.templates;
  }
}
