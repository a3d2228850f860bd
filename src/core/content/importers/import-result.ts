/**
 * What every importer returns: the Liquid it could produce, and one issue per construct it could
 * not carry over faithfully. Positions are 1-based line and 1-based column in the ORIGINAL
 * source, so an editor can jump straight to the construct.
 */
export interface ImportIssue {
  line: number;
  column: number;
  /** The construct as written in the source (shortened), e.g. `*|LIST:COMPANY|*` or `{{#foo}}`. */
  construct: string;
  message: string;
}

export interface ImportResult {
  liquid: string;
  issues: ImportIssue[];
}
