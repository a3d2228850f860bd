/**
 * Mustache's runtime rules as plain functions, for templates converted by the Handlebars/Mustache
 * importer (registered in mustache-liquid.ts).
 */

/**
 * What a section `{{#x}}…{{/x}}` renders its body with, once per element (Mustache spec,
 * sections.yml; Handlebars' blockHelperMissing agrees): a list gives its items (none when empty);
 * false, null and undefined give nothing; any other value renders the body once with that value
 * pushed on the context stack. 0 and "" count as values, as in the Ruby reference implementation
 * and Handlebars. An inverted section `{{^x}}` renders exactly when this list is empty.
 */
export function mustacheSection(value: unknown): unknown[] {
  if (value === false || value == null) return [];
  if (Array.isArray(value)) return value;
  return [value];
}

/**
 * Indents a partial's (converted Liquid) source the way Mustache indents a standalone partial's
 * template: `first` at its start, `rest` after every line break. Nothing is added where only
 * Liquid tags (`{% … %}`, other than a nested partial) remain to the end: those are what is left
 * of the partial's standalone lines and of its final line break, which print nothing, so an
 * indentation there would be a stray one at the end of the output (Handlebars, which indents the
 * rendered lines, also leaves a final empty line alone).
 */
export function indentPartialSource(source: string, first: string, rest: string): string {
  if (!first && !rest) return source;
  let end = source.length;
  // The trailing run of tags that print nothing.
  while (end > 0 && source.endsWith('%}', end)) {
    const open = source.lastIndexOf('{%', end - 2);
    if (open < 0 || /^\{%-?\s*mu_partial\b/.test(source.slice(open, end))) break;
    end = open;
  }
  let out = end > 0 ? first : '';
  let from = 0;
  for (let nl = source.indexOf('\n'); nl >= 0; nl = source.indexOf('\n', nl + 1)) {
    out += source.slice(from, nl + 1);
    from = nl + 1;
    if (from < end) out += rest;
  }
  return out + source.slice(from);
}
