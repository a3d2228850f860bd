import { TailorError } from '../../errors.ts';
import type { BlockNode, Expr, Param, PathExpr, Program, Statement, Strip } from './handlebars-ast.ts';
import { describeAt } from './source-text.ts';

/**
 * A parser for the Handlebars/Mustache syntax the importer understands, following the lexer
 * rules of handlebars 4.7 (src/handlebars.l) for content, escapes (`\{{`), comments and strip
 * flags. Unknown-but-wellformed syntax becomes a node marked `unsupported`; only structurally
 * broken input (unclosed or mismatched blocks, stray `{{else}}`/`{{/x}}`, unterminated
 * mustaches) throws.
 */

type Token =
  | { kind: 'content'; text: string; start: number; end: number }
  | { kind: 'comment'; strip: Strip; start: number; end: number }
  | { kind: 'mustache' | 'block' | 'inverted' | 'close' | 'chain' | 'partial'; body: string; escaped: boolean; strip: Strip; start: number; end: number; unsupported?: string; inheritance?: 'parent' | 'block' }
  | { kind: 'else'; strip: Strip; start: number; end: number };

const broken = (source: string, offset: number, what: string): TailorError =>
  new TailorError('validation_failed', `Handlebars template is broken at ${describeAt(source, offset)}: ${what}`);

/** Index just past the first of `closers` (`}}`, `}}}` …) that closes a mustache, skipping quoted strings. */
function findClose(source: string, from: number, ...closers: string[]): number {
  let i = from;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    const closer = closers.find((c) => source.startsWith(c, i));
    if (closer) return i + closer.length;
    i++;
  }
  return -1;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  // Mustache set-delimiter tags (`{{=<% %>=}}`) change these until the end of the template.
  const delims: Delims = { open: '{{', close: '}}' };
  const pushContent = (start: number, end: number): void => {
    if (end > start) tokens.push({ kind: 'content', text: source.slice(start, end), start, end });
  };
  while (pos < source.length) {
    const open = source.indexOf(delims.open, pos);
    if (open < 0) {
      pushContent(pos, source.length);
      break;
    }
    const standard = delims.open === '{{';
    // `\\{{` prints one backslash and opens a real mustache; `\{{` prints the mustache literally.
    if (standard && source.startsWith('\\\\', open - 2) && open - 2 >= pos) {
      pushContent(pos, open - 1);
    } else if (standard && source[open - 1] === '\\' && open - 1 >= pos) {
      pushContent(pos, open - 1);
      let end = open + 2;
      while (end < source.length && !source.startsWith('{{', end) && !source.startsWith('\\{{', end)) end++;
      pushContent(open, end);
      pos = end;
      continue;
    } else {
      pushContent(pos, open);
    }
    pos = standard && delims.close === '}}' ? readMustache(source, open, tokens, delims) : readCustom(source, open, tokens, delims);
  }
  return tokens;
}

interface Delims {
  open: string;
  close: string;
}

/**
 * `{{=<% %>=}}` (Mustache spec, delimiters.yml): the new open and close delimiters, separated by
 * whitespace, neither containing whitespace or `=`. Returns the index past the tag, after
 * updating `delims`; the tag itself becomes a comment token (it prints nothing and can stand alone
 * on its line).
 */
function setDelimiters(source: string, open: number, bodyStart: number, tokens: Token[], delims: Delims): number {
  const close = source.indexOf(`=${delims.close}`, bodyStart);
  if (close < 0) throw broken(source, open, 'unterminated set-delimiter tag');
  const parts = source.slice(bodyStart, close).trim().split(/\s+/);
  const [o, c] = parts;
  if (parts.length !== 2 || !o || !c || o.includes('=') || c.includes('=')) {
    throw broken(source, open, 'a set-delimiter tag needs two delimiters, as in {{=<% %>=}}');
  }
  const end = close + 1 + delims.close.length;
  tokens.push({ kind: 'comment', strip: { open: false, close: false }, start: open, end });
  delims.open = o;
  delims.close = c;
  return end;
}

