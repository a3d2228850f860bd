/**
 * The body of a message/delivery-status (RFC 3464 §2.1) or message/feedback-report (RFC 5965 §3)
 * part: header-style fields in blocks separated by blank lines. postal-mime hands these parts over
 * as opaque attachments, and the format is too simple to warrant a second MIME parse.
 */

/** Lower-cased field name → value; the first occurrence wins (as postal-mime does for headers). */
export type FieldBlock = Map<string, string>;

export function parseHeaderBlocks(text: string): FieldBlock[] {
  const blocks: FieldBlock[] = [];
  let block: FieldBlock | null = null;
  let last: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      block = null;
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      // A folded line continues the previous field. The folding indentation carries no meaning,
      // and diagnostic texts are shown and compared, so it becomes a single space.
      // A field whose value starts on the next line (`Action:` then ` failed`) must not begin with that space.
      if (block && last !== null) block.set(last, `${block.get(last)!} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!block) blocks.push((block = new Map()));
    const name = line.slice(0, colon).trim().toLowerCase();
    if (block.has(name)) {
      last = null;
      continue;
    }
    block.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return blocks;
}

/** All blocks as one (a feedback report is one block, but a stray blank line must not hide fields). */
export function mergeBlocks(blocks: readonly FieldBlock[]): FieldBlock {
  const merged: FieldBlock = new Map();
  for (const b of blocks) for (const [k, v] of b) if (!merged.has(k)) merged.set(k, v);
  return merged;
}
