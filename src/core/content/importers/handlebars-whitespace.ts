import type { BlockNode, Program, Statement, Strip } from './handlebars-ast.ts';

/**
 * Handlebars' whitespace rules, ported from handlebars 4.7 lib/handlebars/compiler/
 * whitespace-control.js (MIT) so the literal text around tags matches byte for byte:
 * `~` strips all whitespace on its side, and "standalone" block/else/close/comment/partial tags
 * (alone on their line) remove that whole line. It runs at import time: the stripped text is
 * static, so the Liquid output needs no trim markers.
 */

interface StripInfo extends Partial<Strip> {
  openStandalone?: boolean;
  closeStandalone?: boolean;
  inlineStandalone?: boolean;
}

function isPrevWhitespace(body: Statement[], i: number | undefined, isRoot?: boolean): boolean | undefined {
  const idx = i === undefined ? body.length : i;
  const prev = body[idx - 1];
  const sibling = body[idx - 2];
  if (!prev) return isRoot;
  if (prev.type === 'content') {
    return (sibling || !isRoot ? /(?:^|\S)[^\S\n]*\n\s*$/ : /^\s*$|(?:^|\S)[^\S\n]*\n\s*$/).test(prev.original);
  }
  return undefined;
}

function isNextWhitespace(body: Statement[], i: number | undefined, isRoot?: boolean): boolean | undefined {
  const idx = i === undefined ? -1 : i;
  const next = body[idx + 1];
  const sibling = body[idx + 2];
  if (!next) return isRoot;
  if (next.type === 'content') {
    return (sibling || !isRoot ? /^\s*?\r?\n/ : /^\s*?(\r?\n|$)/).test(next.original);
  }
  return undefined;
}

function omitRight(body: Statement[], i: number | null, multiple?: boolean): void {
  const current = body[i == null ? 0 : i + 1];
  if (!current || current.type !== 'content' || (!multiple && current.rightStripped)) return;
  const original = current.value;
  current.value = current.value.replace(multiple ? /^\s+/ : /^[ \t]*\r?\n?/, '');
  current.rightStripped = current.value !== original;
}

function omitLeft(body: Statement[], i: number | null, multiple?: boolean): boolean | undefined {
  const current = body[i == null ? body.length - 1 : i - 1];
  if (!current || current.type !== 'content' || (!multiple && current.leftStripped)) return undefined;
  const original = current.value;
  current.value = current.value.replace(multiple ? /(^|\S)\s+$/ : /(^|[^ \t])[ \t]+$/, '$1');
  current.leftStripped = current.value !== original;
  return current.leftStripped;
}

class WhitespaceControl {
  private rootSeen = false;

  program(program: Program): void {
    const isRoot = !this.rootSeen;
    this.rootSeen = true;
    const body = program.body;
    for (let i = 0; i < body.length; i++) {
      const current = body[i] as Statement;
      const strip = this.accept(current);
      if (!strip) continue;
      const prevWs = isPrevWhitespace(body, i, isRoot);
      const nextWs = isNextWhitespace(body, i, isRoot);
      const openStandalone = strip.openStandalone && prevWs;
      const closeStandalone = strip.closeStandalone && nextWs;
      const inlineStandalone = strip.inlineStandalone && prevWs && nextWs;
      if (strip.close) omitRight(body, i, true);
      if (strip.open) omitLeft(body, i, true);
      if (inlineStandalone) {
        omitRight(body, i);
        if (omitLeft(body, i) && current.type === 'partial') {
          const prev = body[i - 1];
          current.indent = (prev?.type === 'content' && /(?:^|[^ \t])([ \t]+)$/.exec(prev.original)?.[1]) || '';
        }
      }
      if (openStandalone && current.type === 'block') {
        omitRight((current.program ?? current.inverse ?? { body: [] }).body, null);
        omitLeft(body, i);
      }
      if (closeStandalone && current.type === 'block') {
        omitRight(body, i);
        omitLeft((current.inverse ?? current.program ?? { body: [] }).body, null);
      }
    }
  }

  private accept(node: Statement): StripInfo | undefined {
    switch (node.type) {
      case 'block': return this.block(node);
      case 'mustache': return node.strip;
      case 'partial':
      case 'comment': return { inlineStandalone: true, open: node.strip.open, close: node.strip.close };
      default: return undefined;
    }
  }

  private block(block: BlockNode): StripInfo {
    if (block.program) this.program(block.program);
    if (block.inverse) this.program(block.inverse);
    const program = (block.program ?? block.inverse) as Program;
    const inverse = block.program && block.inverse;
    let firstInverse = inverse;
    let lastInverse = inverse;
    if (inverse && inverse.chained) {
      firstInverse = (inverse.body[0] as BlockNode).program;
      while (lastInverse?.chained) lastInverse = (lastInverse.body[lastInverse.body.length - 1] as BlockNode).program;
    }
    const closeStrip = block.closeStrip ?? { open: false, close: false };
    const strip: StripInfo = {
      open: block.openStrip.open,
      close: closeStrip.close,
      openStandalone: isNextWhitespace(program.body, undefined),
      closeStandalone: isPrevWhitespace((firstInverse ?? program).body, undefined),
    };
    if (block.openStrip.close) omitRight(program.body, null, true);
    if (inverse && firstInverse && lastInverse) {
      const inverseStrip = block.inverseStrip ?? { open: false, close: false };
      if (inverseStrip.open) omitLeft(program.body, null, true);
      if (inverseStrip.close) omitRight(firstInverse.body, null, true);
      if (closeStrip.open) omitLeft(lastInverse.body, null, true);
      if (isPrevWhitespace(program.body, undefined) && isNextWhitespace(firstInverse.body, undefined)) {
        omitLeft(program.body, null);
        omitRight(firstInverse.body, null);
      }
    } else if (closeStrip.open) {
      omitLeft(program.body, null, true);
    }
    return strip;
  }
}

/** Applies handlebars' whitespace control to the tree in place. */
export function applyWhitespaceControl(program: Program): Program {
  new WhitespaceControl().program(program);
  return program;
}