/** A tag with delimiters other than `{{ }}`: Mustache's own syntax only (no `~`, raw blocks or `{{!-- --}}`). */
function readCustom(source: string, open: number, tokens: Token[], delims: Delims): number {
  const i = open + delims.open.length;
  const base = { strip: { open: false, close: false }, start: open };
  if (source[i] === '=') return setDelimiters(source, open, i + 1, tokens, delims);
  if (source[i] === '{') {
    const close = source.indexOf(`}${delims.close}`, i + 1);
    if (close < 0) throw broken(source, open, 'unterminated mustache');
    const end = close + 1 + delims.close.length;
    tokens.push({ kind: 'mustache', body: source.slice(i + 1, close), escaped: false, ...base, end });
    return end;
  }
  const close = source.indexOf(delims.close, i);
  if (close < 0) throw broken(source, open, 'unterminated mustache');
  const end = close + delims.close.length;
  const inner = source.slice(i, close);
  if (inner[0] === '!') tokens.push({ kind: 'comment', ...base, end });
  else pushTag(tokens, inner, { ...base, end });
  return end;
}

function readMustache(source: string, open: number, tokens: Token[], delims: Delims): number {
  let i = open + 2;
  if (source[i] === '=') return setDelimiters(source, open, i + 1, tokens, delims);
  const leftStrip = source[i] === '~';
  if (leftStrip) i++;
  if (source.startsWith('{{', open + 2) && source.startsWith('{{{{', open)) {
    const end = findClose(source, i, '}}}}');
    if (end < 0) throw broken(source, open, 'unterminated raw block');
    tokens.push({ kind: 'mustache', body: '', escaped: false, strip: { open: false, close: false }, start: open, end, unsupported: 'raw block {{{{…}}}}' });
    return end;
  }
  if (source.startsWith('!--', i)) {
    const m = /--(~?)\}\}/g;
    m.lastIndex = i + 3;
    const hit = m.exec(source);
    if (!hit) throw broken(source, open, 'unterminated comment');
    const end = hit.index + hit[0].length;
    tokens.push({ kind: 'comment', strip: { open: leftStrip, close: hit[1] === '~' }, start: open, end });
    return end;
  }
  if (source[i] === '!') {
    const close = source.indexOf('}}', i);
    if (close < 0) throw broken(source, open, 'unterminated comment');
    tokens.push({ kind: 'comment', strip: { open: leftStrip, close: source[close - 1] === '~' }, start: open, end: close + 2 });
    return close + 2;
  }
  const triple = source[i] === '{';
  const closer = triple ? '}}}' : '}}';
  // `{{~{x}~}}`: a triple-stash strips to the right with `}~}}`.
  const end = triple ? findClose(source, i, closer, '}~}}') : findClose(source, i, closer);
  if (end < 0) throw broken(source, open, 'unterminated mustache');
  // handlebars reads the right strip flag at close.length - 3, which for `~}}}` is a brace:
  // `{{{x~}}}` never strips to the right. Mirrored on purpose.
  const tildeTriple = triple && source.startsWith('}~}}', end - 4);
  const closeText = tildeTriple ? '}~}}' : source[end - closer.length - 1] === '~' ? `~${closer}` : closer;
  const strip: Strip = { open: leftStrip, close: tildeTriple || closeText.charAt(closeText.length - 3) === '~' };
  const inner = source.slice(i, end - closeText.length);
  const base = { strip, start: open, end };
  if (triple) {
    tokens.push({ kind: 'mustache', body: inner.slice(1), escaped: false, ...base });
    return end;
  }
  if (/^\^\s*$/.test(inner) || /^\s*else\s*$/.test(inner)) {
    tokens.push({ kind: 'else', ...base });
    return end;
  }
  const elseChain = /^\s*else\s/.exec(inner);
  if (elseChain) {
    tokens.push({ kind: 'chain', body: inner.slice(elseChain[0].length), escaped: true, ...base });
    return end;
  }
  pushTag(tokens, inner, base);
  return end;
}

