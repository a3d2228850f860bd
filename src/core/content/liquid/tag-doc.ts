import { Tag, TypeGuards, type Liquid, type TagToken, type TopLevelToken } from 'liquidjs';
import type { BlankAware } from './whitespace-blank.ts';

const { isTagToken } = TypeGuards;

/**
 * `{% doc %}…{% enddoc %}` (Shopify Liquid 5.6+: documentation for a snippet, never rendered) and
 * `{% comment %}` with Shopify's nesting, neither of which liquidjs has as Liquid does.
 *
 * doc: its body is not Liquid (tag-raw-tokenizer.ts hands it over as one text token); the tag
 * takes no arguments, must be closed, and may not contain another `doc` (Ruby reference
 * implementation, lib/liquid/tags/doc.rb: "Syntax Error in 'doc' - Nested doc tags are not
 * allowed"). comment: the body is tokenized (a malformed tag inside is still an error) but not
 * parsed, and `{% comment %}` blocks nest, so the comment ends at the `endcomment` matching its own
 * opening (Ruby reference, lib/liquid/tags/comment.rb).
 */
export class DocTag extends Tag implements BlankAware {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    if (token.args.trim()) throw new Error(`doc takes no arguments: ${token.getText()}`);
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if (isTagToken(next) && next.name === 'enddoc') {
        if (next.args.trim()) throw new Error(`enddoc takes no arguments: ${next.getText()}`);
        return;
      }
      if (/\{%-?\s*doc\s*-?%\}/.test(next.getText())) throw new Error('nested doc tags are not allowed');
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }

  blankKind(): 'blank' { return 'blank'; }

  *render(): Generator<unknown, void, unknown> {}
}

export class NestedCommentTag extends Tag implements BlankAware {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    let depth = 1;
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if (!isTagToken(next)) continue;
      if (next.name === 'comment') depth++;
      else if (next.name === 'endcomment' && --depth === 0) return;
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }

  blankKind(): 'blank' { return 'blank'; }

  *render(): Generator<unknown, void, unknown> {}
}
