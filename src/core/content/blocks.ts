import { TailorError } from '../errors.ts';

/**
 * Reusable blocks: named fragments used with `{% render 'name', key: value %}`.
 *
 * A block of kind `mjml` holds sections (header, product grid, offer, footer). MJML has to see it
 * when the template is compiled, or its columns get no widths and its styles no place in the head,
 * so `expandBlocks` inlines it between marker comments; after compilation `extractBlocks` cuts the
 * compiled HTML back out into a partial and puts the original `render` tag (renamed) in its place.
 * Liquid's own `render` then gives the block its isolated scope and arguments at send time.
 * A block of kind `liquid` is an inline snippet (a greeting, a signature); it is passed to Liquid
 * as a partial unchanged.
 */
export interface BlockSource { name: string; kind: 'mjml' | 'liquid'; body: string }

const RENDER = /\{%-?\s*render\s+(['"])([^'"]+)\1([\s\S]*?)-?%\}/g;
const MU_PARTIAL = /\{%-?\s*mu_partial\s+(['"])([^'"]+)\1/g;
const MAX_DEPTH = 5;

export interface Expanded { mjml: string; tags: Map<string, string>; used: Set<string> }

export function expandBlocks(mjml: string, blocks: ReadonlyMap<string, BlockSource>): Expanded {
  const tags = new Map<string, string>();
  const used = new Set<string>();
  const expand = (source: string, depth: number, path: readonly string[]): string =>
    source.replace(RENDER, (m: string, _q: string, name: string, rest: string) => {
      const b = blocks.get(name);
      if (!b) {
        throw new TailorError('validation_failed', `{% render '${name}' %}: there is no block named '${name}'`, 'body');
      }
      used.add(name);
      if (b.kind === 'liquid') return m;
      if (path.includes(name) || depth >= MAX_DEPTH) {
        throw new TailorError('validation_failed', `block '${name}' renders itself through ${[...path, name].join(' → ')}`, 'body');
      }
      const id = `__block_${tags.size + 1}`;
      tags.set(id, `{% render '${id}'${rest.trimEnd()} %}`);
      return `<mj-raw><!--tailor:${id}--></mj-raw>${expand(b.body, depth + 1, [...path, name])}<mj-raw><!--/tailor:${id}--></mj-raw>`;
    });
  const mjmlOut = expand(mjml, 0, []);
  // Imported Mustache partials (`{% mu_partial "name" %}`, importers/mustache-liquid.ts) name
  // liquid blocks too. A missing one renders empty, as Mustache's do, so it is not an error here.
  for (const m of mjmlOut.matchAll(MU_PARTIAL)) if (blocks.get(m[2]!)?.kind === 'liquid') used.add(m[2]!);
  return { mjml: mjmlOut, tags, used };
}

/** Cuts each expanded block's compiled HTML into a partial; returns the HTML and the partials. */
export function extractBlocks(html: string, tags: ReadonlyMap<string, string>): { html: string; partials: Record<string, string> } {
  const partials: Record<string, string> = {};
  let out = html;
  // Innermost first: a nested block is cut out of its parent before the parent is cut.
  for (const [id, tag] of [...tags].reverse()) {
    const start = out.indexOf(`<!--tailor:${id}-->`);
    const end = out.indexOf(`<!--/tailor:${id}-->`);
    if (start < 0 || end < start) throw new TailorError('validation_failed', `block ${id} was lost in MJML compilation (is it inside a content element?)`, 'body');
    partials[id] = out.slice(start + `<!--tailor:${id}-->`.length, end);
    out = out.slice(0, start) + tag + out.slice(end + `<!--/tailor:${id}-->`.length);
  }
  return { html: out, partials };
}
