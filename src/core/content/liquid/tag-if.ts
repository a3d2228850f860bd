import {
  Tag, Value, isTruthy, toValue,
  type Context, type Emitter, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken,
} from 'liquidjs';
import type { BlankAware } from './whitespace-blank.ts';

/**
 * `if` as Shopify's reference Liquid parses it (lib/liquid/tags/if.rb): liquidjs refuses
 * `{% else nonsense %}`, a second `else` and an `elsif` after `else`; Ruby accepts them, ignores
 * the markup of an `else`, and never reaches a block after the first `else` (an else condition
 * is always true). The blocks it never renders still count for the blank rule
 * (whitespace-blank.ts), as they do in Ruby. Same node shape as liquidjs' IfTag (`branches`,
 * `elseTemplates`), so the compiled fast path treats both alike.
 */
export class ShopifyIfTag extends Tag implements BlankAware {
  readonly branches: { value: Value; templates: Template[] }[] = [];
  elseTemplates: Template[] | undefined;
  private readonly unreachable: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    let p: Template[] = [];
    this.branches.push({ value: new Value(token.tokenizer.readFilteredValue(), liquid), templates: p });
    const stream = parser.parseStream(remainTokens)
      .on('tag:elsif', (tag: TagToken) => {
        if (this.elseTemplates) p = this.unreachable;
        else this.branches.push({ value: new Value(tag.tokenizer.readFilteredValue(), liquid), templates: (p = []) });
      })
      .on('tag:else', () => {
        if (this.elseTemplates) p = this.unreachable;
        else p = this.elseTemplates = [];
      })
      .on('tag:endif', () => stream.stop())
      .on('template', (tpl: Template) => p.push(tpl))
      .on('end', () => { throw new Error(`tag ${token.getText()} not closed`); });
    stream.start();
  }

  blankKind(): 'block' { return 'block'; }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const r = this.liquid.renderer;
    for (const { value, templates } of this.branches) {
      const v = yield toValue(yield value.value(ctx, ctx.opts.lenientIf));
      if (isTruthy(v, ctx)) {
        yield r.renderTemplates(templates, ctx, emitter);
        return;
      }
    }
    yield r.renderTemplates(this.elseTemplates ?? [], ctx, emitter);
  }

  *children(): Generator<unknown, Template[], unknown> {
    return [...this.branches.flatMap((b) => b.templates), ...(this.elseTemplates ?? []), ...this.unreachable];
  }

  arguments(): Value[] {
    return this.branches.map((b) => b.value);
  }
}
