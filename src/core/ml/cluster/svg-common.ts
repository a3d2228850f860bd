/**
 * Small helpers shared by the cluster charts (dendrogram-svg.ts, scatter-svg.ts): XML escaping,
 * a colour per cluster (Okabe–Ito, distinguishable with colour-vision deficiencies, grey kept for
 * noise), "nice" axis ticks (1–2–5 steps, Heckbert's "Nice numbers for graph labels", Graphics Gems
 * 1990) and number formatting. Hand-written SVG strings: no DOM in core, and no chart library for
 * two static pictures.
 */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000', '#7B3294', '#1B7837'];
export const NOISE_COLOUR = '#9E9E9E';

export function clusterColour(label: number): string {
  return label < 0 ? NOISE_COLOUR : PALETTE[label % PALETTE.length]!;
}

export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

export const num = (v: number): string => (Math.round(v * 100) / 100).toString();
