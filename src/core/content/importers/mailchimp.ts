import { TailorError } from '../../errors.ts';
import type { ImportIssue, ImportResult } from './import-result.ts';
import { phpDateToStrftime } from './mailchimp-date.ts';
import { AUDIENCE_FIELDS, SYSTEM_TAGS, UNSUPPORTED_PREFIXES } from './mailchimp-fields.ts';
import { describeAt, liquidLiteral, liquidString, positionAt, shorten } from './source-text.ts';

/**
 * Mailchimp merge tags → Liquid (rendered with createLiquid(true)).
 *
 * Semantics implemented, and where they come from (the Mailchimp help-center pages themselves,
 * "All the Merge Tags Cheat Sheet" and "Use Conditional Merge Tag Blocks", were not in the stored
 * corpus; the rules below come from Mailchimp's own Transactional docs and from quotes of the
 * help pages; anything marked ASSUMPTION is ours and is listed in the README's known differences):
 * - `*|IF:F|*` shows its content "if a value for F is provided"; `*|IFNOT:F|*` "if F is not
 *   provided"; `*|IF:F=x|*` is false when no value is provided; ELSEIF shows only the first true
 *   branch; IF blocks nest; `!=` negates.
 *   https://mandrill.zendesk.com/hc/en-us/articles/360039278713-About-Dynamic-and-Conditional-Merge-Tags
 *   (same text: https://mailchimp.com/developer/transactional/docs/templates-dynamic-content/)
 * - "Conditional merge tags are case sensitive" (quoted from
 *   https://mailchimp.com/help/use-conditional-merge-tag-blocks/): `=` compares text exactly.
 * - Operators =, !=, >, <, >=, <= (conditional blocks page, as quoted in public template guides,
 *   e.g. `*|IF:TRANSACTIONS >= 20|*`); spaces around the operator are accepted.
 *   ASSUMPTION: both sides numeric → numeric comparison, otherwise case-sensitive text order;
 *   a missing value makes every operator false except `!=`.
 *   ASSUMPTION: "provided" = not missing, not "", not [], not false (0 counts as provided).
 * - Default audience fields FNAME, LNAME, ADDRESS, PHONE (+ EMAIL):
 *   https://mailchimp.com/developer/marketing/docs/merge-fields/ . Unknown fields are custom
 *   audience fields → `profile.<lowercased>` (reported as an assumption).
 * - `*|UNSUB|*`, `*|UPDATE_PROFILE|*`, `*|ARCHIVE|*`, `*|HTML:…|*`, `*|CURRENT_YEAR|*`,
 *   `*|DATE:d/m/Y|*` (PHP date format), `*|LIST:…|*`: http://kb.mailchimp.com/tag/unsubscribe
 *   (footer code) and the cheat-sheet tables reproduced in public Mailchimp template references.
 * - Escaping: `*|HTML:F|*` exists to insert a field's HTML unescaped, so plain `*|F|*` prints the
 *   value as text: it is converted to an ordinary Liquid output, which createLiquid(true) escapes.
 *   ASSUMPTION: Mailchimp's exact entity set is not documented; liquidjs escapes & < > " '.
 * - `*|TITLE:F|*`, `*|UPPER:F|*`, `*|LOWER:F|*` (cheat-sheet format modifiers, as shown in public
 *   references): title case (mc_title), `upcase`, `downcase`. `*|URL:F|*` → `url_encode`.
 *
 * Not convertible (kept verbatim in the output, reported): `*|LIST:…|*`, `*|MC:…|*` other than
 * SUBJECT, `*|INTERESTED:…|*` groups, social/RSS/feed/rewards tags, fallback syntax
 * `*|F|default|*`, unknown modifiers. Unclosed or stray IF/ELSE/END:IF throw validation_failed.
 */

const TAG = /\*\|([^\n]*?)\|\*/g;
const COMPARISON = /^\s*([A-Za-z0-9_:]+)\s*(!=|>=|<=|=|>|<)\s*(.*?)\s*$/;
const FIELD_NAME = /^[A-Z0-9_]+$/i;

interface OpenIf {
  start: number;
  hasElse: boolean;
}

class MailchimpImporter {
  private out = '';
  private counter = 0;
  readonly issues: ImportIssue[] = [];
  private readonly stack: OpenIf[] = [];

  constructor(private readonly source: string) {}

  private issue(start: number, text: string, message: string): void {
    const p = positionAt(this.source, start);
    this.issues.push({ line: p.line, column: p.column, construct: shorten(text), message });
  }

  private verbatim(start: number, text: string, message: string): void {
    this.issue(start, text, message);
    this.out += liquidLiteral(text);
  }

  /** Liquid path for a field name, reporting custom fields as an assumption. */
  private field(name: string, start: number, text: string): string | null {
    const upper = name.toUpperCase();
    const known = AUDIENCE_FIELDS[upper] ?? SYSTEM_TAGS[upper];
    if (known) return known;
    if (!FIELD_NAME.test(name) || UNSUPPORTED_PREFIXES.some((p) => upper.startsWith(p))) return null;
    this.issue(start, text, `custom audience field ${name} assumed to be the profile trait profile.${name.toLowerCase()}`);
    return `profile.${name.toLowerCase()}`;
  }

