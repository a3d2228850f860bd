/**
 * A standalone SVG dendrogram of a Ward linkage (hierarchical.ts), truncated like scipy's
 * dendrogram(truncate_mode='lastp', p=maxLeaves): only the last maxLeaves − 1 merges are drawn, and
 * each shown leaf is a cluster labelled with its size ("(n)") or, for a single point, its row index.
 * The y axis is the Ward merge distance. Our own drawing code (string SVG, no DOM in core).
 */
import type { Linkage } from './hierarchical.ts';
import { escapeXml, fmt, niceTicks, num } from './svg-common.ts';

export function dendrogramSvg(l: Linkage, opts: { title?: string; maxLeaves?: number; width?: number; height?: number } = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 420;
  const title = opts.title ?? 'Ward dendrogram';
  const n = l.merges.length + 1;
  const p = Math.max(2, Math.min(opts.maxLeaves ?? 30, n));
  const margin = { left: 64, right: 16, top: 40, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;

  // Nodes with id ≥ n + (n − p) are drawn as merges; anything below is a leaf of the picture.
  const firstShown = n + (n - p);
  const sizeOf = (id: number): number => (id < n ? 1 : l.merges[id - n]!.size);
  const heightOf = (id: number): number => (id >= firstShown ? l.merges[id - n]!.distance : 0);
  const root = 2 * n - 2;
  const leaves: number[] = [];
  const collect = (id: number): void => {
    if (id < firstShown) {
      leaves.push(id);
      return;
    }
    const m = l.merges[id - n]!;
    collect(m.a);
    collect(m.b);
  };
  if (n >= 2) collect(root);
  const maxH = n >= 2 ? l.merges[n - 2]!.distance : 1;
  const ticks = niceTicks(0, maxH || 1);
  const top = Math.max(maxH, ticks[ticks.length - 1] ?? maxH) || 1;
  const y = (h: number) => margin.top + plotH - (h / top) * plotH;
  const xOfLeaf = new Map<number, number>();
  leaves.forEach((id, i) => xOfLeaf.set(id, margin.left + ((i + 0.5) / leaves.length) * plotW));

  const parts: string[] = [];
  const xOf = (id: number): number => {
    if (id < firstShown) return xOfLeaf.get(id)!;
    const m = l.merges[id - n]!;
    const xa = xOf(m.a);
    const xb = xOf(m.b);
    const ym = y(m.distance);
    parts.push(`<path class="link" d="M${num(xa)},${num(y(heightOf(m.a)))}V${num(ym)}H${num(xb)}V${num(y(heightOf(m.b)))}" fill="none" stroke="#333" stroke-width="1.2"/>`);
    return (xa + xb) / 2;
  };
  if (n >= 2) xOf(root);

  const axis: string[] = [];
  axis.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#000"/>`);
  for (const t of ticks) {
    const ty = num(y(t));
    axis.push(`<line x1="${margin.left - 5}" y1="${ty}" x2="${margin.left}" y2="${ty}" stroke="#000"/>`);
    axis.push(`<text x="${margin.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeXml(fmt(t))}</text>`);
  }
  axis.push(`<text transform="translate(16,${num(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">Ward distance</text>`);
  const leafLabels = leaves.map((id) => {
    const lx = num(xOfLeaf.get(id)!);
    const label = sizeOf(id) > 1 ? `(${sizeOf(id)})` : String(id);
    return `<text class="leaf" x="${lx}" y="${margin.top + plotH + 8}" transform="rotate(90 ${lx} ${margin.top + plotH + 8})" font-size="10">${escapeXml(label)}</text>`;
  });
  const legend = `<text x="${width - margin.right}" y="${margin.top - 8}" text-anchor="end" font-size="11">leaves: (n) = cluster of n points, k = row k; last ${Math.max(0, p - 1)} merges shown</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...axis,
    ...parts,
    ...leafLabels,
    `<g class="legend">${legend}</g>`,
    '</svg>',
  ].join('\n');
}
