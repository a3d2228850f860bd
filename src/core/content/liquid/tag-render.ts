import { SnippetDrop } from './tag-snippet.ts';
import {
  Hash, IncludeTag, RenderTag, Tokenizer, evalToken,
  type Context, type Emitter, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken, type ValueToken,
} from 'liquidjs';

/**
 * `render` and `include` bindings as Shopify's reference Liquid has them, where liquidjs differs.
 *
 * render: `{% render 'card' for products %}` names each item after the partial (`card`), as
 * `with` already does in liquidjs; liquidjs leaves it unnamed (lib/liquid/tags/render.rb:
 * `@alias_name || template_name`).
 *
 * include: `{% include 'card' with x as item %}` and `{% include 'card' for items [as item] %}`
 * (lib/liquid/tags/include.rb): the value is bound to the alias, else to the partial's name; when
 * it is an array the partial is rendered once per element. liquidjs' include knows only `with x`.
 * The include shares the caller's scope, as in liquidjs.
 */
export class ShopifyRenderTag extends RenderTag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid, parser);
    const self = this as unknown as { file: unknown; forBinding?: { alias?: string } };
    if (self.forBinding && !self.forBinding.alias && typeof self.file === 'string') self.forBinding.alias = self.file;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const self = this as unknown as { file: unknown; hash: Hash };
    // `{% render name %}` where `name` holds an inline snippet (tag-snippet.ts).
    if (isVariableToken(self.file)) {
      const value = yield evalToken(self.file, ctx);
      if (value instanceof SnippetDrop) {
        const child = ctx.spawn();
        Object.assign(child.bottom(), yield self.hash.render(ctx));
        yield this.liquid.renderer.renderTemplates(value.templates, child, emitter);
        return;
      }
    }
    yield* super.render(ctx, emitter);
  }
}

const isVariableToken = (file: unknown): file is ValueToken =>
  typeof file === 'object' && file !== null && !Array.isArray(file) && typeof (file as { getText?: unknown }).getText === 'function'
  && /^[A-Za-z_][\w-]*$/.test((file as ValueToken).getText());

interface Binding { mode: 'with' | 'for'; value: ValueToken; alias: string | undefined }

export class ShopifyIncludeTag extends IncludeTag {
  private readonly binding: Binding | undefined;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid, parser);
    // Re-read the markup after the partial name: liquidjs' include stops at `with x`.
    const t = new Tokenizer(token.args, liquid.options.operators);
    t.readValue();
    const begin = t.p;
    const mode = t.readIdentifier().content;
    t.skipBlank();
    if ((mode === 'with' || mode === 'for') && t.peek() !== ':') {
      const value = t.readValue();
      if (value) {
        const beforeAs = t.p;
        let alias: string | undefined;
        if (t.readIdentifier().content === 'as') alias = t.readIdentifier().content || undefined;
        else t.p = beforeAs;
        this.binding = { mode, value, alias };
        t.skipBlank();
        if (t.peek() === ',') t.advance();
        (this as unknown as { hash: Hash; withVar: unknown }).hash = new Hash(t, liquid.options.keyValueSeparator);
        (this as unknown as { withVar: unknown }).withVar = undefined;
        return;
      }
    }
    t.p = begin;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, any> {
    const self = this as unknown as { file: unknown; hash: Hash; currentFile?: string };
    if (!this.binding || typeof self.file !== 'string') {
      yield* super.render(ctx, emitter);
      return;
    }
    const liquid = this.liquid as unknown as { _parsePartialFile(f: string, sync: boolean, cur?: string): unknown; renderer: Liquid['renderer'] };
    const file = self.file;
    const saved = ctx.saveRegister('blocks', 'blockMode');
    ctx.setRegister('blocks', {});
    ctx.setRegister('blockMode', 0);
    const scope = (yield self.hash.render(ctx)) as Record<string, unknown>;
    const name = this.binding.alias ?? file;
    const value = yield evalToken(this.binding.value, ctx);
    const templates = (yield liquid._parsePartialFile(file, ctx.sync, self.currentFile)) as Template[];
    ctx.push(scope);
    try {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        scope[name] = item;
        yield liquid.renderer.renderTemplates(templates, ctx, emitter);
      }
    } finally {
      ctx.pop();
      ctx.restoreRegister(saved);
    }
  }
}
