/** Helpers shared by the importers for positions in the source and for emitting literal text. */

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of `offset` in `source`. */
export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export const describeAt = (source: string, offset: number): string => {
  const p = positionAt(source, offset);
  return `${p.line}:${p.column}`;
};

/** Shortens a construct for an issue so a huge unsupported block does not flood the report. */
export const shorten = (text: string, max = 80): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Literal text must reach the recipient exactly as written. Liquid would read `{{` and `{%` as
 * its own delimiters, and a literal `{` at the end of a chunk would fuse with the next emitted
 * tag (`{` + `{{ x }}` = `{{{ x }}`), so those braces are printed through an output of a string
 * literal instead. Other braces (CSS in <style>, JSON) stay untouched to keep the output readable.
 */
export function liquidLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' && (i === text.length - 1 || text[i + 1] === '{' || text[i + 1] === '%')) out += '{{ "{" }}';
    else out += ch;
  }
  return out;
}

/** A Liquid string literal; Liquid has no escapes inside quotes, so pick the quote not in use. */
export function liquidString(value: string): string | null {
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return null;
}
