/**
 * A strict reader of Liquid *markup* (what stands inside `{{ … }}` and after a tag's name), after
 * the grammar of Shopify's reference implementation in strict mode (`Liquid::Lexer` and
 * `Liquid::Parser`, Liquid 5).
 *
 * Why our own: liquidjs reads markup laxly. It stops at the first thing it does not understand
 * and renders what it read (`{{ foo bar }}` prints `foo`, `{% assign x = 1 + 2 %}` assigns 1),
 * accepts identifiers the reference refuses (`-foo`, `@foo`), and has no way to report trailing
 * text. liquidjs still parses the template (tags, blocks, filters it knows); this only re-reads
 * each piece of markup to refuse what Shopify's Liquid would refuse, and collects what the strict
 * check needs (filter names, their positional arguments and the kinds of literal ones).
 *
 * Tokens: comparison operators (`==`, `!=`, `<>`, `<`, `>`, `<=`, `>=`), quoted strings, numbers
 * (`-?\d+(\.\d+)?`), identifiers (a letter or `_`, then letters, digits, `_`, `-`, and an optional
 * trailing `?`; letters include non-ASCII ones, which liquidjs reads fine), `..` and the
 * punctuation `| . : , [ ] ( )`. Anything else (`@`, `+`, `*`, a lone `-` or `=`) is an error.
 */
export class MarkupError extends Error {
  /** Offset in the markup. */
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

type Kind = 'id' | 'str' | 'num' | 'cmp' | 'dotdot' | 'pipe' | 'dot' | 'colon' | 'comma' | 'lsq' | 'rsq' | 'lpar' | 'rpar' | 'end';
interface Tok { kind: Kind; text: string; at: number }

const SPECIAL: Record<string, Kind> = { '|': 'pipe', '.': 'dot', ':': 'colon', ',': 'comma', '[': 'lsq', ']': 'rsq', '(': 'lpar', ')': 'rpar' };
const COMPARISON = /==|!=|<>|<=|>=|<|>/y;
const STRING = /'[^']*'|"[^"]*"/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const IDENTIFIER = /[\p{L}_][\p{L}\p{N}_-]*\??/uy;
const SPACE = /\s+/y;

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let p = 0;
  const take = (re: RegExp): string | null => {
    re.lastIndex = p;
    const m = re.exec(src);
    return m ? m[0] : null;
  };
  while (p < src.length) {
    const space = take(SPACE);
    if (space) { p += space.length; continue; }
    let m: string | null;
    let kind: Kind;
    if ((m = take(COMPARISON))) kind = 'cmp';
    else if ((m = take(STRING))) kind = 'str';
    else if ((m = take(NUMBER))) kind = 'num';
    else if ((m = take(IDENTIFIER))) kind = 'id';
    else if (src.startsWith('..', p)) { m = '..'; kind = 'dotdot'; }
    else if (SPECIAL[src[p]!]) { m = src[p]!; kind = SPECIAL[m]!; }
    else if (src[p] === "'" || src[p] === '"') throw new MarkupError(`unterminated string`, p);
    else throw new MarkupError(`unexpected character "${src[p]}"`, p);
    out.push({ kind, text: m, at: p });
    p += m.length;
  }
  out.push({ kind: 'end', text: '', at: src.length });
  return out;
}

/** What a literal argument is, for the argument-type check; `value` for anything computed. */
export type ArgKind = 'string' | 'integer' | 'float' | 'nil' | 'boolean' | 'range' | 'value';
export type Literal = string | number | boolean | null | undefined;
/** A filter as used: its left value and positional arguments, with the literal values where they are literals (else undefined). */
export interface FilterUse {
  name: string;
  input: ArgKind;
  inputLiteral: Literal;
  positional: ArgKind[];
  literals: Literal[];
  keywords: string[];
  at: number;
}
/** A comparison whose two sides are both literals. */
export interface LiteralComparison { op: string; left: ArgKind; right: ArgKind; at: number }

export class MarkupParser {
  private readonly toks: Tok[];
  private i = 0;
  readonly filters: FilterUse[] = [];
  readonly comparisons: LiteralComparison[] = [];

  constructor(readonly src: string) {
    this.toks = lex(src);
  }

  private peek(ahead = 0): Tok {
    return this.toks[Math.min(this.i + ahead, this.toks.length - 1)]!;
  }

  look(kind: Kind, ahead = 0): boolean {
    return this.peek(ahead).kind === kind;
  }

  lookId(word: string): boolean {
    const t = this.peek();
    return t.kind === 'id' && t.text === word;
  }

  private fail(expected: string): never {
    const t = this.peek();
    throw new MarkupError(t.kind === 'end' ? `expected ${expected} but the markup ended` : `expected ${expected}, found "${t.text}"`, t.at);
  }

  consume(kind: Kind, what: string = kind): Tok {
    if (!this.look(kind)) this.fail(what);
    return this.toks[this.i++]!;
  }

