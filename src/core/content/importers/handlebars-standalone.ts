import type { BlockNode, ContentNode, PartialNode, Program, Statement, Strip } from './handlebars-ast.ts';

/**
 * Resolves Handlebars' two whitespace rules at import time, so the generated Liquid only has to
 * print the surviving text. Written from the specifications below and checked black-box against
 * the `handlebars` package (4.7; every case in src/core/content/importers/handlebars.test.ts compares
 * with its output):
 *
 * 1. Tilde (`{{~x}}`, `{{x~}}`; Handlebars guide, "Whitespace Control",
 *    https://handlebarsjs.com/guide/expressions.html#whitespace-control): a `~` next to the braces
 *    removes every whitespace character (JS `\s`, newlines included) of the text on that side of
 *    the tag, up to the first non-whitespace character. Only the text directly touching the tag is
 *    affected; another tag stops the stripping.
 *
 * 2. Standalone lines (Mustache spec, "standalone" tags in sections.yml, inverted.yml,
 *    comments.yml and partials.yml, https://github.com/mustache/spec; Handlebars applies them to
 *    every tag that is not an output expression: block open `{{#x}}`/`{{^x}}`, `{{else}}`,
 *    `{{else if …}}`, close `{{/x}}`, comments and partials). A tag is standalone when
 *    - before it, back to the previous line break, there is only whitespace — or only whitespace
 *      back to the start of the template; another tag on the same line disqualifies it; and
 *    - after it, there is only whitespace up to a `\n` — or only whitespace to the end of the
 *      template.
 *    The line then disappears: the spaces/tabs in front of the tag, and after it the spaces/tabs
 *    plus one line break (`\n` or `\r\n`) are dropped. A standalone partial keeps the
 *    spaces/tabs dropped in front of it as its indent (Handlebars indents each line of the
 *    partial with it).
 *
 * Details settled by experiment (they are also what the table tests pin down):
 * - Standalone-ness is decided on the text as written, before any `~` stripping; the removals
 *   then apply to the text left after `~` stripping. So `~` and a standalone line combine (a
 *   `{{~#if x}}` alone on its line strips the preceding whitespace and its own line break), and a
 *   partial's indent is only what is still there after `~` stripping.
 * - "Whitespace" in the two tests is any JS `\s` (no-break space too), but only spaces and tabs
 *   are removed, so `\u00a0{{#if x}}` keeps its no-break space while the line break after the tag
 *   still goes. After the tag, the removal is "spaces/tabs, then `\r`, then `\n`" (each
 *   optional), so in `{{/if}} \r \n` only ` \r` goes.
 * - A line break for the tests is `\n`; a lone `\r` does not end a line, `\u2028` neither.
 * - Each tag is judged on its own: in `{{#if x}}\n…{{/if}} tail` the open line still disappears.
 *
 * Design: the tree is unfolded into a flat sequence of text runs and tags (a block becomes open
 * tag, body, `{{else}}` tag, else body, close tag; an `{{else if}}` chain shares the one close tag
 * of its outermost block), in source order except for inverted sections (see `bodies`). On that
 * sequence (1) standalone tags are found from the source text, (2) `~` strips, (3) standalone
 * lines are removed. Two Handlebars quirks found by experiment are reproduced: the close tag of
 * an `{{else if}}` chain (see ChainClose) and the body order of `{{^x}}…{{else}}…{{/x}}`.
 */

interface Tag {
  kind: 'tag';
  strip: Strip;
  /** Can stand alone on a line (everything but `{{x}}`/`{{{x}}}` output tags). */
  lineTag: boolean;
  partial?: PartialNode;
  /** Set on the close tag of an `{{else if}}` chain: see ChainClose. */
  chain?: ChainClose;
}

/**
 * Handlebars judges the close tag of an `{{else if …}}` chain by the wrong text (observed with
 * handlebars 4.7, reproduced for byte-identical output): its line-start test looks at the end of
 * the first `{{else if}}` body instead of the text right before the close, and if it passes only
 * the rest of the close's line is removed; its left `~` strips the ends of the first `{{else if}}`
 * body and of the body after that (the next `{{else if}}` or `{{else}}` body), not of the last.
 */
interface ChainClose {
  /** Piece indices of the tags that end those bodies (the first one ends the first link's body). */
  bodyEnds: number[];
}

/** Consecutive content nodes (an escaped `\{{` splits the text into several). */
interface Run {
  kind: 'run';
  nodes: ContentNode[];
}

type Piece = Tag | Run;

const NO_STRIP: Strip = { open: false, close: false };

/**
 * A block's bodies in the order Handlebars strips them. `{{^x}}A{{else}}B{{/x}}` is stored as
 * program B, inverse A, and Handlebars strips it as if B came first (observed; inverted sections
 * are not converted anyway); `{{^x}}A{{/x}}` has A as its only body.
 */
function bodies(node: BlockNode): [Program | undefined, Program | undefined] {
  if (!node.inverted) return [node.program, node.inverse];
  if (!node.program) return [node.inverse, undefined];
  if (node.program.chained) return [node.inverse, node.program];
  return [node.program, node.inverse];
}

class Sequence {
  readonly pieces: Piece[] = [];

  text(node: ContentNode): void {
    const last = this.pieces[this.pieces.length - 1];
    if (last?.kind === 'run') last.nodes.push(node);
    else this.pieces.push({ kind: 'run', nodes: [node] });
  }

  /** Appends a tag and returns its index. */
  tag(strip: Strip | undefined, lineTag: boolean, partial?: PartialNode): number {
    this.pieces.push({ kind: 'tag', strip: strip ?? NO_STRIP, lineTag, ...(partial ? { partial } : {}) });
    return this.pieces.length - 1;
  }

