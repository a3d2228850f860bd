import {
  Tag, Value, defaultOperators, evalToken, toValue,
  type Context, type Emitter, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken, type ValueToken,
} from 'liquidjs';
import type { BlankAware } from './whitespace-blank.ts';

/**
 * `case`/`when` as Shopify's reference Liquid evaluates it (lib/liquid/tags/case.rb), where
 * liquidjs differs: the blocks are a sequence checked in order, and *every* matching `when`
 * renders (so `{% when a, b %}` renders twice when both equal the value); an `else` renders when
 * no `when` before it matched, and there may be several `else` blocks and `when` blocks after an
 * `else`. A `when` lists values separated by `,` or `or`; anything after a value that is neither
 * is ignored, as Ruby's lax `WhenSyntax` does; a `when` without a value is an error.
 */
type Block = { values: ValueToken[] | null; templates: Template[] };

/** liquidjs' own `==` (a generator in liquidjs 10), as its case tag compares. */
const equals = defaultOperators['=='] as (l: unknown, r: unknown, ctx: Context) => unknown;

export class ShopifyCaseTag extends Tag implements BlankAware {
  private readonly value: Value;
  private readonly blocks: Block[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.value = new Value(this.tokenizer.readFilteredValue(), liquid);
    let current: Template[] = [];
    const stream = parser.parseStream(remainTokens)
      .on('tag:when', (tag: TagToken) => {
        current = [];
        this.blocks.push({ values: readWhenValues(tag), templates: current });
      })
      .on('tag:else', (tag: TagToken) => {
        if (tag.args.trim()) throw new Error(`else takes no arguments: ${tag.getText()}`);
        current = [];
        this.blocks.push({ values: null, templates: current });
      })
      .on('tag:endcase', () => stream.stop())
      // Text between `case` and the first `when` is never rendered (Ruby keeps it in a body no block owns).
      .on('template', (tpl: Template) => current.push(tpl))
      .on('end', () => { throw new Error(`tag ${token.getText()} not closed`); });
    stream.start();
  }

  blankKind(): 'block' { return 'block'; }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const r = this.liquid.renderer;
    const target = yield toValue(yield this.value.value(ctx, ctx.opts.lenientIf));
    let elseDue = true;
    for (const block of this.blocks) {
      if (!block.values) {
        if (elseDue) yield r.renderTemplates(block.templates, ctx, emitter);
        continue;
      }
      for (const token of block.values) {
        const v = yield evalToken(token, ctx, ctx.opts.lenientIf);
        if (yield equals(target, v, ctx)) {
          elseDue = false;
          yield r.renderTemplates(block.templates, ctx, emitter);
        }
      }
    }
  }

  *children(): Generator<unknown, Template[], unknown> {
    return this.blocks.flatMap((b) => b.templates);
  }
}

function readWhenValues(tag: TagToken): ValueToken[] {
  const t = tag.tokenizer;
  const values: ValueToken[] = [];
  for (;;) {
    t.skipBlank();
    const v = t.readValue();
    if (!v) break;
    values.push(v);
    t.skipBlank();
    if (t.peek() === ',') {
      t.advance();
      continue;
    }
    const save = t.p;
    if (t.readIdentifier().content === 'or') continue;
    t.p = save;
    break;
  }
  if (!values.length) throw new Error(`when needs a value: ${tag.getText()}`);
  return values;
}