  consumeIf(kind: Kind): boolean {
    if (!this.look(kind)) return false;
    this.i++;
    return true;
  }

  consumeId(word: string): boolean {
    if (!this.lookId(word)) return false;
    this.i++;
    return true;
  }

  end(): void {
    if (!this.look('end')) {
      const t = this.peek();
      throw new MarkupError(`unexpected "${t.text}" after the expression`, t.at);
    }
  }

  /** A value: a literal, a range `(a..b)` or a variable with `.name` and `[expr]` lookups. */
  expression(): ArgKind {
    const t = this.peek();
    switch (t.kind) {
      case 'str': this.i++; return 'string';
      case 'num': this.i++; return t.text.includes('.') ? 'float' : 'integer';
      case 'lpar':
        this.i++;
        this.expression();
        this.consume('dotdot', '".." in a range');
        this.expression();
        this.consume('rpar', '")" closing the range');
        return 'range';
      case 'id': case 'lsq': {
        if (t.kind === 'id') this.i++;
        else this.lookup();
        while (true) {
          if (this.look('lsq')) this.lookup();
          else if (this.consumeIf('dot')) this.consume('id', 'a property name after "."');
          else break;
        }
        if (t.kind === 'id' && this.toks[this.i - 1] === t) {
          if (t.text === 'nil' || t.text === 'null') return 'nil';
          if (t.text === 'true' || t.text === 'false') return 'boolean';
        }
        return 'value';
      }
      default: return this.fail('a value');
    }
  }

  private lookup(): void {
    this.consume('lsq');
    this.expression();
    this.consume('rsq', '"]"');
  }

  /** An expression and, when it is a literal, its value. */
  literal(): { kind: ArgKind; value: Literal } {
    const start = this.peek();
    const kind = this.expression();
    return { kind, value: literalOf(kind, start.text) };
  }

  /** `expression (| filter (: args)?)*`, as an output, `assign` or `echo` holds. */
  filtered(): void {
    let input = this.literal();
    while (this.consumeIf('pipe')) {
      const name = this.consume('id', 'a filter name after "|"');
      const use: FilterUse = { name: name.text, input: input.kind, inputLiteral: input.value, positional: [], literals: [], keywords: [], at: name.at };
      input = { kind: 'value', value: undefined };
      if (this.consumeIf('colon')) {
        do {
          if (this.look('id') && this.look('colon', 1)) {
            use.keywords.push(this.consume('id').text);
            this.i++;
            this.expression();
          } else {
            const arg = this.literal();
            use.positional.push(arg.kind);
            use.literals.push(arg.value);
          }
        } while (this.consumeIf('comma'));
      }
      this.filters.push(use);
    }
  }

  /** `if`/`elsif`/`unless`: comparisons joined by `and`/`or`. */
  condition(): void {
    do {
      const left = this.literal();
      const op = this.peek();
      if (this.consumeIf('cmp') || this.consumeId('contains')) {
        const right = this.literal();
        if (left.value !== undefined && right.value !== undefined) this.comparisons.push({ op: op.text, left: left.kind, right: right.kind, at: op.at });
      }
    } while (this.consumeId('and') || this.consumeId('or'));
  }

  /**
   * Attributes such as `limit: 3, offset: 1` or a hash of named arguments; commas optional between
   * them. With `filters`, a value may have filters (liquidjs applies them to `render` arguments,
   * and Tailor's templates use that: `{% render 'label', v: name | escape %}`).
   */
  attributes(allowed?: readonly string[], filters = false): Map<string, { kind: ArgKind; value: Literal }> {
    const out = new Map<string, { kind: ArgKind; value: Literal }>();
    while (this.look('comma') || this.look('id')) {
      // A trailing comma is accepted (Golden Liquid, for: "some comma separated arguments").
      if (this.consumeIf('comma') && this.look('end')) break;
      const key = this.consume('id', 'an attribute name');
      if (allowed && !allowed.includes(key.text)) throw new MarkupError(`unknown attribute "${key.text}" (expected ${allowed.join(', ')})`, key.at);
      this.consume('colon', `":" after ${key.text}`);
      if (filters) {
        this.filtered();
        out.set(key.text, { kind: 'value', value: undefined });
      } else {
        out.set(key.text, this.literal());
      }
    }
    return out;
  }

  /** The text of the next token when it is a quoted string (without its quotes), else null. */
  quoted(): string | null {
    const t = this.peek();
    if (t.kind !== 'str') return null;
    this.i++;
    return t.text.slice(1, -1);
  }
}

function literalOf(kind: ArgKind, text: string): Literal {
  switch (kind) {
    case 'string': return text.slice(1, -1);
    case 'integer': case 'float': return Number(text);
    case 'nil': return null;
    case 'boolean': return text === 'true';
    default: return undefined;
  }
}