  statements(program: Program | undefined): void {
    for (const node of program?.body ?? []) this.statement(node);
  }

  private statement(node: Statement): void {
    switch (node.type) {
      case 'content':
        this.text(node);
        return;
      case 'comment':
        this.tag(node.strip, true);
        return;
      case 'partial':
        this.tag(node.strip, true, node);
        return;
      case 'mustache':
        this.tag(node.strip, false);
        return;
      case 'block':
        this.block(node);
        return;
    }
  }

  /**
   * Unfolds a block into open tag, body, then per `{{else …}}` its tag and body, then the close
   * tag. An `{{else if}}` link is a nested BlockNode whose open tag is the `{{else if}}` and which
   * has no close of its own.
   */
  private block(node: BlockNode): void {
    const separators: number[] = [];
    let link: BlockNode | undefined = node;
    let openStrip = node.openStrip;
    while (link) {
      separators.push(this.tag(openStrip, true));
      const [before, after] = bodies(link);
      this.statements(before);
      const next: Statement | undefined = after?.chained ? after.body[0] : undefined;
      if (next?.type === 'block') {
        link = next;
        openStrip = next.openStrip;
        continue;
      }
      if (after) {
        separators.push(this.tag(link.inverseStrip, true));
        this.statements(after);
      }
      link = undefined;
    }
    const close = this.tag(node.closeStrip, true);
    separators.push(close);
    const isChain = node.inverse?.chained === true && !node.inverted;
    if (isChain) (this.pieces[close] as Tag).chain = { bodyEnds: separators.slice(2, 4) };
  }
}

const written = (run: Run): string => run.nodes.map((n) => n.original).join('');

/** Removes the longest prefix of the run's current text that `pattern` (anchored at ^) matches. */
function dropHead(run: Run, pattern: RegExp): string {
  const text = run.nodes.map((n) => n.value).join('');
  const cut = pattern.exec(text)?.[0].length ?? 0;
  let left = cut;
  for (const node of run.nodes) {
    if (left === 0) break;
    const n = Math.min(left, node.value.length);
    node.value = node.value.slice(n);
    left -= n;
  }
  return text.slice(0, cut);
}

/** Removes the longest suffix of the run's current text that `pattern` (anchored at $) matches. */
function dropTail(run: Run, pattern: RegExp): string {
  const text = run.nodes.map((n) => n.value).join('');
  const cut = pattern.exec(text)?.[0].length ?? 0;
  let left = cut;
  for (let i = run.nodes.length - 1; i >= 0 && left > 0; i--) {
    const node = run.nodes[i] as ContentNode;
    const n = Math.min(left, node.value.length);
    node.value = node.value.slice(0, node.value.length - n);
    left -= n;
  }
  return text.slice(text.length - cut);
}

/** The text run directly before/after pieces[i], or null when a tag touches it there. */
function runAt(pieces: Piece[], i: number): Run | null {
  const p = pieces[i];
  return p?.kind === 'run' ? p : null;
}

/** Nothing but whitespace between the end of `run` and the start of its line (or of the template). */
function opensLine(run: Run | null, atTemplateStart: boolean): boolean {
  if (!run) return atTemplateStart;
  const text = written(run);
  return /\n\s*$/.test(text) || (atTemplateStart && /^\s*$/.test(text));
}

/** Nothing but whitespace between the tag and the end of its line (or of the template). */
function endsLine(pieces: Piece[], i: number): boolean {
  if (i === pieces.length - 1) return true;
  const run = runAt(pieces, i + 1);
  if (!run) return false;
  const text = written(run);
  return /^\s*\n/.test(text) || (i + 2 === pieces.length && /^\s*$/.test(text));
}

/** The run that ends right before pieces[i] (the text at the end of the body that tag closes). */
const runBefore = (pieces: Piece[], i: number): Run | null => runAt(pieces, i - 1);

function lineStartOk(pieces: Piece[], tag: Tag, i: number): boolean {
  if (tag.chain) {
    const end = tag.chain.bodyEnds[0] as number;
    return opensLine(runBefore(pieces, end), false);
  }
  const run = runBefore(pieces, i);
  return opensLine(run, run ? i === 1 : i === 0);
}

/**
 * Applies `~` stripping and standalone-line removal to the content nodes of `program` (their
 * `value`; `original` keeps the source text) and sets the indent of standalone partials.
 * Mutates and returns the same tree.
 */
export function resolveWhitespace(program: Program): Program {
  const seq = new Sequence();
  seq.statements(program);
  const { pieces } = seq;

  // Standalone-ness is judged on the source text, so decide it before anything is removed.
  const standalone = pieces.map((p, i) => p.kind === 'tag' && p.lineTag && lineStartOk(pieces, p, i) && endsLine(pieces, i));

  pieces.forEach((p, i) => {
    if (p.kind !== 'tag') return;
    if (p.strip.open) {
      const ends = p.chain ? p.chain.bodyEnds : [i];
      for (const end of ends) {
        const run = runBefore(pieces, end);
        if (run) dropTail(run, /\s+$/);
      }
    }
    const after = runAt(pieces, i + 1);
    if (p.strip.close && after) dropHead(after, /^\s+/);
  });

  pieces.forEach((p, i) => {
    if (p.kind !== 'tag' || !standalone[i]) return;
    const before = p.chain ? null : runBefore(pieces, i);
    const after = runAt(pieces, i + 1);
    const indent = before ? dropTail(before, /[ \t]+$/) : '';
    if (after) dropHead(after, /^[ \t]*\r?\n?/);
    if (p.partial) {
      p.partial.indent = indent;
      p.partial.standalone = true;
    }
  });
  return program;
}
