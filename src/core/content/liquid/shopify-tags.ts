import type { Liquid } from 'liquidjs';
import { ShopifyCaseTag } from './tag-case.ts';
import { ShopifyCycleTag } from './tag-cycle.ts';
import { DocTag, NestedCommentTag } from './tag-doc.ts';
import { ShopifyIfTag } from './tag-if.ts';
import { IfchangedTag } from './tag-ifchanged.ts';
import { registerRawTokenizer } from './tag-raw-tokenizer.ts';
import { ShopifyIncludeTag, ShopifyRenderTag } from './tag-render.ts';
import { SnippetTag } from './tag-snippet.ts';
import { ShopifyTablerowTag } from './tag-tablerow.ts';
import { registerBlankBlocks } from './whitespace-blank.ts';

/** Tags as Shopify's reference Liquid defines them, added to or replacing liquidjs' where they differ. */
export function registerShopifyTags(liquid: Liquid): void {
  registerRawTokenizer(liquid);
  registerBlankBlocks(liquid);
  liquid.registerTag('doc', DocTag);
  liquid.registerTag('comment', NestedCommentTag);
  liquid.registerTag('ifchanged', IfchangedTag);
  liquid.registerTag('if', ShopifyIfTag);
  liquid.registerTag('case', ShopifyCaseTag);
  liquid.registerTag('tablerow', ShopifyTablerowTag);
  liquid.registerTag('render', ShopifyRenderTag);
  liquid.registerTag('include', ShopifyIncludeTag);
  liquid.registerTag('snippet', SnippetTag);
  liquid.registerTag('cycle', ShopifyCycleTag);
}
