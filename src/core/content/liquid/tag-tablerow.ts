import {
  Drop, Hash, Tag, evalToken,
  type Context, type Emitter, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken, type ValueToken,
} from 'liquidjs';
import { loopTooLong } from '../bounded-for.ts';
import { toEnumerable } from '../fast-liquid/runtime.ts';
import type { BlankAware } from './whitespace-blank.ts';

/**
 * `tablerow` with the HTML layout of Shopify's reference Liquid (lib/liquid/tags/table_row.rb),
 * which liquidjs' differs from: `<tr class="row1">\n` opens the table even when the collection is
 * empty, each new row is `</tr>\n<tr class="rowN">`, and it closes with `</tr>\n`. `cols`, `limit`
 * and `offset` are integers as Ruby's `to_i` reads them ('2' and 2.6 are 2); without `cols` one
 * row holds everything. `break` ends the table (not an enclosing loop), `continue` the cell.
 * `tablerowloop` has col, col0, col_first, col_last, row and forloop's index/first/last/length.
 * Bounded like `for` (bounded-for.ts).
 */
export class TablerowloopDrop extends Drop {
  i = 0;
  constructor(readonly length: number, readonly cols: number) { super(); }
  index0(): number { return this.i; }
  index(): number { return this.i + 1; }
  rindex0(): number { return this.length - this.i - 1; }
  rindex(): number { return this.length - this.i; }
  first(): boolean { return this.i === 0; }
  last(): boolean { return this.i === this.length - 1; }
  col0(): number { return this.i % this.cols; }
  col(): number { return this.col0() + 1; }
  col_first(): boolean { return this.col0() === 0; }
  col_last(): boolean { return this.col() === this.cols; }
  row(): number { return Math.floor(this.i / this.cols) + 1; }
}

/** Ruby's Integer conversion (`to_i`): leading digits of a string, a truncated float, else 0. */
export function rubyToInt(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : 0;
  if (typeof v === 'string') {
    const m = /^\s*[+-]?\d+/.exec(v);
    return m ? parseInt(m[0], 10) : 0;
  }
  return 0;
}

export class ShopifyTablerowTag extends Tag implements BlankAware {
  private readonly variable: string;
  private readonly collection: ValueToken;
  private readonly args: Hash;
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    const variable = this.tokenizer.readIdentifier();
    this.tokenizer.skipBlank();
    const inWord = this.tokenizer.readIdentifier();
    const collection = this.tokenizer.readValue();
    if (!variable.content || inWord.content !== 'in' || !collection) throw new Error(`illegal tag: ${token.getText()}`);
    this.variable = variable.content;
    this.collection = collection;
    this.args = new Hash(this.tokenizer, liquid.options.keyValueSeparator);
    const stream = parser.parseStream(remainTokens)
      .on('tag:endtablerow', () => stream.stop())
      .on('template', (tpl: Template) => this.templates.push(tpl))
      .on('end', () => { throw new Error(`tag ${token.getText()} not closed`); });
    stream.start();
  }

  blankKind(): 'block' { return 'block'; }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    let items = toEnumerable(yield evalToken(this.collection, ctx));
    const tooLong = loopTooLong(items.length);
    if (tooLong) throw tooLong;
    const args = (yield this.args.render(ctx)) as Record<string, unknown>;
    const from = 'offset' in args ? Math.max(0, rubyToInt(args['offset'])) : 0;
    const to = 'limit' in args ? from + rubyToInt(args['limit']) : items.length;
    items = items.slice(from, Math.max(from, to));
    const cols = rubyToInt(args['cols']) || items.length;
    const loop = new TablerowloopDrop(items.length, cols);
    const scope: Record<string, unknown> = { tablerowloop: loop };
    const r = this.liquid.renderer;
    emitter.write('<tr class="row1">\n');
    ctx.push(scope);
    try {
      for (let i = 0; i < items.length; i++, loop.i++) {
        scope[this.variable] = items[i];
        emitter.write(`<td class="col${loop.col()}">`);
        ctx.breakCalled = ctx.continueCalled = false;
        yield r.renderTemplates(this.templates, ctx, emitter);
        emitter.write('</td>');
        if (ctx.breakCalled) break;
        if (loop.col_last() && !loop.last()) emitter.write(`</tr>\n<tr class="row${loop.row() + 1}">`);
      }
    } finally {
      ctx.breakCalled = ctx.continueCalled = false;
      ctx.pop();
    }
    emitter.write('</tr>\n');
  }

  *children(): Generator<unknown, Template[], unknown> {
    return this.templates;
  }
}
