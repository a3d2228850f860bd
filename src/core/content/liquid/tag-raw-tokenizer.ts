import { Parser, TagToken, Tokenizer, type Liquid, type Template, type Token } from 'liquidjs';

/**
 * Template tokenizing for the two tags whose bodies are not Liquid: `raw` and `doc`.
 *
 * Why our own: liquidjs looks for `{% endraw %}` by reading an identifier right after `{%`, so
 * `{%- endraw -%}` (whitespace control on the closing tag, which Shopify Liquid accepts) is never
 * found and the template fails with "raw not closed". And `doc` (Shopify Liquid 5.6+) has a body
 * that is not parsed at all (`{% doc %}{{ unclosed {% enddoc %}` is fine), which liquidjs's
 * tokenizer would read as Liquid. So after a `raw` or `doc` tag the body, up to the first matching
 * end tag (with or without `-`), becomes one text token, as the Ruby reference implementation's
 * Raw and Doc tags read theirs. Parsing is otherwise liquidjs' own (`Parser.parseTokens`).
 */
const RAW_BODIED: Record<string, string> = { raw: 'endraw', doc: 'enddoc' };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Options = Liquid['options'];

/** liquidjs' text token class, which it does not export. */
const HTMLToken = new Tokenizer('x').readHTMLToken([]).constructor as new (input: string, begin: number, end: number, file?: string) => Token;

class RawAwareTokenizer extends Tokenizer {
  private endName = '';

  override readTagToken(options: Options): TagToken {
    const token = super.readTagToken(options);
    const end = RAW_BODIED[token.name];
    if (end) {
      this.endName = end;
      (this as unknown as { rawBeginAt: number }).rawBeginAt = token.begin;
    }
    return token;
  }

  override readEndrawOrRawContent(options: Options): ReturnType<Tokenizer['readEndrawOrRawContent']> {
    const begin = this.p;
    const { tagDelimiterLeft: l, tagDelimiterRight: r } = options;
    const end = new RegExp(`${escapeRe(l)}-?\\s*${this.endName}\\s*-?${escapeRe(r)}`, 'g');
    end.lastIndex = begin;
    const m = end.exec(this.input);
    if (!m || m.index + m[0].length > this.N) {
      const open = (this as unknown as { rawBeginAt: number }).rawBeginAt;
      throw this.error(`${this.endName.slice(3)} "${this.input.slice(open, open + 32)}" not closed`, begin);
    }
    if (m.index === begin) {
      this.p = begin + m[0].length;
      (this as unknown as { rawBeginAt: number }).rawBeginAt = -1;
      return new TagToken(this.input, begin, this.p, options, this.file);
    }
    this.p = m.index;
    return new HTMLToken(this.input, begin, m.index, this.file) as ReturnType<Tokenizer['readEndrawOrRawContent']>;
  }
}

interface ParserInternals {
  parse(html: string, filepath?: string): Template[];
  parseTokens(tokens: unknown[]): Template[];
  parseLimit: { use(n: number): void };
}

function useRawAwareTokenizer(liquid: Liquid, parser: ParserInternals): void {
  parser.parse = function parse(html: string, filepath?: string): Template[] {
    const source = String(html);
    parser.parseLimit.use(source.length);
    const o = liquid.options;
    const tokenizer = new RawAwareTokenizer(source, o.operators, filepath, undefined, o.groupedExpressions);
    return parser.parseTokens(tokenizer.readTopLevelTokens(o));
  };
}

/**
 * Makes `liquid.parse` (which builds a fresh Parser per call, so a fresh parse-length limit) and
 * the instance's own parser (partials) use the tokenizer above.
 */
export function registerRawTokenizer(liquid: Liquid): void {
  useRawAwareTokenizer(liquid, liquid.parser as unknown as ParserInternals);
  liquid.parse = function parse(html: string, filepath?: string): Template[] {
    const parser = new Parser(liquid);
    useRawAwareTokenizer(liquid, parser as unknown as ParserInternals);
    return parser.parse(html, filepath);
  };
}