/** Classifies a tag by its sigil (the first character inside the delimiters). */
function pushTag(tokens: Token[], inner: string, base: { strip: Strip; start: number; end: number }): void {
  const sigil = inner[0];
  if (inner.startsWith('#>')) tokens.push({ kind: 'block', body: inner.slice(2), escaped: true, ...base, unsupported: 'partial block {{#> …}}' });
  else if (inner.startsWith('#*')) tokens.push({ kind: 'block', body: inner.slice(2), escaped: true, ...base, unsupported: 'decorator block {{#* …}}' });
  else if (sigil === '#') tokens.push({ kind: 'block', body: inner.slice(1), escaped: true, ...base });
  else if (sigil === '^') tokens.push({ kind: 'inverted', body: inner.slice(1), escaped: true, ...base });
  // Mustache inheritance (optional module): `{{<parent}}…{{/parent}}` and `{{$name}}…{{/name}}`.
  else if (sigil === '<') tokens.push({ kind: 'block', body: inner.slice(1), escaped: true, ...base, inheritance: 'parent' });
  else if (sigil === '$') tokens.push({ kind: 'block', body: inner.slice(1), escaped: true, ...base, inheritance: 'block' });
  else if (sigil === '/') tokens.push({ kind: 'close', body: inner.slice(1), escaped: true, ...base });
  else if (sigil === '>') tokens.push({ kind: 'partial', body: inner.slice(1), escaped: true, ...base });
  else if (sigil === '&') tokens.push({ kind: 'mustache', body: inner.slice(1), escaped: false, ...base });
  else if (sigil === '*') tokens.push({ kind: 'mustache', body: inner.slice(1), escaped: true, ...base, unsupported: 'decorator {{* …}}' });
  else tokens.push({ kind: 'mustache', body: inner.trim(), escaped: true, ...base });
}

/** Splits a path like `../foo.[bar baz]/qux` or `@root.x` the way handlebars' preparePath does. */
export function parsePath(text: string): PathExpr | null {
  let i = 0;
  const data = text.startsWith('@');
  if (data) i = 1;
  const parts: string[] = [];
  let depth = 0;
  while (i < text.length) {
    let seg: string;
    let literal = false;
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return null;
      seg = text.slice(i + 1, close);
      literal = true;
      i = close + 1;
    } else if (text.startsWith('..', i)) {
      seg = '..';
      i += 2;
    } else if (text[i] === '.' && (i + 1 === text.length || text[i + 1] === '/')) {
      seg = '.';
      i += 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '/') j++;
      seg = text.slice(i, j);
      i = j;
    }
    if (!seg && !literal) return null;
    if (!literal && (seg === '..' || seg === '.' || seg === 'this')) {
      if (parts.length > 0) return null; // handlebars: "Invalid path"
      if (seg === '..') depth++;
    } else parts.push(seg);
    if (i < text.length) {
      if (text[i] !== '.' && text[i] !== '/') return null;
      i++;
      if (i === text.length) return null;
    }
  }
  return { data, depth, parts, original: text };
}

