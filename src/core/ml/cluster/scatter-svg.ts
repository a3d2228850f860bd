/**
 * A standalone SVG scatter plot of 2-D points (typically the first two PCA components) coloured by
 * cluster, noise (−1) in grey, with axes, ticks and a legend. Above maxPoints (default 5000) a seeded
 * sample is drawn so the file stays small; the legend counts every point. Our own drawing code.
 */
import type { Matrix } from '../matrix.ts';
import { rngFor } from '../../prng.ts';
import { sampleIndices } from './mini-batch-kmeans.ts';
import { clusterColour, escapeXml, fmt, niceTicks, num } from './svg-common.ts';

export function scatterSvg(
  points: Matrix,
  labels: Int32Array,
  opts: { title?: string; xLabel?: string; yLabel?: string; maxPoints?: number; names?: Record<number, string>; width?: number; height?: number; seed?: number } = {},
): string {
  if (points.cols !== 2) throw new RangeError(`scatterSvg needs n×2 points, got n×${points.cols}`);
  if (labels.length !== points.rows) throw new RangeError(`${labels.length} labels for ${points.rows} points`);
  const height = opts.height ?? 480;
  const title = opts.title ?? 'Clusters';
  const legendName = (id: number) => opts.names?.[id] ?? (id < 0 ? 'noise' : `cluster ${id}`);
  // The legend column is as wide as its longest entry (about 6.5 px per character at 12 px), so that
  // long cluster descriptions are not cut off; the plot keeps 540 px unless a width is given.
  const longest = Math.max(12, ...[...new Set(labels)].map((id) => legendName(id).length + 8));
  const margin = { left: 64, right: Math.ceil(36 + 6.5 * longest), top: 40, bottom: 52 };
  const width = opts.width ?? margin.left + 540 + margin.right;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const n = points.rows;
  const maxPoints = opts.maxPoints ?? 5000;
  const shown = n > maxPoints ? Array.from(sampleIndices(n, maxPoints, rngFor(opts.seed ?? 0, 'scatter'))).sort((a, b) => a - b) : Array.from({ length: n }, (_, i) => i);

  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const px = points.data[2 * i]!;
    const py = points.data[2 * i + 1]!;
    if (px < x0) x0 = px;
    if (px > x1) x1 = px;
    if (py < y0) y0 = py;
    if (py > y1) y1 = py;
  }
  if (n === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (v: number) => margin.left + ((v - x0) / (x1 - x0)) * plotW;
  const sy = (v: number) => margin.top + plotH - ((v - y0) / (y1 - y0)) * plotH;

  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${(margin.left + plotW / 2).toFixed(1)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  // Axes and ticks.
  out.push(`<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#000"/>`);
  out.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#000"/>`);
  for (const t of niceTicks(x0, x1)) {
    const tx = num(sx(t));
    out.push(`<line x1="${tx}" y1="${margin.top + plotH}" x2="${tx}" y2="${margin.top + plotH + 5}" stroke="#000"/>`);
    out.push(`<text x="${tx}" y="${margin.top + plotH + 18}" text-anchor="middle" font-size="11">${escapeXml(fmt(t))}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    const ty = num(sy(t));
    out.push(`<line x1="${margin.left - 5}" y1="${ty}" x2="${margin.left}" y2="${ty}" stroke="#000"/>`);
    out.push(`<text x="${margin.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeXml(fmt(t))}</text>`);
  }
  out.push(`<text x="${num(margin.left + plotW / 2)}" y="${height - 12}" text-anchor="middle" font-size="12">${escapeXml(opts.xLabel ?? 'component 1')}</text>`);
  out.push(`<text transform="translate(16,${num(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(opts.yLabel ?? 'component 2')}</text>`);
  // Points: noise first so clusters draw on top.
  out.push('<g class="points" fill-opacity="0.7">');
  const byNoiseFirst = [...shown].sort((a, b) => Number(labels[b]! < 0) - Number(labels[a]! < 0));
  for (const i of byNoiseFirst) {
    out.push(`<circle cx="${num(sx(points.data[2 * i]!))}" cy="${num(sy(points.data[2 * i + 1]!))}" r="2.5" fill="${clusterColour(labels[i]!)}"/>`);
  }
  out.push('</g>');
  // Legend.
  out.push('<g class="legend" font-size="12">');
  ids.forEach((id, r) => {
    const ly = margin.top + 10 + r * 18;
    const lx = margin.left + plotW + 16;
    const name = legendName(id);
    out.push(`<circle cx="${lx}" cy="${ly}" r="5" fill="${clusterColour(id)}"/>`);
    out.push(`<text x="${lx + 10}" y="${ly}" dominant-baseline="middle">${escapeXml(`${name} (${counts.get(id)})`)}</text>`);
  });
  if (shown.length < n) out.push(`<text x="${margin.left + plotW + 16}" y="${margin.top + 10 + ids.length * 18 + 6}" font-size="10" fill="#555">${escapeXml(`${shown.length} of ${n} points drawn`)}</text>`);
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
