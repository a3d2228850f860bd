import type { convert as Convert } from 'html-to-text';
import type juiceFn from 'juice';
import type mjml2htmlFn from 'mjml';
import { TailorError } from '../errors.ts';
import { expandBlocks, extractBlocks, type BlockSource } from './blocks.ts';
import { wrapStructuralLiquid } from './mjml-liquid.ts';

/**
 * A template version compiled once: MJML → responsive HTML (CSS inlined by MJML) with the Liquid
 * left intact, and a plain-text twin derived from that HTML, also still Liquid. Per recipient only
 * Liquid runs (render.ts), which is what makes thousands of renders a second possible; MJML itself
 * takes tens of milliseconds.
 *
 * `format: 'html'` skips MJML for templates that are already HTML (imports from other tools); their
 * CSS is inlined with juice instead.
 */
export interface TemplateSource {
  subject: string;
  preheader: string;
  body: string;
  format: 'mjml' | 'html';
}

export interface CompiledTemplate {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** Liquid partials: blocks and the compiled sections cut out of the HTML (and their text). */
  htmlPartials: Record<string, string>;
  textPartials: Record<string, string>;
  /** Block names the template uses. */
  blocks: string[];
  /** MJML validation messages (the compile is lenient; lint reports them). */
  warnings: string[];
  compileMs: number;
}

const PREVIEW = '{{ preheader }}';

// The compilers are loaded on the first compile, not with the module: every CLI command wires the
// template service, and loading mjml, juice and html-to-text up front cost about 0.45 s of start-up.
let compilers: Promise<{ mjml2html: typeof mjml2htmlFn; juice: typeof juiceFn; convert: typeof Convert }> | undefined;
const loadCompilers = () => (compilers ??= Promise.all([import('mjml'), import('juice'), import('html-to-text')])
  .then(([m, j, h]) => ({ mjml2html: m.default, juice: j.default, convert: h.convert })));

export async function compileTemplate(src: TemplateSource, blocks: ReadonlyMap<string, BlockSource>, now: () => number): Promise<CompiledTemplate> {
  const { mjml2html, juice, convert } = await loadCompilers();
  const start = now();
  const expanded = expandBlocks(src.body, blocks);
  let html: string;
  const warnings: string[] = [];
  if (src.format === 'mjml') {
    const mjml = withPreview(wrapStructuralLiquid(expanded.mjml));
    let out: Awaited<ReturnType<typeof mjml2htmlFn>>;
    try {
      out = await mjml2html(mjml, { validationLevel: 'soft', keepComments: true, ignoreIncludes: true });
    } catch (e) {
      throw new TailorError('validation_failed', `MJML: ${(e as Error).message.split('\n')[0]}`, 'body');
    }
    for (const e of out.errors) warnings.push(`line ${e.line}: ${e.message}`);
    html = out.html;
  } else {
    // MJML inlines its own component styles (and <mj-style inline="inline">); a plain HTML
    // template gets its <style> rules inlined here, keeping media queries in the head.
    html = juice(expanded.mjml, { preserveMediaQueries: true, preserveImportant: true, removeStyleTags: false });
  }
  const cut = extractBlocks(html, expanded.tags);
  const liquidBlocks = Object.fromEntries([...expanded.used].map((n) => blocks.get(n)!).filter((b) => b.kind === 'liquid').map((b) => [b.name, b.body]));
  const htmlPartials = { ...liquidBlocks, ...cut.partials };
  const textPartials = Object.fromEntries(Object.entries(htmlPartials).map(([k, v]) => [k, toText(convert, v)]));
  return {
    subject: src.subject,
    preheader: src.preheader,
    html: cut.html,
    text: toText(convert, withoutPreview(cut.html)),
    htmlPartials,
    textPartials,
    blocks: [...expanded.used].sort(),
    warnings,
    compileMs: now() - start,
  };
}

/** The preheader goes into MJML's hidden preview text, as a Liquid output. */
function withPreview(mjml: string): string {
  if (/<mj-preview[\s>]/.test(mjml)) return mjml;
  const head = /<mj-head(\s[^>]*)?>/.exec(mjml);
  if (head) return mjml.replace(head[0], `${head[0]}<mj-preview>${PREVIEW}</mj-preview>`);
  return mjml.replace(/<mjml(\s[^>]*)?>/, (m) => `${m}<mj-head><mj-preview>${PREVIEW}</mj-preview></mj-head>`);
}

/** The hidden preview text does not belong in the plain-text part. */
const withoutPreview = (html: string): string => html.replace(/<div[^>]*display:\s*none[^>]*>[^<]*\{\{ preheader \}\}[\s\S]*?<\/div>/, '');

/**
 * HTML to plain text, keeping Liquid intact: no word wrap (it would split a tag), no upper-casing
 * of headings (it would change variable names), links as "text [url]".
 */
function toText(convert: typeof Convert, html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'block' },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}