/** Splits the inside of a mustache into params, `key=value` pairs and `as |x|` block params. */
export function parseExpr(body: string): Expr | null {
  const words: { text: string; key?: string }[] = [];
  let blockParams = false;
  let i = 0;
  const s = body.trim();
  while (i < s.length) {
    if (/\s/.test(s[i] ?? '')) {
      i++;
      continue;
    }
    if (/^as\s+\|/.test(s.slice(i))) {
      blockParams = true;
      break;
    }
    let key: string | undefined;
    const keyMatch = /^([^\s=()"'[\]]+)=/.exec(s.slice(i));
    if (keyMatch) {
      key = keyMatch[1];
      i += keyMatch[0].length;
    }
    const start = i;
    if (s[i] === '"' || s[i] === "'") {
      const q = s[i] as string;
      let j = i + 1;
      while (j < s.length && s[j] !== q) j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return null;
      i = j + 1;
    } else if (s[i] === '(') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      if (j >= s.length) return null;
      i = j + 1;
    } else {
      while (i < s.length && !/\s/.test(s[i] ?? '')) {
        if (s[i] === '[') {
          const close = s.indexOf(']', i);
          if (close < 0) return null;
          i = close + 1;
        } else i++;
      }
    }
    words.push({ text: s.slice(start, i), ...(key !== undefined ? { key } : {}) });
  }
  const toParam = (text: string): Param | null => {
    if (text.startsWith('(')) return { kind: 'sexpr', text };
    if (/^["']/.test(text) || /^-?\d+(\.\d+)?$/.test(text) || ['true', 'false', 'null', 'undefined'].includes(text)) return { kind: 'literal', text };
    const path = parsePath(text);
    return path ? { kind: 'path', path } : null;
  };
  const [first, ...rest] = words;
  if (!first || first.key !== undefined) return null;
  const head = toParam(first.text);
  if (!head) return null;
  const params: Param[] = [];
  const hash: { key: string; value: Param }[] = [];
  for (const w of rest) {
    const p = toParam(w.text);
    if (!p) return null;
    if (w.key !== undefined) hash.push({ key: w.key, value: p });
    else if (hash.length) return null;
    else params.push(p);
  }
  return { head, params, hash, blockParams };
}

const headName = (expr: Expr | null, body: string): string =>
  expr?.head.kind === 'path' ? expr.head.path.original : body.trim().split(/\s+/)[0] ?? '';

export function parseHandlebars(source: string): Program {
  const tokens = tokenize(source);
  let t = 0;

  const parseProgram = (): Program => {
    const body: Statement[] = [];
    while (t < tokens.length) {
      const tok = tokens[t] as Token;
      if (tok.kind === 'close' || tok.kind === 'else' || tok.kind === 'chain') break;
      t++;
      if (tok.kind === 'content') body.push({ type: 'content', original: tok.text, value: tok.text, start: tok.start, end: tok.end });
      else if (tok.kind === 'comment') body.push({ type: 'comment', strip: tok.strip, start: tok.start, end: tok.end });
      else if (tok.kind === 'mustache') {
        body.push({ type: 'mustache', expr: tok.unsupported ? null : parseExpr(tok.body), escaped: tok.escaped, strip: tok.strip, start: tok.start, end: tok.end, ...(tok.unsupported ? { unsupported: tok.unsupported } : {}) });
      } else if (tok.kind === 'partial') {
        body.push({ type: 'partial', expr: parseExpr(tok.body), strip: tok.strip, indent: '', start: tok.start, end: tok.end });
      } else body.push(parseBlock(tok));
    }
    return { body };
  };

  type OpenTok = Extract<Token, { body: string }>;
  interface Rest { program: Program; inverse?: Program; inverseStrip?: Strip }

  /** program, then `{{else}}` program or a chain of `{{else x}}` blocks, up to (not including) the close. */
  const parseRest = (): Rest => {
    const program = parseProgram();
    const next = tokens[t];
    if (next?.kind === 'else') {
      t++;
      return { program, inverse: parseProgram(), inverseStrip: next.strip };
    }
    if (next?.kind === 'chain') {
      t++;
      const inner = parseRest();
      const expr = parseExpr(next.body);
      const chained: BlockNode = {
        type: 'block', expr, inverted: false, program: inner.program, openStrip: next.strip, start: next.start, end: next.end,
        ...(inner.inverse ? { inverse: inner.inverse, inverseStrip: inner.inverseStrip as Strip } : {}),
        ...(expr ? {} : { unsupported: 'unparsable {{else …}}' }),
      };
      return { program, inverse: { body: [chained], chained: true }, inverseStrip: next.strip };
    }
    return { program };
  };

  const parseBlock = (open: OpenTok): BlockNode => {
    const expr = open.unsupported ? null : parseExpr(open.body);
    const rest = parseRest();
    const close = tokens[t];
    if (!close || close.kind !== 'close') {
      throw broken(source, open.start, `{{${open.kind === 'inverted' ? '^' : '#'}${headName(expr, open.body)}}} is never closed`);
    }
    t++;
    const name = headName(expr, open.body);
    if (close.body.trim() !== name) throw broken(source, close.start, `{{/${close.body.trim()}}} does not match {{#${name}}} opened at ${describeAt(source, open.start)}`);
    const inverted = open.kind === 'inverted';
    const block: BlockNode = {
      type: 'block', expr, inverted,
      ...(inverted ? (rest.inverse ? { program: rest.inverse } : {}) : { program: rest.program }),
      ...(inverted ? { inverse: rest.program } : rest.inverse ? { inverse: rest.inverse } : {}),
      ...(rest.inverseStrip ? { inverseStrip: rest.inverseStrip } : {}),
      openStrip: open.strip, closeStrip: close.strip, start: open.start, end: close.end,
      ...(open.unsupported ? { unsupported: open.unsupported } : {}),
      ...(open.inheritance ? { inheritance: open.inheritance } : {}),
    };
    return block;
  };

  const program = parseProgram();
  const stray = tokens[t];
  if (stray) {
    const what = stray.kind === 'close' ? 'a closing tag without an opening block' : '{{else}} outside a block';
    throw broken(source, stray.start, what);
  }
  return program;
}