  /** `{% assign c = … %}` for a condition; returns the variable, or null when not convertible. */
  private condition(cond: string, negate: boolean, start: number, text: string): string | null {
    const n = ++this.counter;
    const v = `__mc_c${n}`;
    const cmp = COMPARISON.exec(cond);
    let assign: string;
    if (cmp) {
      const [, name, op, literal] = cmp as unknown as [string, string, string, string];
      const path = this.field(name, start, text);
      const lit = liquidString(literal);
      if (!path || !lit) return null;
      assign = `${path} | mc_compare: "${op}", ${lit}`;
    } else {
      const name = cond.trim();
      const path = this.field(name, start, text);
      if (!path) return null;
      assign = `${path} | mc_present`;
    }
    this.out += `{% assign ${v} = ${assign} %}`;
    return negate ? `${v} == false` : v;
  }

  private tag(inner: string, start: number, text: string): void {
    const upper = inner.toUpperCase();
    if (upper.startsWith('IF:') || upper.startsWith('IFNOT:')) {
      const negate = upper.startsWith('IFNOT:');
      const cond = this.condition(inner.slice(negate ? 6 : 3), negate, start, text);
      if (!cond) {
        this.issue(start, text, 'condition cannot be converted; treated as false');
        this.out += '{% if false %}';
      } else this.out += `{% if ${cond} %}`;
      this.stack.push({ start, hasElse: false });
      return;
    }
    if (upper.startsWith('ELSEIF:')) {
      const open = this.stack[this.stack.length - 1];
      if (!open || open.hasElse) throw this.broken(start, `${text} without an open *|IF:…|*`);
      // Liquid cannot assign between branches, so the else-if nests: one more endif at END:IF.
      this.out += '{% else %}';
      const cond = this.condition(inner.slice(7), false, start, text);
      if (!cond) this.issue(start, text, 'condition cannot be converted; treated as false');
      this.out += `{% if ${cond ?? 'false'} %}`;
      this.stack.push({ start: open.start, hasElse: false });
      (this.stack[this.stack.length - 2] as OpenIf).hasElse = true;
      return;
    }
    if (upper === 'ELSE:' || upper === 'ELSE') {
      const open = this.stack[this.stack.length - 1];
      if (!open || open.hasElse) throw this.broken(start, `${text} without an open *|IF:…|*`);
      open.hasElse = true;
      this.out += '{% else %}';
      return;
    }
    if (upper === 'END:IF') {
      const open = this.stack.pop();
      if (!open) throw this.broken(start, `${text} without an open *|IF:…|*`);
      this.out += '{% endif %}';
      // close the ifs that ELSEIF nested inside this block
      while (this.stack.length && (this.stack[this.stack.length - 1] as OpenIf).start === open.start) {
        this.stack.pop();
        this.out += '{% endif %}';
      }
      return;
    }
    if (upper === 'CURRENT_YEAR') {
      this.out += '{{ "now" | date: "%Y" }}';
      return;
    }
    if (upper.startsWith('DATE:')) {
      const { pattern, unsupported } = phpDateToStrftime(inner.slice(5));
      const lit = liquidString(pattern);
      if (unsupported.length || !lit) return this.verbatim(start, text, `date format letters ${unsupported.join(', ')} have no Liquid equivalent`);
      this.out += `{{ "now" | date: ${lit} }}`;
      return;
    }
    const modifier = /^(HTML|TITLE|UPPER|LOWER|URL):(.+)$/i.exec(inner);
    if (modifier) {
      const [, mod, name] = modifier as unknown as [string, string, string];
      const path = this.field(name, start, text);
      if (!path) return this.verbatim(start, text, `${name} has no counterpart in Tailor's render context`);
      const filter = { HTML: ' | raw', TITLE: ' | mc_title', UPPER: ' | upcase', LOWER: ' | downcase', URL: ' | url_encode' }[mod.toUpperCase()] ?? '';
      this.out += `{{ ${path}${filter} }}`;
      return;
    }
    if (inner.includes('|')) return this.verbatim(start, text, 'fallback values (*|FIELD|default|*) are not documented merge-tag syntax; set a default in Liquid with | default');
    const path = this.field(inner, start, text);
    if (!path) return this.verbatim(start, text, 'merge tag has no counterpart in Tailor\'s render context');
    this.out += `{{ ${path} }}`;
  }

  private broken(offset: number, what: string): TailorError {
    return new TailorError('validation_failed', `Mailchimp template is broken at ${describeAt(this.source, offset)}: ${what}`);
  }

  /**
   * Text between merge tags. Liquid renders a block whose body is only whitespace as nothing
   * (Shopify's blank-block rule); Mailchimp prints it, so whitespace inside a conditional goes
   * through a non-empty `raw`, which is never blank.
   */
  private text(t: string): void {
    this.out += this.stack.length && /^\s+$/.test(t) ? `{% raw %}${t}{% endraw %}` : liquidLiteral(t);
  }

  run(): string {
    let pos = 0;
    for (const m of this.source.matchAll(TAG)) {
      const start = m.index;
      this.text(this.source.slice(pos, start));
      this.tag(m[1] ?? '', start, m[0]);
      pos = start + m[0].length;
    }
    this.out += liquidLiteral(this.source.slice(pos));
    const unclosed = this.stack[0];
    if (unclosed) throw this.broken(unclosed.start, 'this *|IF:…|* is never closed with *|END:IF|*');
    return this.out;
  }
}

/** Converts a Mailchimp template (merge tags and conditional blocks) to Liquid. */
export function importMailchimp(source: string): ImportResult {
  const importer = new MailchimpImporter(source);
  const liquid = importer.run();
  return { liquid, issues: importer.issues };
}
