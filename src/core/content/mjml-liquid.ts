/**
 * Liquid tags between MJML elements. MJML only keeps text inside content elements (mj-text,
 * mj-button, mj-raw, …); a `{% if %}` that wraps whole sections or columns would be dropped or
 * rejected. So before compiling, every Liquid tag whose innermost open element is a structural one
 * (mj-body, mj-wrapper, mj-section, mj-group, mj-column, mj-hero) is wrapped in <mj-raw>, which
 * MJML copies through as it is. Authors write conditional sections and loops naturally:
 *
 *   <mj-section>{% if profile.vip %}<mj-column>…</mj-column>{% endif %}</mj-section>
 *
 * Tags inside attribute values are part of the element's tag and stay untouched.
 */
const STRUCTURAL = new Set(['mjml', 'mj-body', 'mj-wrapper', 'mj-section', 'mj-group', 'mj-column', 'mj-hero']);
const TOKEN = /<(\/?)(mj-[a-z-]+|mjml)\b(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>|\{%-?[\s\S]*?-?%\}|<!--[\s\S]*?-->/g;

export function wrapStructuralLiquid(mjml: string): string {
  const open: string[] = [];
  return mjml.replace(TOKEN, (m: string, closing: string | undefined, name: string | undefined, selfClosing: string | undefined) => {
    if (name) {
      if (closing) {
        const at = open.lastIndexOf(name);
        if (at >= 0) open.length = at;
      } else if (!selfClosing) {
        open.push(name);
      }
      return m;
    }
    if (!m.startsWith('{%')) return m; // a comment
    const inner = open[open.length - 1];
    return inner !== undefined && STRUCTURAL.has(inner) ? `<mj-raw>${m}</mj-raw>` : m;
  });
}
