import { Drop, Tag, type Context, type Liquid, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import type { BlankAware } from './whitespace-blank.ts';

/**
 * Inline snippets, `{% snippet name %}…{% endsnippet %}` (Ruby reference implementation,
 * lib/liquid/tags/snippet.rb), which liquidjs lacks: rendering the tag outputs nothing and
 * assigns a snippet to `name` (as `assign` does, at the outermost scope); `{% render name %}`
 * then renders its body in an isolated scope like a partial's (tag-render.ts). The name is one
 * plain identifier; the tag is blank (it outputs nothing).
 */
export class SnippetDrop extends Drop {
  constructor(readonly templates: Template[], readonly name: string) { super(); }
  override toString(): string { return `SnippetDrop(${this.name})`; }
}

export class SnippetTag extends Tag implements BlankAware {
  private readonly variable: string;
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    const name = /^\s*([A-Za-z_][\w-]*\??)\s*$/.exec(token.args);
    if (!name) throw new Error(`snippet needs one plain name: ${token.getText()}`);
    this.variable = name[1]!;
    const stream = parser.parseStream(remainTokens)
      .on('tag:endsnippet', () => stream.stop())
      .on('template', (tpl: Template) => this.templates.push(tpl))
      .on('end', () => { throw new Error(`tag ${token.getText()} not closed`); });
    stream.start();
  }

  blankKind(): 'blank' { return 'blank'; }

  render(ctx: Context): void {
    ctx.bottom()[this.variable] = new SnippetDrop(this.templates, this.variable);
  }

  *children(): Generator<unknown, Template[], unknown> {
    return this.templates;
  }
}
