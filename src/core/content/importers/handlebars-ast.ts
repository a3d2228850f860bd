/**
 * The Handlebars syntax tree the importer works on. Content nodes keep their source text
 * (`original`) next to the text left after whitespace control (`value`, see
 * handlebars-standalone.ts); tags carry their `~` flags.
 */

export interface Strip {
  open: boolean;
  close: boolean;
}

export interface PathExpr {
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}

export type Param =
  | { kind: 'path'; path: PathExpr }
  | { kind: 'literal'; text: string }
  | { kind: 'sexpr'; text: string };

export interface Expr {
  head: Param;
  params: Param[];
  hash: { key: string; value: Param }[];
  blockParams: boolean;
}

interface Span {
  start: number;
  end: number;
}

export interface ContentNode extends Span {
  type: 'content';
  original: string;
  value: string;
}

export interface CommentNode extends Span {
  type: 'comment';
  strip: Strip;
}

export interface MustacheNode extends Span {
  type: 'mustache';
  expr: Expr | null;
  escaped: boolean;
  strip: Strip;
  /** Set for syntax the importer recognises but cannot convert (decorators, raw blocks …). */
  unsupported?: string;
}

export interface PartialNode extends Span {
  type: 'partial';
  expr: Expr | null;
  strip: Strip;
  indent: string;
  /** Alone on its line (handlebars-standalone.ts): every line of the partial gets `indent`. */
  standalone?: boolean;
  unsupported?: string;
}

export interface BlockNode extends Span {
  type: 'block';
  expr: Expr | null;
  /** `{{^x}}…{{/x}}`: handlebars swaps program and inverse. */
  inverted: boolean;
  /** Absent only for `{{^x}}…{{/x}}` without `{{else}}` (as in handlebars). */
  program?: Program;
  inverse?: Program;
  openStrip: Strip;
  inverseStrip?: Strip;
  closeStrip?: Strip;
  unsupported?: string;
  /** Mustache inheritance (an optional spec module): `{{<parent}}` or `{{$block}}`. */
  inheritance?: 'parent' | 'block';
}

export type Statement = ContentNode | CommentNode | MustacheNode | PartialNode | BlockNode;

export interface Program {
  body: Statement[];
  chained?: boolean;
}
